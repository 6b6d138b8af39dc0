/**
 * Residual connection around a sublayer (paper 3.1, 5.4): post-LN as in the paper,
 * LayerNorm(x + Dropout(Sublayer(x))); or pre-LN, x + Dropout(Sublayer(LayerNorm(x))),
 * which trains more stably without warm-up (Xiong et al. 2020).
 */
import * as tf from '@tensorflow/tfjs';
import type { NormPosition } from '../../shared/types';
import type { ForwardContext } from './context';
import type { LayerNorm } from './layerNorm';

/**
 * @param x [rows, d_model]
 * @param sublayer maps [rows, d_model] to [rows, d_model]
 * @returns [rows, d_model]
 */
export function residual(
  x: tf.Tensor2D,
  norm: LayerNorm,
  position: NormPosition,
  dropoutRate: number,
  ctx: ForwardContext,
  sublayer: (input: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor2D {
  if (position === 'pre') return tf.add(x, ctx.dropout(sublayer(norm.apply(x)), dropoutRate));
  return norm.apply(tf.add(x, ctx.dropout(sublayer(x), dropoutRate)));
}
