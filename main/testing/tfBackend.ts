/**
 * Test helper: every model and training test runs on the same backend (wasm), chosen
 * deterministically, with the engine's extra kernels registered.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../worker/kernels/unsortedSegmentSum';

/** Selects the wasm backend and registers the missing kernels. Call in `beforeAll`. */
export async function useTestBackend(): Promise<void> {
  registerWasmKernels();
  await tf.setBackend('wasm');
  await tf.ready();
}
