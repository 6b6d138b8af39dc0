/**
 * BatchMatMul on the studio kernels: every transpose flag and batch shape through one packed
 * SIMD GEMM (kernels/src/gemm.c), zero-copy on tfjs's heap, split among the kernel threads.
 *
 * tfjs-backend-wasm 4.22 sends only untransposed batch-1 products to XNNPACK and runs every
 * transposed or batched one (attention, backprop) in a scalar triple loop; here a transpose is
 * only a stride of the packing, so all flags run at the same speed.
 *
 * Batch broadcasting follows numpy (and the output shape tfjs computes): an operand's batch
 * dimension of size 1, or missing on the left, repeats. tfjs's own kernels index batch
 * `i` of A as `i % batchA`, which agrees with this wherever it is correct (one side batch 1,
 * equal batch shapes, a missing leading dimension) and is wrong otherwise
 * (e.g. [2,1,m,k] x [1,3,k,n]).
 */
import * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import type { KernelThreads } from './pool';
import { HeapInts } from './heap';

/**
 * Below this many multiply-adds per thread a product runs on the calling thread alone:
 * waking a worker costs about as much as ~1 MFLOP of arithmetic.
 */
const MIN_MACS_PER_THREAD = 500_000;

/** One thread's share of a product: batches [b0, b1), rows [m0, m1), columns [n0, n1). */
export interface GemmTask {
  b0: number;
  b1: number;
  m0: number;
  m1: number;
  n0: number;
  n1: number;
}

/**
 * Splits `batch` products of m x n (depth k) among up to `threads` threads: by batches when
 * there are enough to share evenly, else each product by rows (multiples of mr) or, when it is
 * wider than tall, by columns (multiples of nr), so that each thread repacks only the smaller
 * operand.
 */
export function partitionGemm(
  batch: number,
  m: number,
  n: number,
  k: number,
  threads: number,
  mr: number,
  nr: number,
): GemmTask[] {
  const macs = batch * m * n * Math.max(k, 1);
  const useful = Math.max(1, Math.min(threads, Math.floor(macs / MIN_MACS_PER_THREAD)));
  const whole: GemmTask = { b0: 0, b1: batch, m0: 0, m1: m, n0: 0, n1: n };
  if (useful <= 1 || batch === 0 || m === 0 || n === 0) return [whole];
  if (batch >= useful && (batch % useful === 0 || batch >= 4 * useful)) {
    const tasks: GemmTask[] = [];
    for (let t = 0; t < useful; t++) {
      const b0 = Math.floor((batch * t) / useful);
      const b1 = Math.floor((batch * (t + 1)) / useful);
      if (b1 > b0) tasks.push({ ...whole, b0, b1 });
    }
    return tasks;
  }
  const byRows = m >= n;
  const extent = byRows ? m : n;
  const unit = byRows ? mr : nr;
  const units = Math.ceil(extent / unit);
  const tasks: GemmTask[] = [];
  for (let t = 0; t < useful; t++) {
    const lo = Math.min(extent, Math.floor((units * t) / useful) * unit);
    const hi = Math.min(extent, Math.floor((units * (t + 1)) / useful) * unit);
    if (hi <= lo) continue;
    tasks.push(byRows ? { ...whole, m0: lo, m1: hi } : { ...whole, n0: lo, n1: hi });
  }
  return tasks;
}

/**
 * For each batch of the broadcast output, the element offsets of its A and B matrices
 * (pairs, in floats).
 */
export function batchOffsets(
  outerA: readonly number[],
  outerB: readonly number[],
  outer: readonly number[],
  matrixA: number,
  matrixB: number,
): Int32Array {
  const count = outer.reduce((p, d) => p * d, 1);
  const offsets = new Int32Array(2 * count);
  const rank = outer.length;
  // Per output dimension, the stride of A's and B's batch index (0 where broadcast).
  const strideA = new Array<number>(rank).fill(0);
  const strideB = new Array<number>(rank).fill(0);
  let sa = matrixA;
  let sb = matrixB;
  for (let d = rank - 1; d >= 0; d--) {
    const da = outerA[d - (rank - outerA.length)] ?? 1;
    const db = outerB[d - (rank - outerB.length)] ?? 1;
    strideA[d] = da === 1 ? 0 : sa;
    strideB[d] = db === 1 ? 0 : sb;
    sa *= da;
    sb *= db;
  }
  const index = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let i = 0; i < count; i++) {
    offsets[2 * i] = offA;
    offsets[2 * i + 1] = offB;
    // Odometer increment of the output batch index.
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      offA += strideA[d] as number;
      offB += strideB[d] as number;
      if ((index[d] as number) < (outer[d] as number)) break;
      offA -= (strideA[d] as number) * (outer[d] as number);
      offB -= (strideB[d] as number) * (outer[d] as number);
      index[d] = 0;
    }
  }
  return offsets;
}

/** The BatchMatMul kernel function, bound to a pool; `dispose` frees its heap block. */
export function makeBatchMatMul(
  pool: KernelThreads,
  stock: tf.KernelFunc,
): { kernelFunc: tf.KernelFunc; dispose(): void } {
  let currentBackend: WasmBackendLike | undefined;
  const offsetsHeap = new HeapInts(() => {
    if (currentBackend === undefined) throw new Error('BatchMatMul ran on no backend');
    return currentBackend;
  });
  const mr = pool.exports.studio_gemm_mr();
  const nr = pool.exports.studio_gemm_nr();

  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const a = args.inputs['a'];
    const b = args.inputs['b'];
    if (a === undefined || b === undefined) throw new Error('BatchMatMul needs inputs a and b');
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    const backend = args.backend as WasmBackendLike;
    currentBackend = backend;
    const transposeA = Boolean(args.attrs?.['transposeA']);
    const transposeB = Boolean(args.attrs?.['transposeB']);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = (transposeA ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
    const kA = (transposeA ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
    const kB = (transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) as number;
    const n = (transposeB ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
    if (kA !== kB) {
      throw new Error(
        `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
      );
    }
    const k = kA;
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
    const batch = outer.reduce((p, d) => p * d, 1);
    const out = backend.makeOutput([...outer, m, n], 'float32');
    if (batch * m * n === 0) return out;

    // op(A)(i, p) = A[i * ars + p * acs]; op(B)(p, j) = B[p * brs + j * bcs].
    const [ars, acs] = transposeA ? [1, m] : [k, 1];
    const [brs, bcs] = transposeB ? [1, k] : [n, 1];
    const offsets = offsetsHeap.write(batchOffsets(outerA, outerB, outer, m * k, k * n));
    const pa = offsetOf(backend, a);
    const pb = offsetOf(backend, b);
    const pc = offsetOf(backend, out);
    const tasks = partitionGemm(batch, m, n, k, pool.threads, mr, nr).map((t, i) => [
      pa,
      pb,
      pc,
      m,
      n,
      k,
      ars,
      acs,
      brs,
      bcs,
      offsets,
      t.b0,
      t.b1,
      t.m0,
      t.m1,
      t.n0,
      t.n1,
      pool.scratch(i),
    ]);
    pool.run('studio_gemm', tasks);
    return out;
  };
  return {
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    dispose: () => offsetsHeap.free(),
  };
}
