/**
 * The engine's extra tfjs kernels, registered once after a backend has been chosen
 * (main/worker/backend.ts). The kernels themselves live in main/worker/kernels/.
 */
import { registerWasmKernels } from './kernels/unsortedSegmentSum';

/** Registers every kernel the engine adds to tfjs backends. Safe to call on any backend, any number of times. */
export function registerEngineKernels(): void {
  registerWasmKernels();
}
