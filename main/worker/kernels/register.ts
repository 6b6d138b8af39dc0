/**
 * Registers the studio's WebAssembly kernels (DESIGN.md "Compute backends", issue 15) as
 * kernels of the tfjs wasm backend, replacing stock ones, so tfjs's autograd and the model code
 * stay as they are. Call after the wasm backend is initialized (tf.setBackend('wasm') and
 * tf.ready(); with threads, after main/worker/wasmThreads.ts started the threaded build).
 * When the kernels cannot run (no SIMD, binaries missing, another backend) nothing is
 * replaced and the status says why.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { WasmBackendLike } from './backendTypes';
import { ADAM_KERNEL } from '../../training/adam';
import { SMOOTHED_CE_KERNEL } from '../../training/loss';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from '../../model/layerNorm';
import { makeAdam } from './adam';
import { makeConcat } from './concat';
import { makeCopyKernels } from './copies';
import { makeGather } from './gather';
import { makeSmoothedCrossEntropy } from './crossEntropy';
import { makeLayerNorm } from './layerNorm';
import { makeBatchMatMul } from './matMul';
import { loadKernels, type LoadOptions, type SimdLevel } from './module';
import { createKernelThreads, type KernelThreads } from './pool';
import { makeSum } from './reduce';
import { makeTranspose } from './transpose';
import { makeSoftmax, SOFTMAX_GRAD, softmaxGradConfig } from './softmax';

export interface StudioKernelsStatus {
  /** Whether the studio kernels replaced tfjs's. */
  active: boolean;
  /** Why they are or are not active, and why fewer threads than asked for run, in a sentence. */
  reason: string;
  /** The SIMD level of the loaded binary ('none' when inactive). */
  simd: SimdLevel | 'none';
  /** Threads the kernels use, the calling thread included (0 when inactive). */
  threads: number;
  /** The tfjs kernel names replaced. */
  kernels: string[];
}

export interface StudioKernelsOptions extends LoadOptions {
  /**
   * Threads for the kernels, the calling thread included. Default: the threads tfjs's threaded
   * build got (getThreadsCount()), else 1. More than 1 needs tfjs's threaded build (shared
   * memory); otherwise 1 is used and the reason says so.
   */
  threads?: number;
  /**
   * Kernels to leave stock, by the names in StudioKernelsStatus.kernels ('BatchMatMul',
   * 'Softmax', 'Softmax gradient', 'Exp', 'Sum', 'Transpose', 'Identity', 'Slice', 'SplitV',
   * 'GatherV2', 'Concat', 'LayerNorm', 'Cross-entropy', 'Adam'):
   * for A/B measurements, or to step around a kernel that misbehaves.
   */
  exclude?: string[];
}

interface Registered {
  pool: KernelThreads;
  /** Replaced stock kernels, and kernels added (no stock: just unregistered). */
  stockConfigs: tf.KernelConfig[];
  added: string[];
  /** tfjs-core's Softmax gradient, restored on unregister. */
  stockSoftmaxGrad: tf.GradConfig | undefined;
  disposers: (() => void)[];
  status: StudioKernelsStatus;
  key: string;
}

let registered: Registered | undefined;

function inactive(reason: string): StudioKernelsStatus {
  return { active: false, reason, simd: 'none', threads: 0, kernels: [] };
}

/** Replaces a registered wasm kernel, returning the stock config to restore later. */
function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc): tf.KernelConfig {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock === undefined) throw new Error(`tfjs has no wasm ${kernelName} kernel to replace`);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  return stock;
}

/**
 * Loads the kernels onto the initialized wasm backend and registers them. Idempotent for the
 * same options; different options re-register (the old pool is stopped first).
 */
