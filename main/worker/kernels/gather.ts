/**
 * GatherV2 (tf.gather) for the wasm backend as row copies. tfjs-backend-wasm 4.22 copies
 * element by element in C++ after reading the indices out; beam search reorders its whole
 * key/value cache with gathers after every step (rows of [heads, d_k, t] floats), where
 * those element loops took a third of a beam-4 decode's kernel time on the reference model.
 * Here each gathered slice, contiguous in the input, is one copyWithin (a memcpy) on the heap.
 * batchDims > 0 and non-numeric tensors go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './backendTypes';

type HeapArray = Float32Array | Int32Array | Uint8Array;

interface GatherBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): HeapArray;
}

/**
 * out[o, i, :] = x[o, indices[i], :] for x viewed as [outer, dim, slice]; every index is
 * checked first (as the stock kernel does), so a bad one throws before anything is written.
 */
export function gatherRows(
  x: HeapArray,
  indices: ArrayLike<number>,
  outer: number,
  dim: number,
  slice: number,
  out: HeapArray,
): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i] as number;
    if (!(index >= 0 && index < dim)) {
      throw new Error(`GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
    }
  }
  let w = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * dim * slice;
    for (let i = 0; i < indices.length; i++) {
      const from = base + (indices[i] as number) * slice;
      out.set(x.subarray(from, from + slice), w);
      w += slice;
    }
  }
}

export function makeGather(stock: tf.KernelFunc): tf.KernelFunc {
  const gather = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs['x'];
    const indices = args.inputs['indices'];
    if (x === undefined || indices === undefined) throw new Error('GatherV2 needs x and indices');
    const batchDims = Number(args.attrs?.['batchDims'] ?? 0);
    const numeric = (t: tf.TensorInfo) => t.dtype === 'float32' || t.dtype === 'int32';
    if (batchDims !== 0 || !numeric(x) || indices.dtype !== 'int32') {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const axis = tf.util.parseAxisParam(args.attrs?.['axis'] as number, x.shape)[0] as number;
    const outer = tf.util.sizeFromShape(x.shape.slice(0, axis));
    const dim = x.shape[axis] as number;
    const slice = tf.util.sizeFromShape(x.shape.slice(axis + 1));
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const backend = args.backend as GatherBackend;
    const out = backend.makeOutput(shape, x.dtype);
    if (tf.util.sizeFromShape(shape) === 0) return out;
    // Views after makeOutput: it may have grown (replaced) the heap's buffer.
    const ids = backend.typedArrayFromHeap(indices);
    gatherRows(
      backend.typedArrayFromHeap(x),
      ids,
      outer,
      dim,
      slice,
      backend.typedArrayFromHeap(out),
    );
    return out;
  };
  return gather as unknown as tf.KernelFunc;
}
