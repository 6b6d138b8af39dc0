/**
 * The fused LayerNorm forward and input gradient (kernels/src/layernorm.c) as the kernels
 * main/model/layerNorm.ts runs when the backend has them, rows split among the kernel threads.
 */
import * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import { f32Bits } from './floatBits';
import type { KernelThreads } from './pool';
import { splitRange } from './softmax';

/** Below this many elements per thread, a call runs on the calling thread alone. */
const MIN_ELEMENTS_PER_THREAD = 32_768;

function input(args: KernelArgs, name: string, kernel: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (t === undefined) throw new Error(`${kernel} needs input ${name}`);
  if (t.dtype !== 'float32') throw new Error(`${kernel}: ${name} is ${t.dtype}, not float32`);
  return t;
}

function rowsOf(x: tf.TensorInfo, kernel: string): { rows: number; d: number } {
  if (x.shape.length !== 2)
    throw new Error(`${kernel} takes [rows, d], not [${x.shape.join(', ')}]`);
  return { rows: x.shape[0] as number, d: x.shape[1] as number };
}

export interface LayerNormKernels {
  forward: tf.KernelFunc;
  grad: tf.KernelFunc;
}

export function makeLayerNorm(pool: KernelThreads): LayerNormKernels {
  const split = (rows: number, d: number) =>
    splitRange(rows, pool.threads, Math.ceil(MIN_ELEMENTS_PER_THREAD / Math.max(1, d)));

  const forward = (args: KernelArgs): tf.TensorInfo[] => {
    const kernel = 'StudioLayerNorm';
    const x = input(args, 'x', kernel);
    const gamma = input(args, 'gamma', kernel);
    const beta = input(args, 'beta', kernel);
    const { rows, d } = rowsOf(x, kernel);
    if (gamma.shape[0] !== d || beta.shape[0] !== d) {
      throw new Error(`${kernel}: gamma and beta must have ${d} elements`);
    }
    const epsilon = Number(args.attrs?.['epsilon'] ?? 1e-5);
    const backend = args.backend as WasmBackendLike;
    const y = backend.makeOutput([rows, d], 'float32');
    const xhat = backend.makeOutput([rows, d], 'float32');
    const rstd = backend.makeOutput([rows], 'float32');
    if (rows > 0 && d > 0) {
      const pointers = [x, gamma, beta, y, xhat, rstd].map((t) => offsetOf(backend, t));
      pool.run(
        'studio_layer_norm',
        split(rows, d).map(([r0, r1]) => [...pointers, d, f32Bits(epsilon), r0, r1]),
      );
    }
    return [y, xhat, rstd];
  };

  const grad = (args: KernelArgs): tf.TensorInfo => {
    const kernel = 'StudioLayerNormGrad';
    const dy = input(args, 'dy', kernel);
    const xhat = input(args, 'xhat', kernel);
    const rstd = input(args, 'rstd', kernel);
    const gamma = input(args, 'gamma', kernel);
    const { rows, d } = rowsOf(xhat, kernel);
    if (tf.util.sizeFromShape(dy.shape) !== rows * d || rstd.shape[0] !== rows) {
      throw new Error(`${kernel}: dy must be [${rows}, ${d}] and rstd [${rows}]`);
    }
    const backend = args.backend as WasmBackendLike;
    const dx = backend.makeOutput([rows, d], 'float32');
    if (rows > 0 && d > 0) {
      const pointers = [dy, xhat, rstd, gamma, dx].map((t) => offsetOf(backend, t));
      pool.run(
        'studio_layer_norm_grad',
        split(rows, d).map(([r0, r1]) => [...pointers, d, r0, r1]),
      );
    }
    return dx;
  };

  return {
    forward: forward as unknown as tf.KernelFunc,
    grad: grad as unknown as tf.KernelFunc,
  };
}
