/**
 * The threaded wasm build gives the same numbers as the single-threaded one. The wasm backend
 * initializes once per thread, so each configuration runs in its own worker_threads Worker
 * (as the engine does), started from source through tsx like main/threads.ts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

interface Outcome {
  result: { threads: number } | { reason: string };
  backend: string;
  product: number[];
  grad: number[];
  loss: number;
}

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

function tsxApiUrl(): string {
  const tsxDir = dirname(require.resolve('tsx/package.json'));
  const pkg = JSON.parse(readFileSync(join(tsxDir, 'package.json'), 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(
    join(tsxDir, pkg.exports['./esm/api']?.import.default ?? 'dist/esm/api/index.mjs'),
  ).href;
}

/** Runs a matmul and a small gradient on wasm with `threads` threads, in a fresh worker. */
function runInWorker(threads: number): Promise<Outcome> {
  const module = pathToFileURL(join(here, 'wasmThreads.ts')).href;
  const tfjs = pathToFileURL(require.resolve('@tensorflow/tfjs')).href;
  const wasm = pathToFileURL(require.resolve('@tensorflow/tfjs-backend-wasm')).href;
  const code = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const tsx = await import(${JSON.stringify(tsxApiUrl())});
  tsx.register();
  const tf = await import(${JSON.stringify(tfjs)});
  await import(${JSON.stringify(wasm)});
  const { enableWasmThreads } = await import(${JSON.stringify(module)});
  let result = { threads: 1 };
  if (workerData.threads > 1) result = await enableWasmThreads(workerData.threads);
  else await tf.setBackend('wasm');
  // Inputs from a fixed LCG, so both workers see identical bits.
  let s = 12345;
  const rand = (n) => Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
  const a = tf.tensor2d(rand(192 * 320), [192, 320]);
  const b = tf.tensor2d(rand(320 * 256), [320, 256]);
  const product = Array.from(await tf.matMul(a, b).data());
  const x = tf.tensor2d(rand(64 * 96), [64, 96]);
  const w = tf.tensor2d(rand(96 * 128), [96, 128]);
  const v = tf.tensor2d(rand(128 * 32), [128, 32]);
  const f = (w) => tf.tanh(tf.matMul(tf.relu(tf.matMul(x, w)), v)).square().mean();
  const { value, grad: dw } = tf.valueAndGrad(f)(w);
  const grad = Array.from(await dw.data());
  parentPort.postMessage({ result, backend: tf.getBackend(), product, grad, loss: (await value.data())[0] });
})().catch((err) => { throw err; });
`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { threads } });
    worker.once('message', (outcome: Outcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

function maxRelativeError(actual: number[], expected: number[]): number {
  const scale = Math.max(...expected.map(Math.abs));
  return Math.max(...actual.map((x, i) => Math.abs(x - (expected[i] ?? NaN)) / scale));
}

describe('enableWasmThreads', () => {
  it('runs the threaded wasm build with 2 threads, numerically equal to 1 thread', async () => {
    const [one, two] = await Promise.all([runInWorker(1), runInWorker(2)]);
    expect(one.backend).toBe('wasm');
    expect(two.backend).toBe('wasm');
    expect(two.result).toEqual({ threads: 2 });
    expect(two.product).toHaveLength(192 * 256);
    expect(two.grad).toHaveLength(96 * 128);
    expect(maxRelativeError(two.product, one.product)).toBeLessThan(1e-5);
    expect(maxRelativeError(two.grad, one.grad)).toBeLessThan(1e-5);
    expect(Math.abs(two.loss - one.loss)).toBeLessThan(1e-6 * Math.abs(one.loss) + 1e-9);
  });

  it('declines fewer than 2 threads without touching the backend', async () => {
    const { enableWasmThreads } = await import('./wasmThreads');
    expect(await enableWasmThreads(1)).toEqual({
      reason: '1 thread(s) requested; nothing to enable',
    });
  });
});
