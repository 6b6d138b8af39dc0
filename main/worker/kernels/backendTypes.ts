/**
 * The slice of tfjs-backend-wasm 4.22's BackendWasm the studio kernels use, typed here so no
 * kernel needs `any` (the backend's own types are not part of its public exports).
 */
import type * as tf from '@tensorflow/tfjs';
import type { TfjsWasmModule } from './module';

export interface WasmTensorData {
  /** Byte offset of the tensor's values in the wasm heap. */
  memoryOffset: number;
}

export interface WasmBackendLike {
  wasm: TfjsWasmModule;
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The heap offset of a tensor's values. */
export function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('a kernel input is not on the wasm backend');
  return data.memoryOffset;
}

/** The arguments tfjs passes a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}
