/**
 * Transpose test cases, shared by the single-threaded and threaded test files: exact equality
 * with the tfjs cpu backend (a transpose only moves values).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { randomValues, valuesOn } from './kernelTestUtil';

/** Every permutation of [0, n). */
function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

export const TRANSPOSE_CASES: { shape: number[]; perm: number[] }[] = [
  { shape: [7], perm: [0] },
  { shape: [33, 7], perm: [1, 0] },
  { shape: [257, 130], perm: [1, 0] },
  ...permutations(3).map((perm) => ({ shape: [2, 3, 257], perm })),
  ...permutations(4).map((perm) => ({ shape: [5, 7, 4, 9], perm })),
  { shape: [40, 28, 4, 64], perm: [0, 2, 1, 3] },
  { shape: [14, 28, 4, 64], perm: [0, 2, 3, 1] },
  { shape: [1, 5, 1, 3], perm: [3, 2, 1, 0] },
  { shape: [2, 3, 4, 5, 6], perm: [0, 1, 2, 4, 3] },
  { shape: [2, 3, 4, 5, 6], perm: [4, 2, 0, 3, 1] }, // 5 axes after collapsing: stock
];

export function transposeTests(seed: number): void {
  TRANSPOSE_CASES.forEach(({ shape, perm }, i) => {
    it(`transpose [${shape}] by [${perm}]`, async () => {
      const values = randomValues(tf.util.sizeFromShape(shape), seed + i);
      const run = () => tf.transpose(tf.tensor(values, shape), perm);
      const [expected] = await valuesOn('cpu', run);
      const [actual] = await valuesOn('wasm', run);
      expect(Array.from(actual!)).toEqual(Array.from(expected!));
    });
  });

  it('transposes int32 and bool, and has a gradient, leaking nothing', async () => {
    const ints = Int32Array.from({ length: 24 }, (_, i) => i * 7 - 50);
    const run = () => [
      tf.cast(tf.transpose(tf.tensor(ints, [2, 3, 4], 'int32'), [2, 0, 1]), 'float32'),
      tf.cast(tf.transpose(tf.tensor(ints, [2, 3, 4], 'bool'), [1, 0, 2]), 'float32'),
      tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.transpose(x, [1, 0]), tf.range(0, 12).reshape([4, 3]))),
      )(tf.ones([3, 4])),
    ];
    const before = tf.memory().numTensors;
    const expected = await valuesOn('cpu', run);
    const actual = await valuesOn('wasm', run);
    expect(actual.map((a) => Array.from(a))).toEqual(expected.map((a) => Array.from(a)));
    expect(tf.memory().numTensors).toBe(before);
  });
}
