/**
 * Sum test cases, shared by the single-threaded and threaded test files, against the tfjs cpu
 * backend. Tolerance: |ours - cpu| <= 4e-6 * sum|x| + 1e-6 (float32 accumulation in another
 * order; cpu accumulates in double).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { errorRatio, randomValues, valuesOn } from './kernelTestUtil';

export const SUM_CASES: { shape: number[]; axis: number | number[] }[] = [
  { shape: [7], axis: 0 },
  { shape: [33, 7], axis: 0 },
  { shape: [33, 7], axis: 1 },
  { shape: [33, 7], axis: [0, 1] },
  { shape: [2, 3, 257], axis: 1 },
  { shape: [2, 3, 257], axis: [1, 2] },
  { shape: [2, 3, 257], axis: 0 },
  { shape: [2, 3, 257], axis: -1 },
  { shape: [2, 3, 257], axis: [0, 2] }, // not contiguous: the stock kernel
  { shape: [3, 0], axis: 1 },
  { shape: [4088, 257], axis: 0 },
  { shape: [524, 1000], axis: 1 },
  { shape: [3, 1000, 9], axis: 1 },
];

export function sumTests(seed: number): void {
  SUM_CASES.forEach(({ shape, axis }, i) => {
    for (const keepDims of [false, true]) {
      it(`sum [${shape}] over ${JSON.stringify(axis)}${keepDims ? ', keepDims' : ''}`, async () => {
        const values = randomValues(tf.util.sizeFromShape(shape), seed + i);
        const run = (abs: boolean) => () =>
          tf.sum(abs ? tf.abs(tf.tensor(values, shape)) : tf.tensor(values, shape), axis, keepDims);
        const [expected] = await valuesOn('cpu', run(false));
        const [scale] = await valuesOn('cpu', run(true));
        const wasm = await tf.setBackend('wasm').then(() => run(false)());
        expect(wasm.shape).toEqual(tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims)).shape);
        const actual = (await wasm.data()) as Float32Array;
        wasm.dispose();
        expect(errorRatio(actual, expected!, scale!, 4e-6, 1e-6)).toBeLessThanOrEqual(1);
      });
    }
  });

  it('sums int32 (the stock kernel) and bias gradients, leaking nothing', async () => {
    const ints = tf.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      [2, 2],
      'int32',
    );
    expect(Array.from(await tf.sum(ints, 0).data())).toEqual([4, 6]);
    ints.dispose();
    const x = randomValues(5 * 7, seed + 50);
    const w = randomValues(5 * 7, seed + 51);
    const run = () =>
      tf.grad((b: tf.Tensor) =>
        tf.sum(tf.mul(tf.add(tf.tensor(x, [5, 7]), b), tf.tensor(w, [5, 7]))),
      )(tf.zeros([7]));
    const before = tf.memory().numTensors;
    const [expected] = await valuesOn('cpu', run);
    const [actual] = await valuesOn('wasm', run);
    expect(
      errorRatio(actual!, expected!, new Float32Array(7).fill(5), 4e-6, 1e-6),
    ).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(before);
  });
}
