import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attendTransposed, MultiHeadAttention, scaledDotProductAttention } from './attention';
import { ForwardContext } from './context';
import { causalMask, MASKED_SCORE, paddingMask } from './masks';
import { swapLastAxes } from './linear';
import { ParameterStore } from './params';
import { sinusoidalEncoding } from './positional';
import { useTestBackend } from '../testing/tfBackend';
import { maxAbsDiff } from './testUtil';

beforeAll(useTestBackend);

// Issue 3's example: THE, CAT, SAT as Q = K = V.
const THE_CAT_SAT = [
  [1, 0, 1, 0],
  [0, 1, 0, 1],
  [1, 1, 1, 1],
];

describe('scaledDotProductAttention', () => {
  it('matches the hand-computed THE/CAT/SAT example', () => {
    const x = tf.tensor2d(THE_CAT_SAT);
    // Raw scores QK^T = [[2,0,2],[0,2,2],[2,2,4]]; divided by sqrt(d_k) = 2.
    const raw = [
      [2, 0, 2],
      [0, 2, 2],
      [2, 2, 4],
    ];
    const expectedWeights = raw.map((row) => {
      const e = row.map((s) => Math.exp(s / 2));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    });
    // Row 0: [e, 1, e] / (2e + 1) = [0.4223, 0.1554, 0.4223].
    expect(expectedWeights[0]?.[0]).toBeCloseTo(Math.E / (2 * Math.E + 1), 6);
    expect(expectedWeights[0]?.[0]).toBeCloseTo(0.4223, 4);
    const expectedOutput = expectedWeights.map((w) =>
      [0, 1, 2, 3].map((j) => w.reduce((acc, wi, i) => acc + wi * (THE_CAT_SAT[i]?.[j] ?? 0), 0)),
    );
    const { output, weights } = scaledDotProductAttention(x, x, x);
    expect(maxAbsDiff(weights.dataSync(), expectedWeights.flat())).toBeLessThan(1e-6);
    expect(maxAbsDiff(output.dataSync(), expectedOutput.flat())).toBeLessThan(1e-6);
    // Each weight row sums to one.
    expect(maxAbsDiff(tf.sum(weights, -1).dataSync(), [1, 1, 1])).toBeLessThan(1e-6);
    tf.dispose([x, output, weights]);
  });

  it('gives a future position zero weight under the causal mask', () => {
    const x = tf.tensor3d([THE_CAT_SAT]);
    const mask = tf.reshape(causalMask(3), [1, 3, 3]);
    const { weights } = scaledDotProductAttention(x, x, x, mask);
    const w = weights.arraySync() as number[][][];
    expect(w[0]?.[0]).toEqual([1, 0, 0]);
    expect(w[0]?.[1]?.[2]).toBe(0);
    tf.dispose([x, mask, weights]);
  });

  it('gives a padded position zero weight and leaves real positions unchanged when padding is appended', () => {
    const params = new ParameterStore(3);
    const mha = new MultiHeadAttention(params, 'attn', 8, 2, 0);
    const ctx = new ForwardContext();
    const ids = tf.tensor2d([[5, 6, 7]], [1, 3], 'int32');
    const idsPadded = tf.tensor2d([[5, 6, 7, 0, 0]], [1, 5], 'int32');
    const rows = tf.randomNormal([3, 8], 0, 1, 'float32', 11) as tf.Tensor2D;
    const rowsPadded = tf.concat([
      rows,
      tf.randomNormal([2, 8], 0, 1, 'float32', 12),
    ]) as tf.Tensor2D;
    const a = mha.apply(rows, rows, 1, 3, 3, paddingMask(ids), ctx);
    const b = mha.apply(rowsPadded, rowsPadded, 1, 5, 5, paddingMask(idsPadded), ctx);
    const w = b.weights.arraySync() as number[][][][];
    for (const head of w[0] ?? []) for (const row of head) expect([row[3], row[4]]).toEqual([0, 0]);
    const realOut = tf.slice(b.output, [0, 0], [3, 8]);
    expect(maxAbsDiff(a.output.dataSync(), realOut.dataSync())).toBeLessThan(1e-5);
    expect(MASKED_SCORE).toBeLessThan(-1e8);
    params.dispose();
    tf.dispose([
      ids,
      idsPadded,
      rows,
      rowsPadded,
      a.output,
      a.weights,
      b.output,
      b.weights,
      realOut,
    ]);
  });
});

