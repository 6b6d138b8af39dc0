/**
 * Test helpers for the studio kernels: deterministic inputs, running the same computation on
 * the tfjs cpu backend (the reference) and on wasm, and an error bound that scales with the
 * size of the sums involved.
 */
import * as tf from '@tensorflow/tfjs';

/** Uniform values in [-1, 1) from a fixed LCG (same inputs on every run and backend). */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Runs `fn` with `backend` active, returning the values of its result tensors. */
export async function valuesOn(
  backend: 'cpu' | 'wasm',
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const results = tf.tidy(fn);
    const list = Array.isArray(results) ? results : [results];
    const values = await Promise.all(list.map(async (t) => (await t.data()) as Float32Array));
    tf.dispose(list);
    return values;
  } finally {
    await tf.setBackend(previous);
  }
}

/**
 * The largest violation of |actual - expected| <= rtol * scale + atol, as a multiple of the
 * allowed error (<= 1 passes). `scale[i]` is the magnitude the rounding error grows with
 * (for a product: sum over k of |a_ik b_kj|).
 */
export function errorRatio(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  scale: ArrayLike<number>,
  rtol: number,
  atol: number,
): number {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} != expected ${expected.length}`);
  }
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const allowed = rtol * Math.abs(scale[i] as number) + atol;
    const ratio = Number.isNaN(a) !== Number.isNaN(e) ? Infinity : Math.abs(a - e) / allowed;
    if (ratio > worst || Number.isNaN(ratio)) worst = Number.isNaN(ratio) ? 0 : ratio;
  }
  return worst;
}
