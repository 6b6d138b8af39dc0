/**
 * Concat on the studio kernels (concat.ts) against the tfjs cpu backend: every axis of ranks
 * 1-4, the decoder cache's growth by one column ([b, h, d_k, t] + [b, h, d_k, 1] on the last
 * axis), several inputs, empty inputs, int32, the gradient (slices of dy), and enough rows for
 * two kernel threads. Copies are exact: results must be equal.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableWasmThreads } from '../wasmThreads';
import { randomValues, valuesOn } from './kernelTestUtil';
import { registerStudioKernels, studioKernelStats, unregisterStudioKernels } from './register';

const plain = (arrays: Float32Array[]): number[][] => arrays.map((a) => Array.from(a));

const CASES: { shapes: number[][]; axis: number }[] = [
  { shapes: [[3], [4]], axis: 0 },
  {
    shapes: [
      [2, 3],
      [2, 1],
      [2, 5],
    ],
    axis: 1,
  },
  {
    shapes: [
      [2, 3],
      [4, 3],
    ],
    axis: 0,
  },
  {
    shapes: [
      [4, 4, 64, 7],
      [4, 4, 64, 1],
    ],
    axis: 3,
  },
  {
    shapes: [
      [4, 4, 7, 64],
      [4, 4, 1, 64],
    ],
    axis: 2,
  },
  {
    shapes: [
      [2, 3, 4, 5],
      [2, 1, 4, 5],
      [2, 2, 4, 5],
    ],
    axis: 1,
  },
  {
    shapes: [
      [2, 0, 3],
      [2, 4, 3],
    ],
    axis: 1,
  },
  {
    shapes: [
      [2, 0, 3],
      [2, 4, 3],
      [2, 0, 3],
    ],
    axis: 1,
  },
  // 64 x 4 x 64 rows of 33 + 1: split between two kernel threads
  {
    shapes: [
      [64, 4, 64, 33],
      [64, 4, 64, 1],
    ],
    axis: 3,
  },
];

beforeAll(async () => {
  const started = await enableWasmThreads(2);
  expect(started).toEqual({ threads: 2 });
  await tf.ready();
  const status = await registerStudioKernels({ threads: 2 });
  expect(status.kernels).toContain('Concat');
});
afterAll(async () => {
  await unregisterStudioKernels();
});

describe('Concat on the studio kernels', () => {
  for (const dtype of ['float32', 'int32'] as const) {
    CASES.forEach(({ shapes, axis }, n) => {
      it(`concatenates ${dtype} ${shapes.map((s) => `[${s}]`).join(' + ')} on axis ${axis}`, async () => {
        const tensors = shapes.map((shape, i) =>
          randomValues(
            shape.reduce((p, d) => p * d, 1),
            10 * n + i + 1,
          ).map((v) => (dtype === 'int32' ? Math.round(1000 * v) : v)),
        );
        const run = () =>
          tf.cast(
            tf.concat(
              tensors.map((values, i) => tf.tensor(values, shapes[i], dtype)),
              axis,
            ),
            'float32',
          );
        expect(plain(await valuesOn('wasm', run))).toEqual(plain(await valuesOn('cpu', run)));
      });
    });
  }

  it('ran on both threads for the large case', () => {
    const stats = studioKernelStats()['studio_concat'];
    expect(stats?.calls ?? 0).toBeGreaterThan(0);
    expect(stats?.parallel ?? 0).toBeGreaterThan(0);
  });

  it('gives the gradient of each input (slices of dy) and leaks nothing', async () => {
    const a = randomValues(2 * 3, 5);
    const b = randomValues(2 * 2, 6);
    const w = randomValues(2 * 5, 7);
    const run = () =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(tf.concat([x, y], 1), tf.tensor(w, [2, 5]))),
      )([tf.tensor(a, [2, 3]), tf.tensor(b, [2, 2])]);
    expect(plain(await valuesOn('wasm', run))).toEqual(plain(await valuesOn('cpu', run)));
    const x = tf.ones([3, 2]);
    const before = tf.memory().numTensors;
    tf.dispose(tf.tidy(() => tf.concat([x, x, tf.zeros([0, 2])], 0)));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