describe('attendTransposed (the fast path)', () => {
  it('is equation 1 with the keys laid out transposed: same output and weights on [batch, heads, T, d_k]', () => {
    tf.tidy(() => {
      const q = tf.randomNormal([2, 3, 4, 8], 0, 1, 'float32', 31); // [batch, heads, Tq, d_k]
      const k = tf.randomNormal([2, 3, 5, 8], 0, 1, 'float32', 32); // [batch, heads, Tk, d_k]
      const v = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 33); // [batch, heads, Tk, d_v]
      const ids = tf.tensor2d(
        [
          [5, 6, 7, 0, 0],
          [5, 6, 7, 8, 9],
        ],
        [2, 5],
        'int32',
      );
      const mask = paddingMask(ids); // [batch, 1, 1, Tk]
      const plain = scaledDotProductAttention(q, k, v, mask);
      const fast = attendTransposed(q, swapLastAxes(k), v, mask);
      expect(fast.output.shape).toEqual([2, 3, 4, 6]);
      expect(fast.weights.shape).toEqual([2, 3, 4, 5]);
      expect(maxAbsDiff(fast.weights.dataSync(), plain.weights.dataSync())).toBeLessThan(1e-6);
      expect(maxAbsDiff(fast.output.dataSync(), plain.output.dataSync())).toBeLessThan(1e-5);
      // The padded keys of row 0 get exactly zero weight on both paths.
      const w = fast.weights.arraySync() as number[][][][];
      for (const head of w[0] ?? [])
        for (const row of head) expect([row[3], row[4]]).toEqual([0, 0]);
    });
  });

  it('leaves no intermediate tensor behind, nor does equation 1', () => {
    const q = tf.randomNormal([1, 2, 3, 4], 0, 1, 'float32', 41);
    const kT = tf.randomNormal([1, 2, 4, 3], 0, 1, 'float32', 42);
    const before = tf.memory().numTensors;
    const fast = attendTransposed(q, kT, q);
    const plain = scaledDotProductAttention(q, swapLastAxes(kT), q);
    expect(tf.memory().numTensors).toBe(before + 4 + 1); // two outputs, two weights, the swapped keys
    tf.dispose([q, kT, fast.output, fast.weights, plain.output, plain.weights]);
  });
});

describe('MultiHeadAttention', () => {
  it('is permutation-equivariant without positional encoding and not with it', () => {
    tf.tidy(() => {
      const params = new ParameterStore(5);
      const mha = new MultiHeadAttention(params, 'attn', 8, 2, 0);
      const ctx = new ForwardContext();
      const x = tf.randomNormal([4, 8], 0, 1, 'float32', 21) as tf.Tensor2D;
      const perm = tf.tensor1d([2, 0, 3, 1], 'int32');
      const run = (rows: tf.Tensor2D) => mha.apply(rows, rows, 1, 4, 4, undefined, ctx).output;
      const permutedOut = run(tf.gather(x, perm));
      const outPermuted = tf.gather(run(x), perm);
      expect(maxAbsDiff(permutedOut.dataSync(), outPermuted.dataSync())).toBeLessThan(1e-5);

      const pe = sinusoidalEncoding(4, 8);
      const withPe = run(tf.add(tf.gather(x, perm), pe));
      const permutedWithPe = tf.gather(run(tf.add(x, pe)), perm);
      expect(maxAbsDiff(withPe.dataSync(), permutedWithPe.dataSync())).toBeGreaterThan(1e-3);
      params.dispose();
    });
  });
});

describe('MultiHeadAttention initialisation', () => {
  it('draws W_Q, W_K, W_V as slices of one [d, 3d] Xavier matrix (as nn.MultiheadAttention), W_O as [d, d]', () => {
    const d = 64;
    const params = new ParameterStore(5);
    new MultiHeadAttention(params, 'attn', d, 4, 0);
    const maxAbs = (name: string) =>
      tf.tidy(() => tf.max(tf.abs(params.get(name))).dataSync()[0] as number);
    const std = (name: string) =>
      tf.tidy(() => tf.moments(params.get(name)).variance.sqrt().dataSync()[0] as number);
    // sqrt(6 / (64 + 192)) = 0.1531 for Q, K, V; sqrt(6 / (64 + 64)) = 0.2165 for O.
    const qkvBound = 0.1531;
    for (const p of ['w_q', 'w_k', 'w_v']) {
      expect(maxAbs(`attn.${p}`)).toBeLessThanOrEqual(qkvBound + 1e-4);
      expect(maxAbs(`attn.${p}`)).toBeGreaterThan(0.98 * qkvBound);
      // A uniform U(-a, a) has standard deviation a / sqrt(3) = 0.0884.
      expect(std(`attn.${p}`)).toBeCloseTo(0.0884, 2);
    }
    const oBound = 0.2165;
    expect(maxAbs('attn.w_o')).toBeLessThanOrEqual(oBound + 1e-4);
    expect(maxAbs('attn.w_o')).toBeGreaterThan(0.98 * oBound);
    params.dispose();
  });
});
