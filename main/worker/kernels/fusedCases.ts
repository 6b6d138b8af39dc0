/**
 * Test cases of the fused kernels (LayerNorm forward and gradient, label-smoothed
 * cross-entropy, Adam), shared by the single-threaded and threaded test files. Each runs the
 * studio's own code path (main/model/layerNorm.ts, main/training/loss.ts, adam.ts) on the tfjs
 * cpu backend, where the formulas run as tfjs ops, and on wasm, where the fused kernels run,
 * and checks the wasm run really went through the kernel.
 *
 * Tolerances (float32, sums in a different order): LayerNorm output and dx within
 * 2e-5 x max|value| + 1e-6, the parameter gradients (column sums) within 1e-5 x sum|terms|;
 * the loss within 2e-6 relative, its gradients within 1e-5 x max|gradient|; Adam's
 * parameters and moments within 1e-6 x max|value| + 1e-9 after three steps.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { layerNorm } from '../../model/layerNorm';
import { Adam } from '../../training/adam';
import { labelSmoothedLoss, lossSums } from '../../training/loss';
import { errorRatio, randomValues, valuesOn } from './kernelTestUtil';
import { studioKernelStats } from './register';

const maxAbs = (v: ArrayLike<number>): number =>
  Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const filled = (n: number, v: number): Float32Array => new Float32Array(n).fill(v);
const calls = (fn: string): number => studioKernelStats()[fn]?.calls ?? 0;

/** [rows, d]: awkward sizes, a d below one vector and a d with a scalar tail. */
export const LAYER_NORM_SHAPES: [number, number][] = [
  [1, 1],
  [3, 7],
  [7, 33],
  [33, 257],
  [257, 3],
  [600, 64],
  // enough rows for two kernel threads
  [1200, 64],
];

/** [rows, d, vocab]. */
export const LOSS_SHAPES: [number, number, number][] = [
  [1, 3, 7],
  [3, 7, 33],
  [33, 16, 257],
  [70, 8, 1000],
  // chunks of 134 rows: enough for two kernel threads
  [400, 8, 1000],
];

function layerNormRun(rows: number, d: number, seed: number): () => tf.Tensor[] {
  // Row means up to 30 with a spread of 3, where a one-pass variance would lose two digits.
  const x = randomValues(rows * d, seed).map((v, i) => 3 * v + 10 * (Math.floor(i / d) % 4));
  const gamma = randomValues(d, seed + 1).map((v) => 1 + 0.5 * v);
  const beta = randomValues(d, seed + 2);
  const w = randomValues(rows * d, seed + 3);
  return () => {
    const g = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(
        tf.mul(
          layerNorm(xx as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D),
          tf.tensor(w, [rows, d]),
        ),
      ),
    );
    const xt = tf.tensor2d(x, [rows, d]);
    const gt = tf.tensor1d(gamma);
    const bt = tf.tensor1d(beta);
    return [layerNorm(xt, gt, bt), ...g([xt, gt, bt])];
  };
}

export function layerNormTests(seed: number): void {
  LAYER_NORM_SHAPES.forEach(([rows, d], i) => {
    it(`LayerNorm and its gradients [${rows}, ${d}]`, async () => {
      const run = layerNormRun(rows, d, seed + 10 * i);
      const expected = await valuesOn('cpu', run);
      const before = [calls('studio_layer_norm'), calls('studio_layer_norm_grad')];
      const actual = await valuesOn('wasm', run);
      expect(calls('studio_layer_norm')).toBeGreaterThan(before[0] as number);
      expect(calls('studio_layer_norm_grad')).toBeGreaterThan(before[1] as number);
      const [y, dx, dGamma, dBeta] = actual as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      const [ey, edx, edGamma, edBeta] = expected as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      expect(errorRatio(y, ey, filled(y.length, maxAbs(ey)), 2e-5, 1e-6)).toBeLessThanOrEqual(1);
      expect(errorRatio(dx, edx, filled(dx.length, maxAbs(edx)), 2e-5, 1e-6)).toBeLessThanOrEqual(
        1,
      );
      // Column sums over `rows` terms of size ~|w|: the bound grows with the rows.
      expect(errorRatio(dGamma, edGamma, filled(d, rows), 1e-5, 1e-6)).toBeLessThanOrEqual(1);
      expect(errorRatio(dBeta, edBeta, filled(d, rows), 1e-5, 1e-6)).toBeLessThanOrEqual(1);
    });
  });

  it('LayerNorm: the fused input gradient agrees with finite differences', async () => {
    const [rows, d] = [3, 7];
    const x = randomValues(rows * d, seed + 500).map((v) => 2 * v);
    const gamma = randomValues(d, seed + 501).map((v) => 1 + 0.5 * v);
    const w = randomValues(rows * d, seed + 502);
    const f = (xs: Float32Array): tf.Scalar =>
      tf.sum(
        tf.mul(
          layerNorm(tf.tensor2d(xs, [rows, d]), tf.tensor1d(gamma), tf.zeros([d])),
          tf.tensor(w, [rows, d]),
        ),
      );
    const [analytic] = await valuesOn('wasm', () =>
      tf.grad((xx: tf.Tensor) =>
        tf.sum(
          tf.mul(
            layerNorm(xx as tf.Tensor2D, tf.tensor1d(gamma), tf.zeros([d])),
            tf.tensor(w, [rows, d]),
          ),
        ),
      )(tf.tensor2d(x, [rows, d])),
    );
    // Central differences in float64 would be exact to O(h^2); in float32 the rounding of f
    // (~1e-6 of |f|) divided by 2h dominates: h = 1e-2 gives ~1e-4 of error, the bound below.
    const h = 1e-2;
    for (const k of [0, 5, 11, 20]) {
      const plus = Float32Array.from(x);
      const minus = Float32Array.from(x);
      plus[k] = (plus[k] as number) + h;
      minus[k] = (minus[k] as number) - h;
      const [fp] = await valuesOn('wasm', () => f(plus));
      const [fm] = await valuesOn('wasm', () => f(minus));
      const numeric =
        (((fp as Float32Array)[0] as number) - ((fm as Float32Array)[0] as number)) / (2 * h);
      expect(Math.abs(numeric - ((analytic as Float32Array)[k] as number))).toBeLessThan(2e-3);
    }
  });
}

