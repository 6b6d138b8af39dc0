/**
 * The raw scores Q K^T of one self-attention layer, before the 1/sqrt(d_k) factor and the
 * mask (paper 3.2.1, equation 1), which the model itself never keeps: the layers below are run
 * as the model runs them (no dropout), then the layer's own queries and keys are projected.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError, ErrorCode } from '../../../shared/errors';
import { ForwardContext, tidy } from '../../model/context';
import type { LayerNorm } from '../../model/layerNorm';
import { causalMask } from '../../model/masks';
import { sinusoidalEncoding } from '../../model/positional';
import type { Transformer } from '../../model/transformer';

/**
 * Token vectors times sqrt(d_model) plus positions (paper 3.4, 3.5), as Embeddings.apply does
 * outside training.
 * @param ids [batch, len] int32
 * @returns [batch*len, d_model]
 */
export function embedRows(model: Transformer, ids: tf.Tensor2D, side: 'src' | 'tgt'): tf.Tensor2D {
  return tidy(() => {
    const { dModel, maxPositions, tieEmbeddings, positionalEncoding } = model.config;
    const [batch, len] = ids.shape;
    const table = model.params.get(tieEmbeddings ? 'embedding.shared' : `embedding.${side}`);
    const pe =
      positionalEncoding === 'learned'
        ? model.params.get(`positional.${side}`)
        : sinusoidalEncoding(maxPositions, dModel); // [maxPositions, d]
    const tokens = tf.mul(tf.gather(table, tf.reshape(ids, [batch * len])), Math.sqrt(dModel)); // [batch*len, d]
    const sum = tf.add(
      tf.reshape(tokens, [batch, len, dModel]),
      tf.slice(pe, [0, 0], [len, dModel]),
    ); // [batch, len, d]
    return tf.reshape(sum, [batch * len, dModel]) as tf.Tensor2D;
  });
}

/** Refuses a layer or head the model does not have, naming the ones it has. */
export function checkLayerHead(
  layers: number,
  heads: number,
  layer: number,
  head: number,
  what: string,
): void {
  if (layer >= layers) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `This model's ${what} has ${layers} layer${layers === 1 ? '' : 's'}; pick layer 1 to ${layers}.`,
    );
  }
  if (head >= heads) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `This model has ${heads} heads per layer; pick head 1 to ${heads}.`,
    );
  }
}

/** What a self-attention sublayer reads: x (post-LN, the paper's) or norm1(x) (pre-LN). */
function attentionInput(model: Transformer, norm: LayerNorm, x: tf.Tensor2D): tf.Tensor2D {
  return model.config.normPosition === 'pre' ? norm.apply(x) : x;
}

/**
 * Q K^T of every head of encoder layer `layer` (no scale, no mask).
 * @param src [batch, S] int32
 * @param srcMask [batch, 1, 1, S]
 * @returns [batch, heads, S, S]
 */
export function encoderRawScores(
  model: Transformer,
  src: tf.Tensor2D,
  srcMask: tf.Tensor4D,
  layer: number,
): tf.Tensor4D {
  return tidy(() => {
    const [batch, len] = src.shape;
    const ctx = new ForwardContext({ training: false });
    let h = embedRows(model, src, 'src'); // [batch*S, d]
    const layers = model.encoder.layers;
    for (let i = 0; i < layer; i++) h = layers[i]!.apply(h, batch, len, srcMask, ctx).output;
    const target = layers[layer]!;
    const { q, kT } = target.selfAttn.queriesKeysValues(
      attentionInput(model, target.norm1, h),
      batch,
      len,
    ); // q [batch, H, S, d_k], kT [batch, H, d_k, S]
    return tf.matMul(q, kT) as tf.Tensor4D; // [batch, H, S, S]
  });
}

/**
 * Q K^T of every head of decoder layer `layer`'s self-attention (no scale, no mask), with
 * teacher forcing: the layers below run under the causal mask as in training.
 * @param tgtIn [batch, T] int32
 * @returns [batch, heads, T, T]
 */
export function decoderRawScores(
  model: Transformer,
  src: tf.Tensor2D,
  srcMask: tf.Tensor4D,
  tgtIn: tf.Tensor2D,
  layer: number,
): tf.Tensor4D {
  return tidy(() => {
    const [batch, srcLen] = src.shape;
    const len = tgtIn.shape[1];
    const ctx = new ForwardContext({ training: false });
    const memory = model.encode(src, srcMask); // [batch, S, d]
    const rows = tf.reshape(memory, [batch * srcLen, model.config.dModel]) as tf.Tensor2D;
    const cross = model.decoder.crossKeysValues(rows, batch, srcLen);
    const mask = causalMask(len); // [1, 1, T, T]
    let h = embedRows(model, tgtIn, 'tgt'); // [batch*T, d]
    const layers = model.decoder.layers;
    for (let i = 0; i < layer; i++) {
      h = layers[i]!.apply(h, batch, len, { past: null, mask }, cross[i]!, srcMask, ctx).output;
    }
    const target = layers[layer]!;
    const { q, kT } = target.selfAttn.queriesKeysValues(
      attentionInput(model, target.norm1, h),
      batch,
      len,
    ); // q [batch, H, T, d_k], kT [batch, H, d_k, T]
    return tf.matMul(q, kT) as tf.Tensor4D; // [batch, H, T, T]
  });
}
