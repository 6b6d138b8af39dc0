/**
 * The kernels' threads: the calling thread (tfjs's, which runs task 0 itself) plus
 * `threads - 1` worker_threads, each with its own instance of the same kernel module on the
 * same shared memory (tfjs's). A kernel call splits its work into one task per thread (row
 * blocks of a product, batches, rows of a softmax), writes each worker's arguments into a
 * shared control block and bumps a generation counter; workers wake (Atomics.wait/notify),
 * run their task, and count down `pending`, on which the caller waits. The call is
 * synchronous, as tfjs kernels are.
 *
 * Workers spin briefly on the generation counter before sleeping, because a training step
 * calls kernels back to back and waking a sleeping thread costs tens of microseconds; the spin
 * is short (SPIN_ITERATIONS, ~20-50 us) so an idle pool does not take a core from the
 * neighbours. One thread = no workers at all.
 */
import { Worker } from 'node:worker_threads';
import {
  POOL_FUNCTIONS,
  STACK_BYTES,
  instantiateKernels,
  setStack,
  stackTop,
  type KernelExports,
  type LoadedKernels,
  type PoolFunction,
  type TfjsWasmModule,
} from './module';

/** Control block layout (Int32 indices). */
const GENERATION = 0;
const PENDING = 1;
const ERROR = 2;
const STOP = 3;
const SLOT_BASE = 8;
/** Per worker: function index, argument count, up to 30 arguments. */
const SLOT_INTS = 32;
const MAX_ARGS = SLOT_INTS - 2;
/** How long the caller waits for the workers before it declares the pool broken. */
const WAIT_LIMIT_MS = 120_000;
/** Atomics.load polls before Atomics.wait, on both sides. */
const SPIN_ITERATIONS = 20_000;

/**
 * The worker's code: plain CommonJS evaluated by `new Worker(code, { eval: true })`, so it runs
 * the same from source (tsx, vitest), from a bundle and in Electron, with no file to locate.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, slot, stackTop, names, spin } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
exports.__stack_pointer.value = stackTop;
const fns = names.map((name) => exports[name]);
const ctl = new Int32Array(control);
const base = ${SLOT_BASE} + slot * ${SLOT_INTS};
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  let generation = Atomics.load(ctl, ${GENERATION});
  for (let i = 0; generation === seen && i < spin; i++) generation = Atomics.load(ctl, ${GENERATION});
  if (generation === seen) {
    Atomics.wait(ctl, ${GENERATION}, seen);
    continue;
  }
  seen = generation;
  if (Atomics.load(ctl, ${STOP}) !== 0) break;
  const fn = ctl[base];
  if (fn >= 0) {
    const argc = ctl[base + 1];
    const args = new Array(argc);
    for (let i = 0; i < argc; i++) args[i] = ctl[base + 2 + i];
    try {
      fns[fn](...args);
    } catch (err) {
      Atomics.store(ctl, ${ERROR}, 1);
      console.error('studio kernel thread ' + slot + ': ' + (err && err.stack ? err.stack : err));
    }
  }
  if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
}
`;

/** A block of tfjs heap owned by the pool: a thread's stack, then its gemm scratch. */
interface ThreadMemory {
  block: number;
  stackBase: number;
  scratch: number;
}

export interface KernelThreads {
  /** Threads that run tasks, the caller included. */
  readonly threads: number;
  /** The calling thread's instance. */
  readonly exports: KernelExports;
  /** The gemm scratch (studio_gemm_scratch_floats() floats) of thread `index`. */
  scratch(index: number): number;
  /**
   * Runs `fn(...tasks[i])` on thread i, task 0 on the caller, and returns when all are done.
   * At most `threads` tasks; a worker without a task sits this call out.
   */
  run(fn: PoolFunction, tasks: readonly (readonly number[])[]): void;
  /** Calls per function so far, and how many of them ran on more than one thread. */
  stats(): Record<string, { calls: number; parallel: number }>;
  /** Stops the workers and frees the pool's heap blocks. */
  dispose(): Promise<void>;
}

function allocateThreadMemory(wasm: TfjsWasmModule, scratchBytes: number): ThreadMemory {
  // 16 bytes of slack to align both the stack and the scratch to 16.
  const block = wasm._malloc(STACK_BYTES + scratchBytes + 16) >>> 0;
  if (block === 0) throw new Error('the tfjs heap is out of memory for kernel scratch');
  const stackBase = block + ((16 - (block % 16)) % 16);
  return { block, stackBase, scratch: stackBase + STACK_BYTES };
}

/**
 * Starts the kernel threads. `threads` > 1 needs a shared memory (tfjs's threaded build);
 * resolves once every worker has instantiated the module.
 */
