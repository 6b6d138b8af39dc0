/**
 * Owns the one engine worker (DESIGN.md "Processes"). The main thread never does tensor work
 * and never blocks on the worker: calls are promises, a crash becomes a status, and a fresh
 * worker is started so the next call works. No tfjs here.
 */
import { availableParallelism } from 'node:os';
import { AppError, ErrorCode, unwrap } from '../../shared/errors';
import type { BackendName, EngineInfo, EngineStatus } from '../../shared/types';
import { resolveWorkerEntry, startWorker, type WorkerEntry } from './threads';
import type {
  EngineCalls,
  EngineEvent,
  EngineMethod,
  HostToWorker,
  WorkerToHost,
} from '../protocol/engine';

/** What EngineHost needs of a worker: a real worker_threads Worker or an in-memory port in tests. */
export interface WorkerPort {
  postMessage(msg: HostToWorker): void;
  onMessage(listener: (msg: WorkerToHost) => void): void;
  /** Called once when the worker dies: an uncaught exception, an exit, or out of memory. */
  onDeath(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}
export type WorkerFactory = () => WorkerPort;

/** A factory for real worker_threads workers. */
export function nodeWorkerFactory(
  entry: WorkerEntry = resolveWorkerEntry('worker', 'worker/engineWorker.ts'),
): WorkerFactory {
  return () => {
    const worker = startWorker(entry);
    let deathListener: ((reason: string) => void) | undefined;
    let dead = false;
    const die = (reason: string): void => {
      if (dead) return;
      dead = true;
      deathListener?.(reason);
    };
    worker.on('error', (err) => die(`the engine worker threw: ${err.message}`));
    worker.on('exit', (code) => die(`the engine worker exited with code ${code}`));
    return {
      postMessage: (msg) => worker.postMessage(msg),
      onMessage: (listener) => worker.on('message', listener),
      onDeath: (listener) => {
        deathListener = listener;
      },
      terminate: async () => {
        dead = true;
        await worker.terminate();
      },
    };
  };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: AppError) => void;
}

export interface EngineHostOptions {
  /** Force a backend, or 'auto' for the ladder. */
  backend?: BackendName | 'auto';
  /** Defaults to real worker threads. */
  workerFactory?: WorkerFactory;
  /** Restart a crashed worker (default true). */
  restartOnCrash?: boolean;
  /**
   * Threads for the wasm backend. Default: TRANSFORMER_STUDIO_WASM_THREADS, else the
   * machine's cores (at most 8). A worker that dies while starting makes the next one start
   * single-threaded.
   */
  wasmThreads?: number;
  /**
   * How long a multi-threaded start may take before the worker is replaced by a
   * single-threaded one (default THREADED_START_LIMIT_MS).
   */
  threadedStartLimitMs?: number;
}

/**
 * tfjs-backend-wasm's threaded build was seen to hang inside tf.setBackend('wasm') in Node,
 * about one start in fifteen on a loaded 2-core machine (main/worker/wasmThreads.ts starts it;
 * a normal threaded start takes 2-8 s there, under load). A start that has not answered by then is given
 * up: the worker is terminated and a single-threaded one starts in its place, and the engine
 * info says why.
 */
export const THREADED_START_LIMIT_MS = 20_000;

/** Threads the wasm backend gets unless told otherwise. */
export function defaultWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.TRANSFORMER_STUDIO_WASM_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 8);
  return Math.max(1, Math.min(availableParallelism(), 8));
}

export class EngineHost {
  private readonly factory: WorkerFactory;
  private readonly backend: BackendName | 'auto';
  private readonly restartOnCrash: boolean;
  private wasmThreads: number;
  private worker: WorkerPort | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private statusValue: EngineStatus = { state: 'stopped' };
  private ready: Promise<EngineInfo> | undefined;
  private readonly statusListeners = new Set<(status: EngineStatus) => void>();
  private readonly eventListeners = new Set<(event: EngineEvent) => void>();
  private crashTimes: number[] = [];
  private disposed = false;
  private readonly threadedStartLimitMs: number;
  /** Why the engine runs single-threaded although more threads were wanted, once it does. */
  private threadsFallback: string | undefined;

  constructor(options: EngineHostOptions = {}) {
    this.factory = options.workerFactory ?? nodeWorkerFactory();
    this.backend = options.backend ?? 'auto';
    this.restartOnCrash = options.restartOnCrash ?? true;
    this.wasmThreads = options.wasmThreads ?? defaultWasmThreads();
    this.threadedStartLimitMs = options.threadedStartLimitMs ?? THREADED_START_LIMIT_MS;
  }

