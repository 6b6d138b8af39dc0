/**
 * Transpose on the studio kernels, tfjs's single-threaded wasm build, against the tfjs cpu
 * backend. The threaded build is in threaded.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStudioKernels, unregisterStudioKernels } from './register';
import { collapsePermutation } from './transpose';
import { transposeTests } from './transposeCases';

describe('collapsePermutation', () => {
  it('drops size-1 axes and merges axes that stay adjacent', () => {
    // [B, T, h, d] -> [B, h, T, d]: nothing merges.
    expect(collapsePermutation([2, 3, 4, 5], [0, 2, 1, 3])).toEqual({
      sizes: [2, 4, 3, 5],
      strides: [60, 5, 20, 1],
    });
    // [a, b, c] -> [c, a, b]: a and b stay adjacent.
    expect(collapsePermutation([2, 3, 4], [2, 0, 1])).toEqual({ sizes: [4, 6], strides: [1, 4] });
    expect(collapsePermutation([1, 5, 1], [2, 1, 0])).toEqual({ sizes: [5], strides: [1] });
  });
});

describe('Transpose, single-threaded tfjs build', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect((await registerStudioKernels()).kernels).toContain('Transpose');
  });
  afterAll(async () => {
    await unregisterStudioKernels();
  });
  transposeTests(3000);
});
