/**
 * Kernels the tfjs wasm backend lacks. `tf.gather` (the embedding lookup, paper 3.4) has a
 * gradient that calls UnsortedSegmentSum, which wasm 4.22 does not register; without it
 * training on wasm fails (../shared/reference/README.md). This kernel works on the wasm heap
 * directly, so there is no copy to JS and back.
 */
import * as tf from '@tensorflow/tfjs';

/** The slice of BackendWasm this kernel uses (typed here so model code needs no wasm import). */
interface WasmBackendLike {
  readSync(dataId: object): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const x = args.inputs['x'];
  const segmentIds = args.inputs['segmentIds'];
  const numSegments = Number(args.attrs?.['numSegments']);
  if (x === undefined || segmentIds === undefined) {
    throw new Error('UnsortedSegmentSum needs inputs x and segmentIds.');
  }
  const backend = args.backend as WasmBackendLike;
  const xv = backend.readSync(x.dataId);
  const ids = backend.readSync(segmentIds.dataId);
  const inner = ids.length === 0 ? 0 : tf.util.sizeFromShape(x.shape) / ids.length;
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const ov = backend.typedArrayFromHeap(out);
  ov.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids too
    const o = s * inner;
    const xi = i * inner;
    for (let j = 0; j < inner; j++) ov[o + j] = (ov[o + j] as number) + (xv[xi + j] as number);
  }
  return out;
}

/**
 * Registers the kernels above for the wasm backend. Idempotent, and harmless on any backend:
 * a kernel registered for 'wasm' is only used when wasm is the active backend.
 */
export function registerWasmKernels(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
    });
  }
}
