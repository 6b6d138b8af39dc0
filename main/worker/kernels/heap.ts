/**
 * Blocks of tfjs's wasm heap for arguments the studio kernels read from memory (batch
 * offsets, parameter tables), and the heap's current buffer.
 */
import type { WasmBackendLike } from './backendTypes';

/** A growable block of tfjs heap for int32 arguments the kernels read from memory. */
export class HeapInts {
  private ptr = 0;
  private capacity = 0;
  constructor(private readonly backend: () => WasmBackendLike) {}

  /** Copies `values` into the heap; returns their byte offset. Valid until the next call. */
  write(values: Int32Array): number {
    const wasm = this.backend().wasm;
    if (values.length > this.capacity) {
      if (this.ptr !== 0) wasm._free(this.ptr);
      this.capacity = Math.max(values.length, 2 * this.capacity, 256);
      this.ptr = wasm._malloc(this.capacity * 4) >>> 0;
      if (this.ptr === 0) throw new Error('the tfjs heap is out of memory');
    }
    // A fresh view each time: tfjs's heap may have grown (a new buffer) since the last call.
    const heap = new Int32Array(tfjsBuffer(wasm), this.ptr, values.length);
    heap.set(values);
    return this.ptr;
  }

  free(): void {
    if (this.ptr !== 0) this.backend().wasm._free(this.ptr);
    this.ptr = 0;
    this.capacity = 0;
  }
}

/** tfjs's heap as it is now (it may have grown: a new buffer). */
export function tfjsBuffer(wasm: WasmBackendLike['wasm']): ArrayBufferLike {
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (memory === undefined) throw new Error("the tfjs wasm backend's memory is not reachable");
  return memory.buffer;
}
