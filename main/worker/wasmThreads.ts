/**
 * Multi-threaded wasm in Node: makes tfjs-backend-wasm 4.22 start its threaded-SIMD build, so
 * XNNPACK's matmuls use a pthreadpool of Node worker_threads. Works on the main thread and
 * inside a worker_threads Worker (the engine's).
 *
 * Out of the box the threaded build cannot start in Node, for three reasons this works around
 * (dist/tf-backend-wasm.node.js):
 * 1. the WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired to false when IS_NODE: set it true;
 * 2. its locateFile returns a blob: URL for the pthread worker script, and Node's `new Worker`
 *    only takes file paths (ERR_WORKER_PATH); its main script reaches the workers as a Blob
 *    (mainScriptUrlOrBlob) that their Node `importScripts` (fs.readFileSync) cannot read.
 *    While the backend initializes, `Blob` and `URL.createObjectURL` are wrapped: the two
 *    script Blobs are written to a private temp folder (the main script with definitions of
 *    the bundle-scope helpers it refers to), createObjectURL returns the worker file's path,
 *    and the worker file ends with a hook that points its "load" message at the main script
 *    file. The files are read while the wasm module loads (Emscripten preloads 8 pool workers
 *    before it resolves), so they are deleted right after initialization;
 * 3. backend.cc caps the pool at emscripten_num_logical_cores() / 2 = os.cpus().length / 2,
 *    which is 1 on a 2-core machine: os.cpus() reports at least 2 x threads while it runs.
 * All three patches are undone before this returns. Emscripten ref()s a worker while it runs a
 * pthread, and XNNPACK's pool threads never end, so those workers are unref()ed: otherwise a
 * process or worker using threads would never exit on its own.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import type * as NodeOs from 'node:os';
import { join } from 'node:path';

/** The threads XNNPACK got, or why the threaded build was not started. */
export type WasmThreadsResult = { threads: number } | { reason: string };

/** tfjs-backend-wasm 4.22 builds its pool from 8 preloaded workers; backend.cc caps at 8. */
const MAX_THREADS = 8;
const MAIN_PREFIX = 'var WasmBackendModuleThreadedSimd = ';
const WORKER_MARK = 'WasmBackendModuleThreadedSimd(Module)';
/**
 * Bundle-scope names the threaded factory's source refers to (found by listing its free
 * identifiers): Node modules, the global object and three tslib helpers. No "use strict": the
 * worker evaluates the file with an indirect eval, whose top-level `var`s must become globals.
 */
const MAIN_PROLOGUE = `var require$$0 = require("fs"), require$$1 = require("path"), require$$3 = require("perf_hooks"), require$$4 = require("os");
var commonjsGlobal = globalThis;
var _scriptDir;
function __values(o) { return o[Symbol.iterator](); }
function __read(o, n) { var a = Array.from(o); return n === undefined ? a : a.slice(0, n); }
function __spreadArray(to, from) { return to.concat(Array.prototype.slice.call(from)); }
`;

interface PThreadWorker {
  unref(): void;
}
interface ThreadedModule {
  PThread?: { runningWorkers: PThreadWorker[] };
}

/** The `os` module object itself (what the wasm bundle's require('os') returns), to patch cpus. */
const nodeOs = createRequire(import.meta.url)('node:os') as typeof NodeOs;

/**
 * Initializes the wasm backend with its threaded-SIMD build and `threads` XNNPACK threads
 * (capped at 8; the calling thread is one of them), and makes it the current backend. Call it
 * before `tf.setBackend('wasm')`, after which that call just returns true.
 * Resolves `{ threads }` (from getThreadsCount()) when the threaded build runs; otherwise
 * `{ reason }`, with the wasm backend left uninitialized so that `tf.setBackend('wasm')` starts
 * the single-threaded SIMD build as before.
 */
export async function enableWasmThreads(threads: number): Promise<WasmThreadsResult> {
  const wanted = Math.min(Math.floor(threads), MAX_THREADS);
  if (!(wanted >= 2)) return { reason: `${threads} thread(s) requested; nothing to enable` };
  if (tf.findBackend('wasm') != null) {
    return { reason: 'the wasm backend was already initialized; threads must be set before' };
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    return { reason: 'SharedArrayBuffer is unavailable, so wasm threads are impossible' };
  }
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) {
    return { reason: 'no wasm SIMD support; tfjs only ships a threaded build with SIMD' };
  }

  const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  const mainPath = join(dir, 'main.js');
  const workerPath = join(dir, 'worker.cjs');
  const workerHook = `\n;(function () { var load = self.onmessage; self.onmessage = function (e) { if (e && e.data && e.data.cmd === "load") e.data.urlOrBlob = ${JSON.stringify(mainPath)}; return load(e); }; })();\n`;
  const workerBlobs = new WeakSet<Blob>();
  let sawMain = false;
  let sawWorker = false;

  const OriginalBlob = globalThis.Blob;
  class CapturingBlob extends OriginalBlob {
    constructor(...args: ConstructorParameters<typeof OriginalBlob>) {
      super(...args);
      const parts = args[0];
      const text = parts?.length === 1 && typeof parts[0] === 'string' ? parts[0] : undefined;
      if (text === undefined) return;
      if (text.startsWith(MAIN_PREFIX)) {
        writeFileSync(mainPath, `${MAIN_PROLOGUE}${text}\n`);
        sawMain = true;
      } else if (text.includes(WORKER_MARK) && text.includes('urlOrBlob')) {
        writeFileSync(workerPath, text + workerHook);
        workerBlobs.add(this);
        sawWorker = true;
      }
    }
  }
  const originalCreateObjectURL = URL.createObjectURL.bind(URL);
  const originalCpus = nodeOs.cpus;

  globalThis.Blob = CapturingBlob;
  URL.createObjectURL = (obj: Blob) =>
    workerBlobs.has(obj) ? workerPath : originalCreateObjectURL(obj);
  nodeOs.cpus = () => {
    const real = originalCpus.call(nodeOs);
    const n = Math.max(real.length, 2 * wanted);
    return Array.from({ length: n }, (_, i) => real[i % real.length]!);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(wanted);

  let ok = false;
  let failure = '';
  try {
    ok = await tf.setBackend('wasm');
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  } finally {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
    nodeOs.cpus = originalCpus;
    rmSync(dir, { recursive: true, force: true });
  }

  if (!ok) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(-1);
    const what = !sawMain || !sawWorker ? ' (the threaded scripts were not recognized)' : '';
    return {
      reason: `the threaded wasm build failed to initialize${what}${failure ? `: ${failure}` : ''}`,
    };
  }
  const backend = tf.backend() as unknown as { wasm?: ThreadedModule };
  for (const worker of backend.wasm?.PThread?.runningWorkers ?? []) worker.unref();
  return { threads: getThreadsCount() };
}
