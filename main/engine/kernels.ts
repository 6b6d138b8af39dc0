/**
 * The engine's extra tfjs kernels, registered once after a backend has been chosen.
 * The implementations live beside the model (main/model/wasmKernels.ts) because model
 * tests need them without the engine.
 */
import { registerWasmKernels } from '../model/wasmKernels';

/** Registers every kernel the engine adds to tfjs backends. Safe to call on any backend, any number of times. */
export function registerEngineKernels(): void {
  registerWasmKernels();
}
