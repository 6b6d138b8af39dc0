/**
 * View 4 (paper 3.2.1, "Scaled Dot-Product Attention"): one encoder head's scores with and
 * without the 1/sqrt(d_k) factor and the softmax weights of each. Dot products of d_k-wide
 * vectors grow like sqrt(d_k); unscaled, the softmax saturates toward one-hot and its
 * gradients vanish, which is why the paper scales.
 */
import * as tf from '@tensorflow/tfjs';
import type { InsideSoftmax, SoftmaxPanel } from '../../../shared/inside';
import type { Tokenizers } from '../../decoding/translate';
import { tidy } from '../../model/context';
import { paddingMask } from '../../model/masks';
import type { Transformer } from '../../model/transformer';
import { sourceOf } from './insideSource';
import { checkLayerHead, encoderRawScores } from './layerScores';

/** The study notes' example scores: softmax([6, 4]) = [0.881, 0.119]. */
export const EXAMPLE_SCORES = [6, 4];

/** Entropy in nats of a probability row (0 log 0 = 0). */
export function entropy(row: readonly number[]): number {
  return row.reduce((h, p) => (p > 0 ? h - p * Math.log(p) : h), 0);
}

function panel(scores: tf.Tensor2D): SoftmaxPanel {
  const weights = tf.softmax(scores).arraySync() as number[][];
  return {
    scores: scores.arraySync(),
    weights,
    rowMax: weights.map((r) => Math.max(...r)),
    rowEntropy: weights.map(entropy),
  };
}

/** One head of one encoder layer on the sentence, scaled and unscaled. */
export function softmaxView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  layer: number,
  head: number,
): InsideSoftmax {
  const { encoderLayers, heads, dModel } = model.config;
  checkLayerHead(encoderLayers, heads, layer, head, 'encoder');
  const dk = dModel / heads;
  const source = sourceOf(model, tokenizers, text);
  const panels = tidy(() => {
    const src = tf.tensor2d([source], undefined, 'int32'); // [1, S]
    const raw = encoderRawScores(model, src, paddingMask(src), layer); // [1, H, S, S]
    const unscaled = tf.squeeze(
      tf.slice(raw, [0, head, 0, 0], [1, 1, -1, -1]),
      [0, 1],
    ) as tf.Tensor2D; // [S, S]
    return { scaled: panel(tf.div(unscaled, Math.sqrt(dk))), unscaled: panel(unscaled) };
  });
  const example = [1, Math.sqrt(dk)].map((factor) =>
    tidy(() => {
      const scores = EXAMPLE_SCORES.map((s) => s * factor);
      return { factor, scores, weights: Array.from(tf.softmax(tf.tensor1d(scores)).dataSync()) };
    }),
  );
  return {
    layer,
    head,
    dk,
    srcTokens: source.map((id) => tokenizers.src.idToToken(id)),
    ...panels,
    example,
  };
}
