/**
 * Layer normalisation (paper 3.1: LayerNorm(x + Sublayer(x)) around every sublayer; Ba et
 * al. 2016). The gradient is written out by hand: it is exact and takes
 * about a third of the kernels tfjs's automatic gradient of tf.moments would.
 *
 * Where the active backend has the fused kernels LAYER_NORM_KERNEL and LAYER_NORM_GRAD_KERNEL
 * (the engine's own WebAssembly kernels, main/worker/kernels/layerNorm.ts, register them on
 * wasm) the forward pass and the input gradient are one kernel each; elsewhere the same
 * formulas run as tfjs ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParameterStore } from './params';

const EPSILON = 1e-5;

/**
 * Fused forward: inputs { x [rows, d], gamma [d], beta [d] }, attrs { epsilon };
 * outputs [y [rows, d], xhat [rows, d], rstd [rows]].
 */
export const LAYER_NORM_KERNEL = 'StudioLayerNorm';
/** Fused input gradient: inputs { dy, xhat, rstd, gamma }; output dx [rows, d]. */
export const LAYER_NORM_GRAD_KERNEL = 'StudioLayerNormGrad';

type Save = (tensors: tf.Tensor[]) => void;

const fusedLayerNormOp = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
  const [x, gamma, beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, Save];
  const [y, xhat, rstd] = tf
    .engine()
    .runKernel(LAYER_NORM_KERNEL, { x, gamma, beta }, { epsilon: EPSILON }) as tf.Tensor[];
  save([xhat as tf.Tensor, rstd as tf.Tensor, gamma]);
  return {
    value: y as tf.Tensor2D, // [rows, d]
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sxhat, srstd, sgamma] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
      const dx = tf
        .engine()
        .runKernel(
          LAYER_NORM_GRAD_KERNEL,
          { dy, xhat: sxhat, rstd: srstd, gamma: sgamma },
          {},
        ) as tf.Tensor;
      return [dx, tf.sum(tf.mul(dy, sxhat), 0), tf.sum(dy, 0)];
    },
  };
});

const layerNormOp = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
  const [x, gamma, beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, Save];
  const mean = tf.mean(x, -1, true); // [rows, 1]
  const centred = tf.sub(x, mean); // [rows, d]
  const variance = tf.mean(tf.square(centred), -1, true); // [rows, 1]
  const rstd = tf.rsqrt(tf.add(variance, EPSILON)); // [rows, 1]
  const xhat = tf.mul(centred, rstd); // [rows, d]
  save([xhat, rstd, gamma]);
  return {
    value: tf.add(tf.mul(xhat, gamma), beta),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sxhat, srstd, sgamma] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const dxhat = tf.mul(dy, sgamma); // [rows, d]
      const meanDxhat = tf.mean(dxhat, -1, true); // [rows, 1]
      const meanDxhatXhat = tf.mean(tf.mul(dxhat, sxhat), -1, true); // [rows, 1]
      const dx = tf.mul(srstd, tf.sub(tf.sub(dxhat, meanDxhat), tf.mul(sxhat, meanDxhatXhat)));
      return [dx, tf.sum(tf.mul(dy, sxhat), 0), tf.sum(dy, 0)];
    },
  };
});

/**
 * Normalises each row to zero mean and unit variance, then scales by gamma and shifts by beta.
 * @param x [rows, d]
 * @param gamma [d]
 * @param beta [d]
 * @returns [rows, d]
 */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor2D {
  const fused =
    tf.getKernel(LAYER_NORM_KERNEL, tf.getBackend()) !== undefined &&
    tf.getKernel(LAYER_NORM_GRAD_KERNEL, tf.getBackend()) !== undefined;
  return (fused ? fusedLayerNormOp : layerNormOp)(x, gamma, beta) as tf.Tensor2D;
}

/** A LayerNorm with its parameters `<name>.gamma` (ones) and `<name>.beta` (zeros). */
export class LayerNorm {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;

  constructor(params: ParameterStore, name: string, dModel: number) {
    this.gamma = params.add(`${name}.gamma`, tf.ones([dModel]));
    this.beta = params.add(`${name}.beta`, tf.zeros([dModel]));
  }

  /** @param x [rows, d_model] @returns [rows, d_model] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return layerNorm(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D);
  }
}
