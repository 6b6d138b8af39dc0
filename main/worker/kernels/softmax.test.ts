/**
 * Softmax, its fused gradient and Exp on the studio kernels, tfjs's single-threaded wasm
 * build, both SIMD binaries, against the tfjs cpu backend (softmaxCases.ts states the
 * tolerances). The threaded build is in threaded.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStudioKernels, unregisterStudioKernels } from './register';
import { SOFTMAX_GRAD, splitRange } from './softmax';
import { softmaxTests } from './softmaxCases';

describe('splitRange', () => {
  it('splits evenly, never below the minimum share', () => {
    expect(splitRange(10, 2, 1)).toEqual([
      [0, 5],
      [5, 10],
    ]);
    expect(splitRange(10, 2, 8)).toEqual([[0, 10]]);
    expect(splitRange(0, 2, 1)).toEqual([[0, 0]]);
  });
});

for (const simd of ['auto', 'simd'] as const) {
  describe(`Softmax and Exp, single-threaded tfjs build, simd=${simd}`, () => {
    beforeAll(async () => {
      await tf.setBackend('wasm');
      await tf.ready();
      const status = await registerStudioKernels({ simd });
      expect(status).toMatchObject({ active: true, threads: 1 });
      expect(status.kernels).toEqual(expect.arrayContaining(['Softmax', 'Exp']));
    });
    afterAll(async () => {
      await unregisterStudioKernels();
    });
    softmaxTests(1000);
  });
}

describe('the Softmax gradient registration', () => {
  it("is tfjs-core's again after unregistering", async () => {
    await tf.setBackend('wasm');
    const stock = tf.getGradient('Softmax');
    await registerStudioKernels();
    expect(tf.getGradient('Softmax')).not.toBe(stock);
    expect(tf.getKernel(SOFTMAX_GRAD, 'wasm')).toBeDefined();
    await unregisterStudioKernels();
    expect(tf.getGradient('Softmax')).toBe(stock);
    expect(tf.getKernel(SOFTMAX_GRAD, 'wasm')).toBeUndefined();
  });
});
