/**
 * Sum on the studio kernels, tfjs's single-threaded wasm build, against the tfjs cpu backend
 * (reduceCases.ts states the tolerance). The threaded build is in threaded.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reductionView } from './reduce';
import { sumTests } from './reduceCases';
import { registerStudioKernels, unregisterStudioKernels } from './register';

describe('reductionView', () => {
  it('views contiguous axes as [outer, reduce, inner]', () => {
    expect(reductionView([2, 3, 4, 5], [1, 2])).toEqual({ outer: 2, reduce: 12, inner: 5 });
    expect(reductionView([2, 3, 4, 5], [0, 2])).toBeUndefined();
  });
});

describe('Sum, single-threaded tfjs build', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect((await registerStudioKernels()).kernels).toContain('Sum');
  });
  afterAll(async () => {
    await unregisterStudioKernels();
  });
  sumTests(2000);
});
