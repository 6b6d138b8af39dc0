/**
 * Picks the TensorFlow.js backend (DESIGN.md "Compute backends"), best first:
 * tfjs-node-gpu (CUDA) -> tfjs-node (native CPU) -> wasm (SIMD) -> cpu (plain JS),
 * and reports the choice and, for every better candidate, why it was not taken.
 * Runs only inside the engine worker: it loads tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError, ErrorCode } from '../../shared/errors';
import { registerEngineKernels } from './engineKernels';
import { registerStudioKernels } from './kernels/register';
import {
  BACKENDS,
  type BackendName,
  type BackendRejection,
  type EngineInfo,
} from '../../shared/types';

/** The tfjs backend name each rung of the ladder registers. */
const TFJS_NAME: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const PACKAGE: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

/** A sentence for why a backend package could not be loaded. */
export function explainLoadFailure(backend: BackendName, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  const pkg = PACKAGE[backend];
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    if (message.includes(pkg)) {
      return `${pkg} is not installed (it is optional: its install downloads libtensorflow, which needs network access at npm install time).`;
    }
  }
  const missingLib = /(lib[\w.+-]+\.so[\w.]*|[\w.-]+\.dll|[\w.-]+\.dylib)/.exec(message);
  if (
    missingLib &&
    /cannot open shared object|not found|could not be found|Library not loaded/i.test(message)
  ) {
    const lib = missingLib[1] ?? 'a native library';
    const hint = /cud|cublas|cufft|curand|cusolver|cusparse/i.test(lib)
      ? ' tfjs-node-gpu needs CUDA 11.2 and cuDNN 8.1 on the library path.'
      : '';
    return `${pkg} is installed but ${lib} is missing.${hint}`;
  }
  return `${pkg} failed to load: ${message.split('\n')[0]}`;
}

/** What the threaded wasm start gave, for the engine info. */
let wasmThreads: { threads: number } | { reason: string } = { reason: 'not tried' };

async function tryLoad(backend: BackendName, options: BackendOptions): Promise<void> {
  if (backend !== 'cpu') {
    // A variable specifier: the optional native packages may be absent, so nothing may
    // resolve them at build time.
    const specifier = PACKAGE[backend];
    await import(/* @vite-ignore */ specifier);
  }
  if (backend === 'wasm') wasmThreads = await startWasmThreads(options.wasmThreads);
  const ok = await tf.setBackend(TFJS_NAME[backend]);
  if (!ok) throw new Error(`tf.setBackend('${TFJS_NAME[backend]}') returned false`);
  await tf.ready();
}

/**
 * Starts wasm's threaded build (main/worker/wasmThreads.ts works around why it cannot start
 * in Node as shipped) when more than one thread is wanted; its patches are specific to
 * tfjs-backend-wasm 4.22, so any other version runs single-threaded.
 */
async function startWasmThreads(wanted: number): Promise<{ threads: number } | { reason: string }> {
  if (wanted < 2) return { reason: 'one thread was asked for' };
  if (tf.version.tfjs !== '4.22.0') {
    return { reason: `the threaded start is written for tfjs 4.22.0, not ${tf.version.tfjs}` };
  }
  const { enableWasmThreads } = await import('./wasmThreads');
  return enableWasmThreads(wanted);
}

async function describe(
  backend: BackendName,
): Promise<Pick<EngineInfo, 'threads' | 'simd' | 'threadsNote'>> {
  if (backend === 'wasm') {
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    return 'threads' in wasmThreads
      ? { threads: wasmThreads.threads, simd }
      : { threads: 1, simd, threadsNote: `one thread: ${wasmThreads.reason}` };
  }
  if (backend === 'cpu') return { threads: 1 };
  return { threads: 0 };
}

export interface BackendOptions {
  /** Threads for the wasm backend (XNNPACK's pool); 1 = single-threaded. */
  wasmThreads: number;
}

/**
 * Loads the best available backend, or exactly `preference` when one is forced.
 * Throws AppError(BackendUnavailable) when a forced backend cannot load.
 */
export async function chooseBackend(
  preference: BackendName | 'auto' = 'auto',
  options: BackendOptions = { wasmThreads: 1 },
): Promise<EngineInfo> {
  const rejected: BackendRejection[] = [];
  const candidates = preference === 'auto' ? [...BACKENDS] : [preference];
  for (const backend of candidates) {
    try {
      await tryLoad(backend, options);
    } catch (err) {
      const reason = explainLoadFailure(backend, err);
      if (preference !== 'auto') {
        throw new AppError(
          ErrorCode.BackendUnavailable,
          `The ${backend} backend was requested but cannot be used: ${reason}`,
          { backend },
        );
      }
      rejected.push({ backend, reason });
      continue;
    }
    registerEngineKernels();
    // The studio's own WebAssembly kernels (main/worker/kernels) replace tfjs's slow ones on
    // wasm; when they cannot load (no SIMD, no binary) the stock kernels stay and the status
    // says why, for the Engine screen.
    // TRANSFORMER_STUDIO_KERNELS=off keeps the stock kernels (for A/B measurements, or to step
    // around a kernel that misbehaves on some machine); the Engine screen then says so.
    const kernelsOff = process.env['TRANSFORMER_STUDIO_KERNELS'] === 'off';
    const kernels =
      backend !== 'wasm'
        ? undefined
        : kernelsOff
          ? {
              active: false,
              reason: 'turned off by TRANSFORMER_STUDIO_KERNELS=off; tfjs runs its stock kernels',
              simd: 'none' as const,
              threads: 0,
            }
          : await registerStudioKernels();
    return {
      backend,
      reason:
        preference === 'auto'
          ? rejected.length === 0
            ? 'the best backend on the ladder loaded'
            : 'the best backend that loaded on this machine'
          : 'forced by the backend setting',
      rejected,
      tfjsVersion: tf.version.tfjs,
      ...(await describe(backend)),
      ...(kernels
        ? {
            studioKernels: {
              active: kernels.active,
              reason: kernels.reason,
              simd: kernels.simd,
              threads: kernels.threads,
            },
          }
        : {}),
      nodeVersion: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    };
  }
  // cpu is always last and always loads; reaching here means tfjs itself is broken.
  throw new AppError(ErrorCode.BackendUnavailable, 'No TensorFlow.js backend could be loaded.');
}
