/**
 * The fused kernels (LayerNorm, label-smoothed cross-entropy, Adam) on tfjs's single-threaded
 * wasm build, both SIMD binaries, against the same code on the tfjs cpu backend
 * (fusedCases.ts states the tolerances). The threaded build is in threaded.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYER_NORM_KERNEL, layerNorm } from '../../model/layerNorm';
import { labelSmoothedLoss } from '../../training/loss';
import { adamTests, crossEntropyTests, layerNormTests } from './fusedCases';
import { registerStudioKernels, unregisterStudioKernels } from './register';

for (const simd of ['auto', 'simd'] as const) {
  describe(`fused kernels, single-threaded tfjs build, simd=${simd}`, () => {
    beforeAll(async () => {
      await tf.setBackend('wasm');
      await tf.ready();
      const status = await registerStudioKernels({ simd });
      expect(status).toMatchObject({ active: true, threads: 1 });
      expect(status.kernels).toEqual(
        expect.arrayContaining(['LayerNorm', 'Cross-entropy', 'Adam']),
      );
    });
    afterAll(async () => {
      await unregisterStudioKernels();
    });
    layerNormTests(2000);
    crossEntropyTests(3000);
    adamTests(4000);

    it('leak no tensors', () => {
      const x = tf.randomUniform([5, 33]) as tf.Tensor2D;
      const gamma = tf.ones([33]) as tf.Tensor1D;
      const beta = tf.zeros([33]) as tf.Tensor1D;
      const projection = tf.randomUniform([40, 33]) as tf.Tensor2D;
      const targets = Int32Array.of(1, 2, 3, 39, 0);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, p: tf.Tensor) =>
          labelSmoothedLoss(
            layerNorm(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
            p as tf.Tensor2D,
            targets,
          ),
        )([x, gamma, beta, projection]);
        tf.dispose(grads);
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, gamma, beta, projection]);
    });
  });
}

describe('the fused kernels after unregistering', () => {
  it('are gone, so the model and trainer run their tfjs formulas again', async () => {
    await tf.setBackend('wasm');
    await registerStudioKernels();
    expect(tf.getKernel(LAYER_NORM_KERNEL, 'wasm')).toBeDefined();
    await unregisterStudioKernels();
    expect(tf.getKernel(LAYER_NORM_KERNEL, 'wasm')).toBeUndefined();
  });
});
