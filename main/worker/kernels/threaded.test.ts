/**
 * The studio kernels with tfjs's threaded build (shared memory): 2 kernel threads (products
 * split by rows, by columns and by batches; softmax, exp, sums, transposes, LayerNorm and the
 * loss by rows or columns, Adam by elements) and
 * 1 thread on the shared binary, against the tfjs cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableWasmThreads } from '../wasmThreads';
import {
  batchCases,
  flagCases,
  gradientTests,
  productTests,
  SIZES,
  type ProductCase,
} from './matMulCases';
import { adamTests, crossEntropyTests, layerNormTests } from './fusedCases';
import { registerStudioKernels, studioKernelStats, unregisterStudioKernels } from './register';
import { sumTests } from './reduceCases';
import { softmaxTests } from './softmaxCases';
import { transposeTests } from './transposeCases';

/** Products big enough for partitionGemm to give each of 2 threads a share. */
const SPLIT_CASES: ProductCase[] = [
  // rows (m >= n)
  { aShape: [257, 257], bShape: [257, 33], transposeA: false, transposeB: false },
  { aShape: [257, 257], bShape: [33, 257], transposeA: true, transposeB: true },
  // columns (n > m)
  { aShape: [33, 257], bShape: [257, 257], transposeA: false, transposeB: false },
  { aShape: [257, 33], bShape: [257, 257], transposeA: true, transposeB: true },
  // batches
  { aShape: [64, 33, 64], bShape: [64, 64, 33], transposeA: false, transposeB: false },
  { aShape: [64, 33, 64], bShape: [64, 33, 64], transposeA: false, transposeB: true },
  // an odd batch count, split by rows
  { aShape: [3, 129, 257], bShape: [257, 130], transposeA: false, transposeB: false },
];

beforeAll(async () => {
  const started = await enableWasmThreads(2);
  expect(started).toEqual({ threads: 2 });
  await tf.ready();
});

for (const threads of [2, 1]) {
  describe(`threaded tfjs build, ${threads} kernel thread(s)`, () => {
    beforeAll(async () => {
      const status = await registerStudioKernels({ threads });
      expect(status).toMatchObject({ active: true, threads });
    });
    afterAll(async () => {
      await unregisterStudioKernels();
    });

    productTests(SPLIT_CASES, 500);
    productTests(flagCases(SIZES.slice(5)), 600);
    productTests(batchCases().slice(0, 8), 700);
    gradientTests([SPLIT_CASES[0]!, SPLIT_CASES[5]!], 800);
    softmaxTests(900);
    sumTests(950);
    transposeTests(980);
    layerNormTests(1100);
    crossEntropyTests(1200);
    adamTests(1300);

    it(
      threads > 1 ? 'split every kernel among the threads' : 'ran everything on one thread',
      () => {
        const stats = studioKernelStats();
        for (const fn of [
          'studio_gemm',
          'studio_softmax',
          'studio_softmax_grad',
          'studio_exp',
          'studio_sum',
          'studio_transpose',
          'studio_layer_norm',
          'studio_layer_norm_grad',
          'studio_smoothed_ce',
          'studio_adam',
        ]) {
          expect(stats[fn]?.calls ?? 0, fn).toBeGreaterThan(0);
          if (threads > 1) expect(stats[fn]?.parallel ?? 0, fn).toBeGreaterThan(0);
          else expect(stats[fn]?.parallel ?? 0, fn).toBe(0);
        }
      },
    );

    it('leaks no tensors', () => {
      const a = tf.randomUniform([257, 257]);
      const b = tf.randomUniform([257, 130]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        tf.dispose(tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]));
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, b]);
    });
  });
}

describe('kernel threads by default', () => {
  it('take the thread count of the threaded tfjs build', async () => {
    const status = await registerStudioKernels();
    expect(status.threads).toBe(2);
    expect(status.reason).toMatch(/2 threads/);
    await unregisterStudioKernels();
  });
});