  get status(): EngineStatus {
    return this.statusValue;
  }

  /** Starts the worker (once) and resolves when it has chosen a backend. */
  start(): Promise<EngineInfo> {
    if (this.disposed)
      return Promise.reject(new AppError(ErrorCode.Internal, 'The engine has been shut down.'));
    this.ready ??= this.spawn();
    return this.ready;
  }

  /** Calls a worker method; starts the worker first if needed. */
  async call<K extends EngineMethod>(
    method: K,
    input: EngineCalls[K]['input'],
  ): Promise<EngineCalls[K]['output']> {
    await this.start();
    const worker = this.worker;
    if (!worker)
      throw new AppError(
        ErrorCode.EngineCrashed,
        'The engine is not running; it is being restarted.',
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ type: 'call', id, method, input } as HostToWorker);
    });
  }

  /** Test hook: asks the worker to crash in the given way. */
  crashForTest(how: 'throw' | 'exit'): void {
    this.worker?.postMessage({ type: 'crash', how });
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(new AppError(ErrorCode.EngineCrashed, 'The engine was shut down.'));
    await worker?.terminate();
    this.setStatus({ state: 'stopped' });
  }

  private setStatus(status: EngineStatus): void {
    this.statusValue = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private spawn(): Promise<EngineInfo> {
    this.setStatus({ state: 'starting' });
    const worker = this.factory();
    this.worker = worker;
    return new Promise<EngineInfo>((resolve, reject) => {
      let initialised = false;
      const watchdog =
        this.wasmThreads > 1
          ? setTimeout(() => {
              if (initialised || this.worker !== worker || this.disposed) return;
              const seconds = +(this.threadedStartLimitMs / 1000).toFixed(1);
              this.threadsFallback = `one thread: the ${this.wasmThreads}-thread wasm start did not answer within ${seconds} s, so the engine restarted single-threaded`;
              this.wasmThreads = 1;
              this.worker = undefined;
              void worker.terminate();
              this.spawn().then(resolve, reject);
            }, this.threadedStartLimitMs)
          : undefined;
      worker.onMessage((msg) => {
        switch (msg.type) {
          case 'ready': {
            initialised = true;
            clearTimeout(watchdog);
            const info =
              this.threadsFallback !== undefined && msg.info.threads <= 1
                ? { ...msg.info, threadsNote: this.threadsFallback }
                : msg.info;
            this.setStatus({ state: 'ready', info });
            resolve(info);
            break;
          }
          case 'initFailed':
            clearTimeout(watchdog);
            initialised = true;
            this.setStatus({ state: 'crashed', message: msg.error.message });
            reject(AppError.fromData(msg.error));
            break;
          case 'result': {
            const pending = this.pending.get(msg.id);
            if (!pending) break;
            this.pending.delete(msg.id);
            try {
              pending.resolve(unwrap(msg.result));
            } catch (err) {
              pending.reject(err as AppError);
            }
            break;
          }
          case 'event':
            for (const listener of this.eventListeners) listener(msg.event);
            break;
        }
      });
      worker.onDeath((reason) => {
        clearTimeout(watchdog);
        if (this.worker !== worker) return;
        this.worker = undefined;
        const message = `The engine stopped unexpectedly (${reason}); it is being restarted.`;
        this.rejectAll(new AppError(ErrorCode.EngineCrashed, message));
        this.setStatus({ state: 'crashed', message });
        if (!initialised) {
          reject(new AppError(ErrorCode.EngineCrashed, message));
          // Dying while starting may be the threaded wasm start: the next worker goes without.
          this.wasmThreads = 1;
        }
        this.ready = undefined;
        if (this.restartOnCrash && !this.disposed && this.allowRestart()) {
          this.start().catch(() => undefined);
        }
      });
      worker.postMessage({ type: 'init', backend: this.backend, wasmThreads: this.wasmThreads });
    });
  }

  /** At most 3 restarts a minute, so a worker that dies at start does not spin. */
  private allowRestart(): boolean {
    const now = Date.now();
    this.crashTimes = this.crashTimes.filter((t) => now - t < 60_000);
    this.crashTimes.push(now);
    return this.crashTimes.length <= 3;
  }

  private rejectAll(err: AppError): void {
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
  }
}
