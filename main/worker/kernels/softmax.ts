/**
 * Softmax (attention weights, paper 3.2.1) and its gradient in one pass per row each, and
 * e^x elementwise, on the studio kernels (kernels/src/softmax.c), zero-copy, rows split among
 * the kernel threads.
 *
 * tfjs computes the softmax gradient as four kernels (mul, sum, mul, sub: four trips through
 * memory and three temporaries); here it is one kernel, StudioSoftmaxGrad. The gradient is
 * registered for the Softmax kernel name, which is global to tfjs, not per backend, so it
 * runs StudioSoftmaxGrad only where that kernel exists for the active backend and otherwise
 * computes exactly what tfjs-core's own gradient does. Unregistering restores tfjs's.
 */
import * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import type { KernelThreads } from './pool';

/** The fused softmax gradient: inputs y (the softmax output) and dy; attrs { dim }. */
export const SOFTMAX_GRAD = 'StudioSoftmaxGrad';

/** Below this many elements per thread, a row-wise kernel runs on the calling thread alone. */
const MIN_ELEMENTS_PER_THREAD = 32_768;

/** [lo, hi) ranges splitting `count` items among up to `threads`, each >= `minPerThread`. */
export function splitRange(
  count: number,
  threads: number,
  minPerThread: number,
): [number, number][] {
  const parts = Math.max(1, Math.min(threads, Math.floor(count / Math.max(1, minPerThread))));
  const ranges: [number, number][] = [];
  for (let t = 0; t < parts; t++) {
    const lo = Math.floor((count * t) / parts);
    const hi = Math.floor((count * (t + 1)) / parts);
    if (hi > lo) ranges.push([lo, hi]);
  }
  return ranges.length > 0 ? ranges : [[0, count]];
}

function rowsOf(x: tf.TensorInfo): { rows: number; cols: number } {
  const cols = x.shape[x.shape.length - 1] ?? 1;
  const size = tf.util.sizeFromShape(x.shape);
  return { rows: cols === 0 ? 0 : size / cols, cols };
}

function lastAxis(x: tf.TensorInfo, attrs: tf.NamedAttrMap | undefined): void {
  const rank = x.shape.length;
  const dim = Number(attrs?.['dim'] ?? -1);
  if (dim !== -1 && dim !== rank - 1) {
    throw new Error(
      `Softmax along dimension ${dim} of a rank-${rank} tensor: only the last is supported`,
    );
  }
}

export interface SoftmaxKernels {
  softmax: tf.KernelFunc;
  softmaxGrad: tf.KernelFunc;
  exp: tf.KernelFunc;
}

/** The kernel functions bound to a pool. `stockExp` handles non-float32 inputs. */
export function makeSoftmax(pool: KernelThreads, stockExp: tf.KernelFunc): SoftmaxKernels {
  const rowWise = (
    fn: 'studio_softmax' | 'studio_softmax_grad',
    pointers: number[],
    x: tf.TensorInfo,
  ): void => {
    const { rows, cols } = rowsOf(x);
    if (rows === 0 || cols === 0) return;
    const ranges = splitRange(rows, pool.threads, Math.ceil(MIN_ELEMENTS_PER_THREAD / cols));
    pool.run(
      fn,
      ranges.map(([r0, r1]) => [...pointers, rows, cols, r0, r1]),
    );
  };

  const softmax = (args: KernelArgs): tf.TensorInfo => {
    const logits = args.inputs['logits'];
    if (logits === undefined) throw new Error('Softmax needs input logits');
    lastAxis(logits, args.attrs);
    const backend = args.backend as WasmBackendLike;
    const out = backend.makeOutput([...logits.shape], 'float32');
    rowWise('studio_softmax', [offsetOf(backend, logits), offsetOf(backend, out)], logits);
    return out;
  };

  const softmaxGrad = (args: KernelArgs): tf.TensorInfo => {
    const y = args.inputs['y'];
    const dy = args.inputs['dy'];
    if (y === undefined || dy === undefined)
      throw new Error(`${SOFTMAX_GRAD} needs inputs y and dy`);
    lastAxis(y, args.attrs);
    const backend = args.backend as WasmBackendLike;
    const out = backend.makeOutput([...y.shape], 'float32');
    rowWise(
      'studio_softmax_grad',
      [offsetOf(backend, y), offsetOf(backend, dy), offsetOf(backend, out)],
      y,
    );
    return out;
  };

  const exp = (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error('Exp needs input x');
    if (x.dtype !== 'float32')
      return stockExp(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    const backend = args.backend as WasmBackendLike;
    const out = backend.makeOutput([...x.shape], 'float32');
    const size = tf.util.sizeFromShape(x.shape);
    if (size === 0) return out;
    const px = offsetOf(backend, x);
    const py = offsetOf(backend, out);
    // Split on multiples of 4 elements so every thread but the last runs whole vectors.
    const ranges = splitRange(Math.ceil(size / 4), pool.threads, MIN_ELEMENTS_PER_THREAD / 4);
    pool.run(
      'studio_exp',
      ranges.map(([lo, hi]) => [px, py, lo * 4, Math.min(size, hi * 4)]),
    );
    return out;
  };

  return {
    softmax: softmax as unknown as tf.KernelFunc,
    softmaxGrad: softmaxGrad as unknown as tf.KernelFunc,
    exp: exp as unknown as tf.KernelFunc,
  };
}

/**
 * The Softmax gradient: StudioSoftmaxGrad where the active backend has it, otherwise
 * tfjs-core's formula dx = dy*y - sum(dy*y, dim) * y, op for op.
 */
export const softmaxGradConfig: tf.GradConfig = {
  kernelName: 'Softmax',
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const y = saved[0];
    const g = Array.isArray(dy) ? dy[0] : dy;
    if (y === undefined || g === undefined) throw new Error('Softmax gradient without y or dy');
    const dim = Number(attrs['dim'] ?? -1);
    return {
      logits: () => {
        if (tf.getKernel(SOFTMAX_GRAD, tf.getBackend()) !== undefined) {
          return tf.engine().runKernel(SOFTMAX_GRAD, { y, dy: g }, { dim }) as tf.Tensor;
        }
        const dyTimesY = tf.mul(g, y);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
      },
    };
  },
};
