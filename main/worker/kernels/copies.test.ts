/**
 * Identity, Slice and SplitV (copies.ts) on the wasm backend against the tfjs cpu backend:
 * contiguous and strided boxes of ranks 1-5, every dtype they handle, and reference counting
 * of the shared Identity. Copies are exact: results must be equal.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBox } from './copies';
import { randomValues, valuesOn } from './kernelTestUtil';
import { registerStudioKernels, unregisterStudioKernels } from './register';

/** Values as plain arrays: the backends may return different TypedArray classes. */
const plain = (arrays: Float32Array[]): number[][] => arrays.map((a) => Array.from(a));

describe('copyBox', () => {
  it('copies a strided box in contiguous runs', () => {
    const src = Float32Array.from({ length: 24 }, (_, i) => i); // [2, 3, 4]
    const dst = new Float32Array(2 * 2 * 2);
    copyBox(src, [2, 3, 4], [0, 1, 1], [2, 2, 2], dst);
    expect(Array.from(dst)).toEqual([5, 6, 9, 10, 17, 18, 21, 22]);
  });
});

const SLICES: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [7], begin: [2], size: [3] },
  { shape: [33, 7], begin: [1, 0], size: [31, 7] },
  { shape: [33, 7], begin: [0, 2], size: [33, 3] },
  { shape: [5, 6, 7], begin: [1, 2, 3], size: [3, 2, 4] },
  { shape: [5, 6, 7], begin: [1, 0, 0], size: [2, 6, 7] },
  { shape: [2, 3, 4, 5], begin: [1, 1, 0, 2], size: [1, 2, 4, 3] },
  { shape: [2, 3, 4, 5, 3], begin: [0, 1, 2, 0, 1], size: [2, 2, 2, 5, 2] },
  { shape: [4, 3], begin: [2, 1], size: [0, 2] },
];

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  const status = await registerStudioKernels();
  expect(status.kernels).toEqual(expect.arrayContaining(['Identity', 'Slice', 'SplitV']));
});
afterAll(async () => {
  await unregisterStudioKernels();
});

describe('Slice and SplitV', () => {
  SLICES.forEach(({ shape, begin, size }, i) => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      it(`slice ${dtype} [${shape}] at [${begin}] size [${size}]`, async () => {
        const values = randomValues(tf.util.sizeFromShape(shape), 10 + i).map((v) =>
          dtype === 'float32' ? v : dtype === 'int32' ? Math.round(100 * v) : v > 0 ? 1 : 0,
        );
        const run = () =>
          tf.cast(tf.slice(tf.tensor(values, shape, dtype), begin, size), 'float32');
        expect(plain(await valuesOn('wasm', run))).toEqual(plain(await valuesOn('cpu', run)));
      });
    }
  });

  for (const [shape, splits, axis] of [
    [[4088 / 8, 24], [8, 8, 8], 1],
    [[6, 5, 4], [1, 2, 2], 1],
    [[6, 5, 4], 3, 0],
    [[6, 5, 4], [3, 1], 2],
  ] as [number[], number[] | number, number][]) {
    it(`splits [${shape}] into ${JSON.stringify(splits)} along ${axis}`, async () => {
      const values = randomValues(tf.util.sizeFromShape(shape), 77);
      const run = () => tf.split(tf.tensor(values, shape), splits, axis);
      expect(plain(await valuesOn('wasm', run))).toEqual(plain(await valuesOn('cpu', run)));
    });
  }

  it('slices and splits with gradients, leaking nothing', async () => {
    const values = randomValues(6 * 12, 5);
    const run = () =>
      tf.grad((x: tf.Tensor) => {
        const [a, b, c] = tf.split(x, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.sum(
          tf.mul(
            tf.mul(a, b),
            tf.slice(c, [1, 0], [4, -1]).pad([
              [1, 1],
              [0, 0],
            ]),
          ),
        );
      })(tf.tensor(values, [6, 12]));
    const before = tf.memory().numTensors;
    expect(plain(await valuesOn('wasm', run))).toEqual(plain(await valuesOn('cpu', run)));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Identity', () => {
  it('shares the data and keeps it alive while a clone holds it', async () => {
    const x = tf.tensor([1, 2, 3]);
    const before = tf.memory().numTensors;
    const y = tf.clone(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
  });

  it('lets a variable be assigned without touching the tensor it was made from', async () => {
    const init = tf.tensor([1, 2]);
    const v = tf.variable(init);
    v.assign(tf.tensor([5, 6]));
    expect(Array.from(await init.data())).toEqual([1, 2]);
    expect(Array.from(await v.data())).toEqual([5, 6]);
    tf.dispose([init, v]);
  });
});
