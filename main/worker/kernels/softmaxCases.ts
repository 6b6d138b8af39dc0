/**
 * Softmax, its gradient and Exp test cases, shared by the single-threaded and threaded test
 * files, checked against the tfjs cpu backend.
 *
 * Tolerances: softmax |ours - cpu| <= 1e-6 * |cpu| + 1e-7 (e^x to ~2 ulp, then one division;
 * cpu rounds Math.exp's double to float32); gradient <= 1e-5 * max|dx| + 1e-7 (a row sum of
 * products in a different order); exp <= 1e-6 relative, where e^x < 2^-125 (denormal) may be 0.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { errorRatio, randomValues, valuesOn } from './kernelTestUtil';

export const SOFTMAX_SHAPES: number[][] = [
  [1],
  [3],
  [7, 1],
  [7, 33],
  [2, 3, 257],
  [33, 7, 28],
  [70, 1000],
];

/** Values with spread (x 8) and, in every row of 3 or more, one masked -1e9 entry. */
function logitsFor(shape: number[], seed: number): Float32Array {
  const values = randomValues(
    shape.reduce((p, d) => p * d, 1),
    seed,
  ).map((v) => 8 * v);
  const cols = shape[shape.length - 1]!;
  if (cols >= 3) for (let i = 1; i < values.length; i += cols) values[i] = -1e9;
  return values;
}

export function softmaxTests(seed: number): void {
  SOFTMAX_SHAPES.forEach((shape, i) => {
    it(`softmax [${shape}]`, async () => {
      const x = logitsFor(shape, seed + i);
      const run = () => tf.softmax(tf.tensor(x, shape));
      const [expected] = await valuesOn('cpu', run);
      const [actual] = await valuesOn('wasm', run);
      expect(errorRatio(actual!, expected!, expected!, 1e-6, 1e-7)).toBeLessThanOrEqual(1);
      // masked entries come out exactly 0, as the attention masks rely on
      if (shape[shape.length - 1]! >= 3) expect(actual![1]).toBe(0);
    });

    it(`softmax gradient [${shape}]`, async () => {
      const x = logitsFor(shape, seed + 100 + i);
      const w = randomValues(x.length, seed + 200 + i);
      const run = () =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.softmax(t), tf.tensor(w, shape))))(
          tf.tensor(x, shape),
        );
      const [expected] = await valuesOn('cpu', run);
      const [actual] = await valuesOn('wasm', run);
      const scale = new Float32Array(expected!.length).fill(
        expected!.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
      );
      expect(errorRatio(actual!, expected!, scale, 1e-5, 1e-7)).toBeLessThanOrEqual(1);
    });
  });

  it('exp, including the ends of the float range', async () => {
    const special = [0, 1, -1, 88.5, 88.72, 89, 100, -80, -86, -87, -100, -Infinity, Infinity, NaN];
    const x = Float32Array.from([
      ...special,
      ...randomValues(70_001, seed + 300).map((v) => 20 * v),
    ]);
    const run = () => tf.exp(tf.tensor(x));
    const [expected] = await valuesOn('cpu', run);
    const [actual] = await valuesOn('wasm', run);
    // Below -86.6 the kernel gives 0 where cpu gives a denormal (< 2.4e-38): atol covers it.
    expect(errorRatio(actual!, expected!, expected!, 1e-6, 3e-38)).toBeLessThanOrEqual(1);
    expect(Number.isNaN(actual![special.findIndex(Number.isNaN)]!)).toBe(true);
    expect(actual![special.indexOf(Infinity)]).toBe(Infinity);
    expect(actual![special.indexOf(89)]).toBe(Infinity);
    expect(actual![special.indexOf(-Infinity)]).toBe(0);
  });

  it('softmax, its gradient and exp leak no tensors', () => {
    const x = tf.randomUniform([5, 33]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.softmax(t), tf.exp(t))))(x));
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
}
