/**
 * The BatchMatMul test cases, shared by the single-threaded and the threaded test files:
 * every transpose flag, awkward sizes (1, 3, 7, 33, 257: partial micro-tiles, a K that
 * crosses a depth block, rows that cross a row block), more columns than one column block,
 * batch broadcasting, and gradients. Each is checked against the tfjs cpu backend.
 *
 * Tolerance: |ours - cpu| <= 2e-6 * sum_k |a_ik b_kj| + 1e-6 per element. Both sides round
 * in float32; the bound is a few ulps of the largest partial sums (float32 eps is 1.2e-7,
 * and the blocked summation order differs from cpu's).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { errorRatio, randomValues, valuesOn } from './kernelTestUtil';

export const RTOL = 2e-6;
export const ATOL = 1e-6;

export interface ProductCase {
  aShape: number[];
  bShape: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/** Stored shape of an operand given its logical [rows, cols] and transpose flag. */
function stored(batch: number[], rows: number, cols: number, transpose: boolean): number[] {
  return [...batch, ...(transpose ? [cols, rows] : [rows, cols])];
}

/** m x k x n triples: every awkward size appears in every position. */
export const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 33],
  [3, 1, 7],
  [7, 3, 1],
  [33, 7, 3],
  [3, 33, 257],
  [257, 3, 33],
  [33, 257, 7],
  [7, 257, 257],
  [257, 33, 257],
  [257, 257, 3],
  [5, 3, 2100],
  // 9-32 rows: B read in place when small (k n <= 16384), packed when not
  [20, 30, 40],
  [17, 129, 130],
];

export function flagCases(sizes: [number, number, number][]): ProductCase[] {
  const cases: ProductCase[] = [];
  for (const [m, k, n] of sizes) {
    for (const [transposeA, transposeB] of FLAGS) {
      cases.push({
        aShape: stored([], m, k, transposeA),
        bShape: stored([], k, n, transposeB),
        transposeA,
        transposeB,
      });
    }
  }
  return cases;
}

/** Batch shapes whose broadcast tfjs's cpu kernel gets right. */
export function batchCases(): ProductCase[] {
  const cases: ProductCase[] = [];
  const batches: [number[], number[]][] = [
    [[3], [3]],
    [
      [2, 3],
      [2, 3],
    ],
    [[4], []],
    [[], [4]],
    [[2, 3], [1]],
    [[1], [5]],
    [[2, 3], [3]],
  ];
  for (const [ba, bb] of batches) {
    for (const [transposeA, transposeB] of FLAGS) {
      cases.push({
        aShape: stored(ba, 7, 33, transposeA),
        bShape: stored(bb, 33, 3, transposeB),
        transposeA,
        transposeB,
      });
    }
  }
  return cases;
}

function describeCase(c: ProductCase): string {
  return `[${c.aShape}]${c.transposeA ? 'T' : ''} x [${c.bShape}]${c.transposeB ? 'T' : ''}`;
}

/** Our product on wasm vs cpu's, and cpu's |a| |b| as the error scale. */
export async function checkProduct(c: ProductCase, seed: number): Promise<number> {
  const av = randomValues(
    c.aShape.reduce((p, d) => p * d, 1),
    seed,
  );
  const bv = randomValues(
    c.bShape.reduce((p, d) => p * d, 1),
    seed + 1,
  );
  const product = (abs: boolean) => () => {
    const a = tf.tensor(av, c.aShape);
    const b = tf.tensor(bv, c.bShape);
    return tf.matMul(abs ? tf.abs(a) : a, abs ? tf.abs(b) : b, c.transposeA, c.transposeB);
  };
  const [expected, scale] = [
    (await valuesOn('cpu', product(false)))[0]!,
    (await valuesOn('cpu', product(true)))[0]!,
  ];
  const [actual] = await valuesOn('wasm', product(false));
  return errorRatio(actual!, expected, scale, RTOL, ATOL);
}

/** Gradients of sum(matMul(a, b) * w) on wasm vs cpu. */
export async function checkGradient(c: ProductCase, seed: number): Promise<number> {
  const av = randomValues(
    c.aShape.reduce((p, d) => p * d, 1),
    seed,
  );
  const bv = randomValues(
    c.bShape.reduce((p, d) => p * d, 1),
    seed + 1,
  );
  const grads = () => {
    const a = tf.tensor(av, c.aShape);
    const b = tf.tensor(bv, c.bShape);
    const f = (x: tf.Tensor, y: tf.Tensor) => {
      const p = tf.matMul(x, y, c.transposeA, c.transposeB);
      return tf.sum(tf.mul(p, tf.sin(tf.range(0, p.size).reshape(p.shape))));
    };
    return tf.grads(f)([a, b]);
  };
  const expected = await valuesOn('cpu', grads);
  const actual = await valuesOn('wasm', grads);
  // The gradients are products too, of sizes like the forward one; |scale| ~ k: bound by
  // the largest expected magnitude.
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const scale = new Float32Array(e.length).fill(e.reduce((m, v) => Math.max(m, Math.abs(v)), 1));
    worst = Math.max(worst, errorRatio(actual[i]!, e, scale, 20 * RTOL, ATOL));
  }
  return worst;
}

/** Registers `it` blocks for products and gradients. */
export function productTests(cases: ProductCase[], seed: number): void {
  cases.forEach((c, i) => {
    it(`product ${describeCase(c)}`, async () => {
      expect(await checkProduct(c, seed + 7 * i)).toBeLessThanOrEqual(1);
    });
  });
}

export function gradientTests(cases: ProductCase[], seed: number): void {
  cases.forEach((c, i) => {
    it(`gradient ${describeCase(c)}`, async () => {
      expect(await checkGradient(c, seed + 7 * i)).toBeLessThanOrEqual(1);
    });
  });
}

/**
 * Broadcast [2,1,m,k] x [1,3,k,n] (numpy semantics; tfjs's cpu kernel gets this one wrong),
 * checked against cpu on explicitly tiled operands.
 */
export async function checkMixedBroadcast(seed: number): Promise<number> {
  const av = randomValues(2 * 7 * 5, seed);
  const bv = randomValues(3 * 5 * 4, seed + 1);
  const [expected] = await valuesOn('cpu', () =>
    tf.matMul(
      tf.tile(tf.tensor(av, [2, 1, 7, 5]), [1, 3, 1, 1]),
      tf.tile(tf.tensor(bv, [1, 3, 5, 4]), [2, 1, 1, 1]),
    ),
  );
  const [scale] = await valuesOn('cpu', () =>
    tf.matMul(
      tf.tile(tf.abs(tf.tensor(av, [2, 1, 7, 5])), [1, 3, 1, 1]),
      tf.tile(tf.abs(tf.tensor(bv, [1, 3, 5, 4])), [2, 1, 1, 1]),
    ),
  );
  const [actual] = await valuesOn('wasm', () =>
    tf.matMul(tf.tensor(av, [2, 1, 7, 5]), tf.tensor(bv, [1, 3, 5, 4])),
  );
  return errorRatio(actual!, expected!, scale!, RTOL, ATOL);
}