function lossRun(rows: number, d: number, vocab: number, seed: number): () => tf.Tensor[] {
  const hidden = randomValues(rows * d, seed).map((v) => 2 * v);
  const projection = randomValues(vocab * d, seed + 1).map((v) => 3 * v);
  const targets = Int32Array.from(randomValues(rows, seed + 2), (v) =>
    Math.min(vocab - 1, Math.floor(((v + 1) / 2) * vocab)),
  );
  return () => {
    const h = tf.tensor2d(hidden, [rows, d]);
    const p = tf.tensor2d(projection, [vocab, d]);
    // Chunks of 2 rows: the loss and its gradients are assembled from several kernel calls.
    const options = { smoothing: 0.1, chunkRows: Math.max(2, Math.ceil(rows / 3)) };
    const { value, grads } = tf.valueAndGrads((hh: tf.Tensor, pp: tf.Tensor) =>
      labelSmoothedLoss(hh as tf.Tensor2D, pp as tf.Tensor2D, targets, options),
    )([h, p]);
    const sums = lossSums(h, p, targets, options);
    return [value, ...grads, tf.tensor1d([sums.smoothed, sums.nll])];
  };
}

export function crossEntropyTests(seed: number): void {
  LOSS_SHAPES.forEach(([rows, d, vocab], i) => {
    it(`label-smoothed cross-entropy and its gradients [${rows}, ${d}] x vocab ${vocab}`, async () => {
      const run = lossRun(rows, d, vocab, seed + 10 * i);
      const expected = await valuesOn('cpu', run);
      const before = calls('studio_smoothed_ce');
      const actual = await valuesOn('wasm', run);
      expect(calls('studio_smoothed_ce')).toBeGreaterThan(before);
      const [loss, dh, dp, sums] = actual as Float32Array[];
      const [eloss, edh, edp, esums] = expected as Float32Array[];
      expect(errorRatio(loss!, eloss!, eloss!, 2e-6, 1e-7)).toBeLessThanOrEqual(1);
      expect(errorRatio(sums!, esums!, esums!, 2e-6, 1e-6)).toBeLessThanOrEqual(1);
      expect(
        errorRatio(dh!, edh!, filled(dh!.length, maxAbs(edh!)), 1e-5, 1e-8),
      ).toBeLessThanOrEqual(1);
      expect(
        errorRatio(dp!, edp!, filled(dp!.length, maxAbs(edp!)), 1e-5, 1e-8),
      ).toBeLessThanOrEqual(1);
    });
  });

  it('cross-entropy refuses a target id outside the vocabulary', async () => {
    await expect(
      valuesOn(
        'wasm',
        () => lossSums(tf.ones([2, 3]), tf.ones([5, 3]), Int32Array.of(1, 5)) && tf.scalar(0),
      ),
    ).rejects.toThrow(/target id 5 is not below 5/);
  });
}

/** With 200,001 elements the update is split between two kernel threads. */
const ADAM_SIZES = [1, 3, 7, 33, 257, 5000, 200_001];

function adamRun(seed: number): () => tf.Tensor[] {
  return () => {
    const vars = ADAM_SIZES.map((n, i) => tf.variable(tf.tensor1d(randomValues(n, seed + i))));
    const named = vars.map((v, i): [string, tf.Variable] => [`p${i}`, v]);
    const adam = new Adam(named, { beta1: 0.9, beta2: 0.98, epsilon: 1e-9 });
    for (let step = 0; step < 3; step++) {
      const grads = new Map(
        ADAM_SIZES.map((n, i): [string, tf.Tensor] => [
          `p${i}`,
          tf.tensor1d(randomValues(n, seed + 100 * (step + 1) + i).map((g) => 4 * g)),
        ]),
      );
      // clipNorm 1 is below the gradients' norm: the scaled path runs.
      adam.apply(grads, 1e-2 * (step + 1), 1);
      tf.dispose([...grads.values()]);
    }
    const state = adam.exportState().filter((t) => t.dtype === 'float32');
    const out = [
      ...vars.map((v) => tf.clone(v)),
      ...state.map((t) => tf.tensor1d(t.data as Float32Array)),
    ];
    tf.dispose(vars);
    return out;
  };
}

export function adamTests(seed: number): void {
  it(`Adam: one call updates parameters of sizes ${ADAM_SIZES.join(', ')} as the op-by-op update`, async () => {
    const expected = await valuesOn('cpu', adamRun(seed));
    const before = calls('studio_adam');
    const actual = await valuesOn('wasm', adamRun(seed));
    expect(calls('studio_adam')).toBe(before + 3);
    expect(actual.length).toBe(expected.length);
    actual.forEach((a, i) => {
      // Relative to the largest value: a moment's update can cancel (b1 m ~ -(1 - b1) g).
      const scale = filled(a.length, maxAbs(expected[i]!));
      expect(errorRatio(a, expected[i]!, scale, 1e-6, 1e-9)).toBeLessThanOrEqual(1);
    });
  });
}