export async function createKernelThreads(
  kernels: LoadedKernels,
  wasm: TfjsWasmModule,
  threads: number,
): Promise<KernelThreads> {
  const threadCount = Math.max(1, Math.floor(threads));
  if (threadCount > 1 && !kernels.shared) throw new Error('kernel threads need a shared memory');

  const memories: ThreadMemory[] = [];
  const workers: Worker[] = [];
  const control = new Int32Array(
    new SharedArrayBuffer((SLOT_BASE + SLOT_INTS * Math.max(0, threadCount - 1)) * 4),
  );
  let disposed = false;

  // The caller's instance first: it tells the scratch size; its stack is set right after.
  const exports = instantiateKernels(kernels);
  const scratchBytes = exports.studio_gemm_scratch_floats() * 4;
  const callerMemory = allocateThreadMemory(wasm, scratchBytes);
  memories.push(callerMemory);
  setStack(exports, callerMemory.stackBase);

  const stopWorkers = async (): Promise<void> => {
    Atomics.store(control, STOP, 1);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) =>
            w.threadId < 0 ? resolve() : w.once('exit', () => resolve()),
          ),
      ),
    );
  };

  try {
    const ready: Promise<void>[] = [];
    for (let slot = 0; slot < threadCount - 1; slot++) {
      const memory = allocateThreadMemory(wasm, scratchBytes);
      memories.push(memory);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: kernels.module,
          memory: kernels.memory,
          control: control.buffer,
          slot,
          stackTop: stackTop(memory.stackBase),
          names: [...POOL_FUNCTIONS],
          spin: SPIN_ITERATIONS,
        },
      });
      // A pool left undisposed must not keep the process alive.
      worker.unref();
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`kernel thread exited with ${code}`)));
        }),
      );
    }
    await Promise.all(ready);
  } catch (err) {
    await stopWorkers();
    for (const m of memories) wasm._free(m.block);
    throw err;
  }

  const counts: Record<string, { calls: number; parallel: number }> = {};
  const count = (fn: PoolFunction, parallel: boolean): void => {
    const c = (counts[fn] ??= { calls: 0, parallel: 0 });
    c.calls++;
    if (parallel) c.parallel++;
  };

  const callLocal = (fn: PoolFunction, args: readonly number[]): void => {
    (exports[fn] as (...a: number[]) => void)(...args);
  };

  return {
    threads: threadCount,
    exports,
    scratch(index: number): number {
      const memory = memories[index];
      if (memory === undefined) throw new Error(`no kernel thread ${index}`);
      return memory.scratch;
    },
    run(fn: PoolFunction, tasks: readonly (readonly number[])[]): void {
      if (disposed) throw new Error('the kernel threads were disposed');
      if (tasks.length > threadCount) {
        throw new Error(`${tasks.length} tasks for ${threadCount} threads`);
      }
      const local = tasks[0];
      if (local === undefined) return;
      count(fn, tasks.length > 1);
      if (tasks.length === 1) {
        callLocal(fn, local);
        return;
      }
      const fnIndex = POOL_FUNCTIONS.indexOf(fn);
      for (let slot = 0; slot < workers.length; slot++) {
        const base = SLOT_BASE + slot * SLOT_INTS;
        const task = tasks[slot + 1];
        if (task === undefined) {
          control[base] = -1;
          continue;
        }
        if (task.length > MAX_ARGS) throw new Error(`${fn}: ${task.length} arguments`);
        control[base] = fnIndex;
        control[base + 1] = task.length;
        for (let i = 0; i < task.length; i++) control[base + 2 + i] = task[i] as number;
      }
      Atomics.store(control, PENDING, workers.length);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);

      let failure: unknown;
      try {
        callLocal(fn, local);
      } catch (err) {
        failure = err;
      }
      for (let i = 0; i < SPIN_ITERATIONS && Atomics.load(control, PENDING) !== 0; i++) {
        // spin: the workers usually finish within microseconds of the caller
      }
      // A worker that died would leave `pending` up forever; no kernel call takes minutes.
      const deadline = Date.now() + WAIT_LIMIT_MS;
      for (;;) {
        const pending = Atomics.load(control, PENDING);
        if (pending === 0) break;
        if (
          Atomics.wait(control, PENDING, pending, 1000) === 'timed-out' &&
          Date.now() > deadline
        ) {
          disposed = true;
          throw new Error(`${fn}: a kernel thread did not answer within ${WAIT_LIMIT_MS / 1000} s`);
        }
      }
      if (failure !== undefined) throw failure;
      if (Atomics.exchange(control, ERROR, 0) !== 0) {
        throw new Error(`${fn} failed on a kernel thread (its error is on stderr)`);
      }
    },
    stats: () => structuredClone(counts),
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await stopWorkers();
      for (const m of memories) wasm._free(m.block);
    },
  };
}
