/**
 * GatherV2 as row copies (gather.ts) on the wasm backend against the tfjs cpu backend: every
 * axis of ranks 1-4, repeated and reordered indices (beam search's cache reorder), int32 and
 * float32, indices of rank 2, the gradient (UnsortedSegmentSum of the gathered rows), and a bad
 * index refused. Copies are exact: results must be equal.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherRows } from './gather';
import { randomValues, valuesOn } from './kernelTestUtil';
import { registerStudioKernels, unregisterStudioKernels } from './register';
import { registerWasmKernels } from './unsortedSegmentSum';

const plain = (arrays: Float32Array[]): number[][] => arrays.map((a) => Array.from(a));

describe('gatherRows', () => {
  it('copies whole slices in index order, per outer row', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i); // [2, 3, 2]
    const out = new Float32Array(2 * 2 * 2);
    gatherRows(x, [2, 0], 2, 3, 2, out);
    expect(Array.from(out)).toEqual([4, 5, 0, 1, 10, 11, 6, 7]);
  });
  it('refuses an index outside the axis before writing', () => {
    const out = new Float32Array(2).fill(7);
    expect(() => gatherRows(new Float32Array(6), [0, 3], 1, 3, 2, out)).toThrow(/index value 3/);
    expect(Array.from(out)).toEqual([7, 7]);
  });
});

const CASES: { shape: number[]; axis: number; indices: number[]; indexShape?: number[] }[] = [
  { shape: [7], axis: 0, indices: [6, 0, 3, 3] },
  { shape: [4, 33], axis: 0, indices: [0, 0, 0, 0, 1, 1, 1, 1, 3, 3, 3, 3] },
  { shape: [5, 4, 3, 7], axis: 0, indices: [4, 2, 2, 0, 1] },
  { shape: [5, 4, 3, 7], axis: 1, indices: [3, 0] },
  { shape: [5, 4, 3, 7], axis: 2, indices: [2, 2, 1] },
  { shape: [5, 4, 3, 7], axis: 3, indices: [6, 5, 0] },
  { shape: [10, 3], axis: 0, indices: [1, 9, 2, 8, 0, 0], indexShape: [2, 3] },
];

describe('GatherV2 on the studio kernels', () => {
  beforeAll(async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    await tf.ready();
    const status = await registerStudioKernels();
    expect(status.kernels).toContain('GatherV2');
  });
  afterAll(async () => {
    await unregisterStudioKernels();
  });

  for (const dtype of ['float32', 'int32'] as const) {
    CASES.forEach(({ shape, axis, indices, indexShape }, n) => {
      it(`gathers ${dtype} [${shape}] on axis ${axis} at [${indices}]`, async () => {
        const values = randomValues(
          shape.reduce((p, d) => p * d, 1),
          n + 1,
        ).map((v) => (dtype === 'int32' ? Math.round(100 * v) : v));
        const run = () =>
          tf.cast(
            tf.gather(
              tf.tensor(values, shape, dtype),
              tf.tensor(indices, indexShape ?? [indices.length], 'int32'),
              axis,
            ),
            'float32',
          );
        const expected = await valuesOn('cpu', run);
        const actual = await valuesOn('wasm', run);
        expect(plain(actual)).toEqual(plain(expected));
      });
    });
  }

  it('gives the gradient of the gathered rows (embedding lookups)', async () => {
    const table = randomValues(10 * 4, 77);
    const w = randomValues(5 * 4, 78);
    const run = () =>
      tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(tf.gather(t, tf.tensor1d([3, 1, 3, 9, 0], 'int32')), tf.tensor(w, [5, 4]))),
      )(tf.tensor(table, [10, 4]));
    expect(plain(await valuesOn('wasm', run))).toEqual(plain(await valuesOn('cpu', run)));
  });

  it('refuses an index outside the axis', async () => {
    await expect(
      valuesOn('wasm', () => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32'))),
    ).rejects.toThrow(/index value 3 is not in \[0, 2\]/);
  });
});
