/**
 * Concat on the studio kernels (kernels/src/concat.c): each (row, input) piece one
 * memory.copy instead of a JavaScript subarray + set, rows split among the kernel threads.
 * The decoder's key/value cache grows by a concat per layer and step. float32 and int32;
 * other dtypes go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import { HeapInts } from './heap';
import type { KernelThreads } from './pool';
import { splitRange } from './softmax';

/** Below this many elements per thread, a concat runs on the calling thread alone. */
const MIN_ELEMENTS_PER_THREAD = 131_072;

interface IdentityBackend {
  incRef(dataId: object): void;
}

export interface ConcatKernel {
  kernelFunc: tf.KernelFunc;
  /** Frees the heap block of the input table. */
  dispose(): void;
}

export function makeConcat(pool: KernelThreads, stock: tf.KernelFunc): ConcatKernel {
  let current: WasmBackendLike | undefined;
  const table = new HeapInts(() => {
    if (current === undefined) throw new Error('Concat ran on no backend');
    return current;
  });
  const concat = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const inputs = Object.values(args.inputs).filter((t): t is tf.TensorInfo => t !== undefined);
    const first = inputs[0];
    if (first === undefined) throw new Error('Concat needs at least one input');
    if (first.dtype !== 'float32' && first.dtype !== 'int32') {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const axis = tf.util.parseAxisParam(args.attrs?.['axis'] as number, first.shape)[0] as number;
    const shapes = inputs.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const outShape = tf.backend_util.computeOutShape(shapes, axis);
    const backend = args.backend as WasmBackendLike;
    const pieces = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (pieces.length === 1) {
      // One non-empty input: the output is that input (shared, as Identity).
      const only = pieces[0] as tf.TensorInfo;
      (backend as unknown as IdentityBackend).incRef(only.dataId);
      return { dataId: only.dataId, shape: outShape, dtype: only.dtype };
    }
    const out = backend.makeOutput(outShape, first.dtype);
    const total = tf.util.sizeFromShape(outShape);
    if (total === 0) return out;
    current = backend;
    const outer = tf.util.sizeFromShape(first.shape.slice(0, axis));
    const values = new Int32Array(pieces.length * 2);
    pieces.forEach((t, i) => {
      values[2 * i] = offsetOf(backend, t);
      values[2 * i + 1] = tf.util.sizeFromShape(t.shape.slice(axis));
    });
    const outInner = total / outer;
    const ptr = table.write(values);
    const po = offsetOf(backend, out);
    pool.run(
      'studio_concat',
      splitRange(outer, pool.threads, Math.ceil(MIN_ELEMENTS_PER_THREAD / outInner)).map(
        ([r0, r1]) => [ptr, pieces.length, po, outInner, r0, r1],
      ),
    );
    return out;
  };
  return { kernelFunc: concat as unknown as tf.KernelFunc, dispose: () => table.free() };
}
