/**
 * Sum over any contiguous block of axes on the studio kernels (kernels/src/reduce.c), read in
 * place: tfjs-backend-wasm 4.22 transposes the input first whenever the reduced axes are not
 * the innermost ones (every bias gradient sums over rows). Other axis sets, and non-float32
 * inputs, go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import type { KernelThreads } from './pool';
import { splitRange } from './softmax';

/** Below this many input elements per thread, a sum runs on the calling thread alone. */
const MIN_ELEMENTS_PER_THREAD = 65_536;

/** x as [outer, reduce, inner] for sorted, contiguous `axes`; undefined when not contiguous. */
export function reductionView(
  shape: readonly number[],
  axes: readonly number[],
): { outer: number; reduce: number; inner: number } | undefined {
  if (axes.length === 0) return undefined;
  for (let i = 1; i < axes.length; i++) {
    if (axes[i] !== (axes[0] as number) + i) return undefined;
  }
  const first = axes[0] as number;
  const last = axes[axes.length - 1] as number;
  const product = (a: number, b: number) => shape.slice(a, b).reduce((p, d) => p * d, 1);
  return {
    outer: product(0, first),
    reduce: product(first, last + 1),
    inner: product(last + 1, shape.length),
  };
}

export function makeSum(pool: KernelThreads, stock: tf.KernelFunc): tf.KernelFunc {
  const sum = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error('Sum needs input x');
    const axes = [
      ...new Set(tf.util.parseAxisParam(args.attrs?.['axis'] as number | number[], x.shape)),
    ].sort((a, b) => a - b);
    const view = x.dtype === 'float32' ? reductionView(x.shape, axes) : undefined;
    if (view === undefined) return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    const keepDims = Boolean(args.attrs?.['keepDims']);
    const outShape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    const backend = args.backend as WasmBackendLike;
    const out = backend.makeOutput(outShape, 'float32');
    const { outer, reduce, inner } = view;
    if (outer * inner === 0) return out;
    const px = offsetOf(backend, x);
    const py = offsetOf(backend, out);
    const total = outer * reduce * inner;
    const perThread = Math.max(1, Math.floor(total / MIN_ELEMENTS_PER_THREAD));
    let tasks: number[][];
    if (outer >= 2 || inner < 8) {
      tasks = splitRange(outer, Math.min(pool.threads, perThread), 1).map(([o0, o1]) => [
        px,
        py,
        outer,
        reduce,
        inner,
        o0,
        o1,
        0,
        inner,
      ]);
    } else {
      // One outer index (a sum over rows): split the columns, in multiples of 4.
      tasks = splitRange(Math.ceil(inner / 4), Math.min(pool.threads, perThread), 1).map(
        ([lo, hi]) => [px, py, outer, reduce, inner, 0, 1, lo * 4, Math.min(inner, hi * 4)],
      );
    }
    pool.run('studio_sum', tasks);
    return out;
  };
  return sum as unknown as tf.KernelFunc;
}
