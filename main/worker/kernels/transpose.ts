/**
 * Transpose on the studio kernels (kernels/src/transpose.c): the permutation is collapsed
 * (size-1 axes dropped, axes that stay adjacent merged) to at most 4 output axes, then copied
 * in contiguous runs or 4 x 4 register tiles, split among the kernel threads. Attention's head
 * split [0, 2, 1, 3] becomes runs of d_k floats; a weight's [1, 0] becomes tiles.
 * tfjs-backend-wasm 4.22 moves element by element. Other dtypes, and permutations that stay
 * above 4 axes after collapsing, go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import type { KernelThreads } from './pool';
import { splitRange } from './softmax';

const MIN_ELEMENTS_PER_THREAD = 65_536;

/**
 * The output axes of x.transpose(perm) as (size, stride in x) pairs, collapsed: size-1 axes
 * dropped, and an axis merged into the one before it when the two are adjacent in x too.
 */
export function collapsePermutation(
  shape: readonly number[],
  perm: readonly number[],
): { sizes: number[]; strides: number[] } {
  const inStrides = tf.util.computeStrides([...shape]);
  const stride = (axis: number) => (axis === shape.length - 1 ? 1 : (inStrides[axis] as number));
  const sizes: number[] = [];
  const strides: number[] = [];
  for (const axis of perm) {
    const size = shape[axis] as number;
    if (size === 1) continue;
    const s = stride(axis);
    const last = sizes.length - 1;
    if (last >= 0 && strides[last] === s * size) {
      sizes[last] = (sizes[last] as number) * size;
      strides[last] = s;
    } else {
      sizes.push(size);
      strides.push(s);
    }
  }
  return { sizes, strides };
}

export function makeTranspose(pool: KernelThreads, stock: tf.KernelFunc): tf.KernelFunc {
  const transpose = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error('Transpose needs input x');
    const perm = args.attrs?.['perm'] as number[];
    const { sizes, strides } = collapsePermutation(x.shape, perm);
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || sizes.length > 4) {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const backend = args.backend as WasmBackendLike;
    const out = backend.makeOutput(
      perm.map((p) => x.shape[p] as number),
      x.dtype,
    );
    const size = tf.util.sizeFromShape(x.shape);
    if (size === 0) return out;
    while (sizes.length < 4) {
      sizes.unshift(1);
      strides.unshift(0);
    }
    const [n0, n1, n2, n3] = sizes as [number, number, number, number];
    const [s0, s1, s2, s3] = strides as [number, number, number, number];
    const px = offsetOf(backend, x);
    const py = offsetOf(backend, out);
    const planes = n0 * n1;
    const ranges = splitRange(planes, pool.threads, Math.ceil(MIN_ELEMENTS_PER_THREAD / (n2 * n3)));
    // int32 is moved as the same 32-bit patterns (wasm loads and stores keep every bit).
    pool.run(
      'studio_transpose',
      ranges.map(([q0, q1]) => [px, py, n1, n2, n3, s0, s1, s2, s3, q0, q1]),
    );
    return out;
  };
  return transpose as unknown as tf.KernelFunc;
}
