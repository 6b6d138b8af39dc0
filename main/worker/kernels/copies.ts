/**
 * Identity, Slice and SplitV for the wasm backend without the copies tfjs-backend-wasm 4.22
 * makes (measured on the reference model: SplitV of the fused [4088, 768] Q|K|V product took
 * ~6 % of a step's CPU time, Identity ~3 %):
 * - its Slice calls backend.readSync(x), which copies the whole input out of the heap, for
 *   every slice (SplitV into Q, K, V copies the [tokens, 3 d] product three times) before
 *   copying the slice itself; here the slice is copied straight from heap to heap, in runs
 *   as long as the slice is contiguous;
 * - its Identity copies the tensor; here it shares the data and counts a reference, as tfjs's
 *   cpu and webgl backends do (no wasm kernel writes into its inputs, so sharing is safe).
 * Plain JavaScript over heap views: these need no SIMD, only the wasm backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './backendTypes';

type HeapArray = Float32Array | Int32Array | Uint8Array;

interface CopyBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): HeapArray;
  incRef(dataId: object): void;
}

/**
 * Copies the box [begin, begin + size) of `src` (shape `shape`, row-major) to `dst`,
 * densely. The trailing dimensions the box covers whole, plus the first one it does not,
 * are contiguous in `src`: each such run is one TypedArray.set (a memcpy).
 */
export function copyBox(
  src: HeapArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: HeapArray,
): void {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--)
    strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  let d = rank - 1;
  let run = 1;
  while (d >= 0 && size[d] === shape[d]) {
    run *= size[d] as number;
    d--;
  }
  if (d < 0) {
    dst.set(src.subarray(0, run));
    return;
  }
  run *= size[d] as number;
  const base = (begin[d] as number) * (strides[d] as number);
  // Odometer over the outer dimensions [0, d).
  const index = new Array<number>(d).fill(0);
  let outer = 1;
  for (let e = 0; e < d; e++) outer *= size[e] as number;
  let offset = base;
  for (let e = 0; e < d; e++) offset += (begin[e] as number) * (strides[e] as number);
  let out = 0;
  for (let i = 0; i < outer; i++) {
    dst.set(src.subarray(offset, offset + run), out);
    out += run;
    for (let e = d - 1; e >= 0; e--) {
      index[e] = (index[e] as number) + 1;
      offset += strides[e] as number;
      if ((index[e] as number) < (size[e] as number)) break;
      offset -= (size[e] as number) * (strides[e] as number);
      index[e] = 0;
    }
  }
}

export interface CopyKernels {
  identity: tf.KernelFunc;
  slice: tf.KernelFunc;
  splitV: tf.KernelFunc;
}

/** The kernels; `stock` gives the stock kernel of a name, for string tensors. */
export function makeCopyKernels(stock: (name: string) => tf.KernelFunc): CopyKernels {
  const stockIdentity = stock('Identity');
  const stockSlice = stock('Slice');
  const stockSplitV = stock('SplitV');
  const passOn = (f: tf.KernelFunc, args: KernelArgs) =>
    f(args as unknown as Parameters<tf.KernelFunc>[0]);

  const sliceOne = (x: tf.TensorInfo, backend: CopyBackend, begin: number[], size: number[]) => {
    const out = backend.makeOutput(size, x.dtype);
    if (tf.util.sizeFromShape(size) === 0) return out;
    // Views after makeOutput: it may have grown (replaced) the heap's buffer.
    copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
    return out;
  };

  const identity = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error('Identity needs input x');
    if (x.dtype === 'string') return passOn(stockIdentity, args);
    (args.backend as CopyBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };

  const slice = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error('Slice needs input x');
    if (x.dtype === 'string' || x.dtype === 'complex64') return passOn(stockSlice, args);
    const [begin, size] = tf.slice_util.parseSliceParams(
      x,
      args.attrs?.['begin'] as number[],
      args.attrs?.['size'] as number[],
    ) as [number[], number[]];
    return sliceOne(x, args.backend as CopyBackend, begin, size);
  };

  const splitV = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error('SplitV needs input x');
    if (x.dtype === 'string' || x.dtype === 'complex64') return passOn(stockSplitV, args);
    const axis = tf.util.parseAxisParam(args.attrs?.['axis'] as number, x.shape)[0] as number;
    const sizes = tf.backend_util.prepareSplitSize(
      x,
      args.attrs?.['numOrSizeSplits'] as number[] | number,
      axis,
    );
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const piece = sliceOne(x, args.backend as CopyBackend, [...begin], size);
      begin[axis] = (begin[axis] as number) + s;
      return piece;
    });
  };

  return {
    identity: identity as unknown as tf.KernelFunc,
    slice: slice as unknown as tf.KernelFunc,
    splitV: splitV as unknown as tf.KernelFunc,
  };
}
