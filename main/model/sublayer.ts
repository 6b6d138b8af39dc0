/**
 * Residual connection around a sublayer (paper 3.1, 5.4): post-LN as in the paper,
 * LayerNorm(x + Dropout(Sublayer(x))); or pre-LN, x + Dropout(Sublayer(LayerNorm(x))),
 * which trains more stably without warm-up (Xiong et al. 2020).
 */
import * as tf from '@tensorflow/tfjs';
import type { NormPosition } from '../../shared/types';
import { tidy, type ForwardContext } from './context';
import type { LayerNorm } from './layerNorm';

/** A sublayer's result: its output rows, and whatever else it reports (attention weights, keys/values). */
export type SublayerOutput = {
  /** [rows, d_model] */
  output: tf.Tensor2D;
};

/**
 * Runs `sublayer` inside the residual connection and returns what it returned, with
 * `output` replaced by the connection's output.
 * @param x [rows, d_model]
 * @param sublayer maps [rows, d_model] to `{ output: [rows, d_model], ... }`
 * @param dropoutRate on the sublayer's output when training (context.ts, dropoutRates)
 * @returns the sublayer's result, `output` [rows, d_model] after the residual add and norm
 */
export function residual<R extends SublayerOutput>(
  x: tf.Tensor2D,
  norm: LayerNorm,
  position: NormPosition,
  dropoutRate: number,
  ctx: ForwardContext,
  sublayer: (input: tf.Tensor2D) => R,
): R {
  return tidy(() => {
    if (position === 'pre') {
      const r = sublayer(norm.apply(x));
      return { ...r, output: tf.add(x, ctx.dropout(r.output, dropoutRate)) as tf.Tensor2D };
    }
    const r = sublayer(x);
    return { ...r, output: norm.apply(tf.add(x, ctx.dropout(r.output, dropoutRate))) };
  });
}