export async function registerStudioKernels(
  options: StudioKernelsOptions = {},
): Promise<StudioKernelsStatus> {
  const key = JSON.stringify(options);
  if (registered !== undefined) {
    if (registered.key === key) return registered.status;
    await unregisterStudioKernels();
  }
  if (tf.getBackend() !== 'wasm') {
    return inactive(`the active tfjs backend is ${tf.getBackend()}, not wasm`);
  }
  const backend = tf.backend() as unknown as WasmBackendLike;
  const loaded = loadKernels(backend.wasm, options);
  if (!loaded.ok) return inactive(`${loaded.reason}; the stock tfjs wasm kernels run`);
  const kernels = loaded.kernels;

  const wanted = Math.max(
    1,
    Math.floor(options.threads ?? (kernels.shared ? getThreadsCount() : 1)),
  );
  let threads = wanted;
  const notes: string[] = [];
  if (wanted > 1 && !kernels.shared) {
    threads = 1;
    notes.push(
      `one thread, not ${wanted}: tfjs runs its single-threaded build, whose memory is not shared`,
    );
  }
  let pool: KernelThreads;
  try {
    pool = await createKernelThreads(kernels, backend.wasm, threads);
  } catch (err) {
    if (threads === 1) {
      return inactive(
        `the kernels failed to start: ${String(err)}; the stock tfjs wasm kernels run`,
      );
    }
    notes.push(`one thread, not ${threads}: the kernel threads failed to start (${String(err)})`);
    threads = 1;
    pool = await createKernelThreads(kernels, backend.wasm, 1);
  }

  const stockKernel = (name: string): tf.KernelFunc => {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined) throw new Error(`tfjs has no wasm ${name} kernel`);
    return config.kernelFunc;
  };
  const stockConfigs: tf.KernelConfig[] = [];
  const added: string[] = [];
  const names: string[] = [];
  const stockSoftmaxGrad = tf.getGradient('Softmax');
  let batchMatMul: ReturnType<typeof makeBatchMatMul> | undefined;
  let adam: ReturnType<typeof makeAdam> | undefined;
  let concat: ReturnType<typeof makeConcat> | undefined;
  const excluded = new Set(options.exclude ?? []);
  const replace = (name: string, kernelFunc: () => tf.KernelFunc): void => {
    if (excluded.has(name)) return;
    stockConfigs.push(replaceKernel(name, kernelFunc()));
    names.push(name);
  };
  try {
    const mm = makeBatchMatMul(pool, stockKernel('BatchMatMul'));
    batchMatMul = mm;
    const softmax = makeSoftmax(pool, stockKernel('Exp'));
    const copies = makeCopyKernels(stockKernel);
    replace('BatchMatMul', () => mm.kernelFunc);
    replace('Softmax', () => softmax.softmax);
    if (!excluded.has('Softmax gradient')) {
      tf.registerKernel({
        kernelName: SOFTMAX_GRAD,
        backendName: 'wasm',
        kernelFunc: softmax.softmaxGrad,
      });
      added.push(SOFTMAX_GRAD);
      tf.registerGradient(softmaxGradConfig);
      names.push('Softmax gradient');
    }
    replace('Exp', () => softmax.exp);
    replace('Sum', () => makeSum(pool, stockKernel('Sum')));
    replace('Transpose', () => makeTranspose(pool, stockKernel('Transpose')));
    replace('Identity', () => copies.identity);
    replace('Slice', () => copies.slice);
    replace('SplitV', () => copies.splitV);
    replace('GatherV2', () => makeGather(stockKernel('GatherV2')));
    replace('Concat', () => {
      concat = makeConcat(pool, stockKernel('Concat'));
      return concat.kernelFunc;
    });
    // Fused kernels with no stock counterpart: the model (main/model/layerNorm.ts) and the
    // trainer (main/training/loss.ts, adam.ts) run them where they are registered.
    const add = (label: string, kernels: [string, tf.KernelFunc][]): void => {
      if (excluded.has(label)) return;
      for (const [kernelName, kernelFunc] of kernels) {
        tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
        added.push(kernelName);
      }
      names.push(label);
    };
    const layerNorm = makeLayerNorm(pool);
    add('LayerNorm', [
      [LAYER_NORM_KERNEL, layerNorm.forward],
      [LAYER_NORM_GRAD_KERNEL, layerNorm.grad],
    ]);
    add('Cross-entropy', [[SMOOTHED_CE_KERNEL, makeSmoothedCrossEntropy(pool)]]);
    if (!excluded.has('Adam')) {
      adam = makeAdam(pool);
      add('Adam', [[ADAM_KERNEL, adam.kernelFunc]]);
    }
  } catch (err) {
    for (const config of stockConfigs) restoreKernel(config);
    for (const name of added) tf.unregisterKernel(name, 'wasm');
    if (stockSoftmaxGrad !== undefined) tf.registerGradient(stockSoftmaxGrad);
    batchMatMul?.dispose();
    adam?.dispose();
    concat?.dispose();
    await pool.dispose();
    return inactive(
      `registering the kernels failed: ${String(err)}; the stock tfjs wasm kernels run`,
    );
  }
  const status: StudioKernelsStatus = {
    active: true,
    reason: [
      `studio kernels (${kernels.simd === 'relaxed' ? 'relaxed SIMD' : 'SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}) run ${names.join(', ')}`,
      ...notes,
    ].join('; '),
    simd: kernels.simd,
    threads,
    kernels: names,
  };
  registered = {
    pool,
    stockConfigs,
    added,
    stockSoftmaxGrad,
    disposers: [batchMatMul?.dispose, adam?.dispose, concat?.dispose].filter(
      (d): d is () => void => d !== undefined,
    ),
    status,
    key,
  };
  return status;
}

function restoreKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Puts the stock kernels back and stops the kernel threads (tests; switching settings). */
export async function unregisterStudioKernels(): Promise<void> {
  const current = registered;
  if (current === undefined) return;
  registered = undefined;
  for (const config of current.stockConfigs) restoreKernel(config);
  for (const name of current.added) tf.unregisterKernel(name, 'wasm');
  if (current.stockSoftmaxGrad !== undefined) tf.registerGradient(current.stockSoftmaxGrad);
  for (const dispose of current.disposers) dispose();
  await current.pool.dispose();
}

/** Kernel calls per wasm function and how many ran on several threads (tests, profiling). */
export function studioKernelStats(): Record<string, { calls: number; parallel: number }> {
  return registered?.pool.stats() ?? {};
}

/** The status of the current registration, if any. */
export function studioKernelsStatus(): StudioKernelsStatus | undefined {
  return registered?.status;
}
