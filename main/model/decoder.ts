/**
 * Decoder (paper 3.1): a stack of N identical layers, each masked multi-head self-attention,
 * then encoder-decoder attention (queries from the decoder, keys and values from the encoder
 * output), then a position-wise feed-forward network, each wrapped in residual + LayerNorm.
 * `step` runs one position against a key/value cache (incremental decoding).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/types';
import type { KeysValues } from './attention';
import { MultiHeadAttention } from './attention';
import type { ForwardContext } from './context';
import { FeedForward } from './feedForward';
import { LayerNorm } from './layerNorm';
import type { ParameterStore } from './params';
import { residual } from './sublayer';

/** Attention weights of one decoder layer. */
export interface DecoderLayerWeights {
  /** [batch, heads, T, T] (step: [batch, heads, 1, t]) */
  self: tf.Tensor4D;
  /** [batch, heads, T, S] (step: [batch, heads, 1, S]) */
  cross: tf.Tensor4D;
}

export class DecoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly crossAttn: MultiHeadAttention;
  readonly ffn: FeedForward;
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;
  private readonly norm3: LayerNorm;

  /** Parameters under `<name>.self_attn`, `<name>.cross_attn`, `<name>.ffn`, `<name>.norm_1..3`. */
  constructor(
    params: ParameterStore,
    name: string,
    private readonly config: ModelConfig,
  ) {
    const { dModel, heads, dropout } = config;
    this.selfAttn = new MultiHeadAttention(params, `${name}.self_attn`, dModel, heads, dropout);
    this.crossAttn = new MultiHeadAttention(params, `${name}.cross_attn`, dModel, heads, dropout);
    this.ffn = new FeedForward(params, `${name}.ffn`, dModel, config.dFF);
    this.norm1 = new LayerNorm(params, `${name}.norm_1`, dModel);
    this.norm2 = new LayerNorm(params, `${name}.norm_2`, dModel);
    this.norm3 = new LayerNorm(params, `${name}.norm_3`, dModel);
  }

  /**
   * Whole target sequence at once (training, uncached decoding).
   * @param y [batch*T, d_model]
   * @param cross the encoder memory's keys and values for this layer
   * @param selfMask [1, 1, T, T] causal mask
   * @param srcMask [batch, 1, 1, S] padding mask of the source
   */
  apply(
    y: tf.Tensor2D,
    batch: number,
    len: number,
    cross: KeysValues,
    selfMask: tf.Tensor4D,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { y: tf.Tensor2D; weights: DecoderLayerWeights } {
    const { normPosition, dropout } = this.config;
    let selfW: tf.Tensor4D | undefined;
    let crossW: tf.Tensor4D | undefined;
    let h = residual(y, this.norm1, normPosition, dropout, ctx, (x) => {
      const r = this.selfAttn.apply(x, x, batch, len, len, selfMask, ctx);
      selfW = r.weights;
      return r.output;
    });
    h = residual(h, this.norm2, normPosition, dropout, ctx, (x) => {
      const r = this.crossAttn.attend(this.crossAttn.queries(x, batch, len), cross, srcMask, ctx);
      crossW = r.weights;
      return r.output;
    });
    h = residual(h, this.norm3, normPosition, dropout, ctx, (x) => this.ffn.apply(x));
    return { y: h, weights: { self: selfW as tf.Tensor4D, cross: crossW as tf.Tensor4D } };
  }

  /**
   * One new position per sequence, attending to the cached keys/values of earlier positions.
   * @param y [batch, d_model] the new position
   * @param past this layer's self-attention K^T [batch, heads, d_k, t] and V [batch, heads, t, d_k], or null at t = 0
   * @returns y [batch, d_model], the grown self K/V (t+1 positions) and the weights
   */
  step(
    y: tf.Tensor2D,
    batch: number,
    past: KeysValues | null,
    cross: KeysValues,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { y: tf.Tensor2D; present: KeysValues; weights: DecoderLayerWeights } {
    const { normPosition, dropout } = this.config;
    let present: KeysValues | undefined;
    let selfW: tf.Tensor4D | undefined;
    let crossW: tf.Tensor4D | undefined;
    let h = residual(y, this.norm1, normPosition, dropout, ctx, (x) => {
      const { q, kT, v } = this.selfAttn.queriesKeysValues(x, batch, 1);
      present =
        past === null
          ? { kT, v }
          : {
              kT: tf.concat([past.kT, kT], 3) as tf.Tensor4D, // [batch, heads, d_k, t+1]
              v: tf.concat([past.v, v], 2) as tf.Tensor4D, // [batch, heads, t+1, d_k]
            };
      // No causal mask: every cached position is in the past of the new one.
      const r = this.selfAttn.attend(q, present, undefined, ctx);
      selfW = r.weights;
      return r.output;
    });
    h = residual(h, this.norm2, normPosition, dropout, ctx, (x) => {
      const r = this.crossAttn.attend(this.crossAttn.queries(x, batch, 1), cross, srcMask, ctx);
      crossW = r.weights;
      return r.output;
    });
    h = residual(h, this.norm3, normPosition, dropout, ctx, (x) => this.ffn.apply(x));
    return {
      y: h,
      present: present as KeysValues,
      weights: { self: selfW as tf.Tensor4D, cross: crossW as tf.Tensor4D },
    };
  }
}

export class Decoder {
  readonly layers: DecoderLayer[];
  /** Pre-LN only: the stack's output is normalised once more (`decoder.norm`). */
  readonly finalNorm: LayerNorm | undefined;

  constructor(params: ParameterStore, config: ModelConfig) {
    this.layers = Array.from(
      { length: config.decoderLayers },
      (_, i) => new DecoderLayer(params, `decoder.layers.${i}`, config),
    );
    this.finalNorm =
      config.normPosition === 'pre'
        ? new LayerNorm(params, 'decoder.norm', config.dModel)
        : undefined;
  }

  /** Keys and values of the encoder memory for every layer's cross-attention (computed once per source). */
  crossKeysValues(memory: tf.Tensor2D, batch: number, srcLen: number): KeysValues[] {
    return this.layers.map((l) => l.crossAttn.keysValues(memory, batch, srcLen));
  }

  /**
   * @param y embedded target input [batch*T, d_model]
   * @returns hidden states [batch*T, d_model] and each layer's attention weights
   */
  apply(
    y: tf.Tensor2D,
    batch: number,
    len: number,
    cross: KeysValues[],
    selfMask: tf.Tensor4D,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { hidden: tf.Tensor2D; weights: DecoderLayerWeights[] } {
    const weights: DecoderLayerWeights[] = [];
    let h = y;
    this.layers.forEach((layer, i) => {
      const r = layer.apply(h, batch, len, cross[i] as KeysValues, selfMask, srcMask, ctx);
      h = r.y;
      weights.push(r.weights);
    });
    return { hidden: this.finalNorm === undefined ? h : this.finalNorm.apply(h), weights };
  }
}
