/**
 * BatchMatMul on the studio kernels, tfjs's single-threaded wasm build (non-shared memory,
 * one kernel thread), both SIMD binaries, against the tfjs cpu backend. The threaded build is
 * in matMul.threaded.test.ts (a wasm backend initializes once per process).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchCases,
  checkMixedBroadcast,
  flagCases,
  gradientTests,
  productTests,
  SIZES,
} from './matMulCases';
import { batchOffsets, partitionGemm } from './matMul';
import { registerStudioKernels, unregisterStudioKernels } from './register';

describe('partitionGemm', () => {
  it('keeps small products on one thread', () => {
    expect(partitionGemm(1, 7, 7, 7, 2, 4, 8)).toEqual([
      { b0: 0, b1: 1, m0: 0, m1: 7, n0: 0, n1: 7 },
    ]);
  });
  it('splits rows in multiples of MR when taller than wide', () => {
    const tasks = partitionGemm(1, 4096, 1024, 256, 2, 4, 8);
    expect(tasks.map((t) => [t.m0, t.m1])).toEqual([
      [0, 2048],
      [2048, 4096],
    ]);
    expect(partitionGemm(1, 257, 33, 257, 2, 4, 8).map((t) => [t.m0, t.m1])).toEqual([
      [0, 128],
      [128, 257],
    ]);
  });
  it('splits columns when wider than tall, and batches when there are enough', () => {
    expect(partitionGemm(1, 33, 257, 257, 2, 4, 8).map((t) => [t.n0, t.n1])).toEqual([
      [0, 128],
      [128, 257],
    ]);
    expect(partitionGemm(585, 28, 28, 64, 2, 4, 8).map((t) => [t.b0, t.b1])).toEqual([
      [0, 292],
      [292, 585],
    ]);
  });
});

describe('batchOffsets', () => {
  it('broadcasts numpy-style', () => {
    // A [2,1] batches of 10 floats, B [1,3] batches of 100 floats -> out [2,3].
    expect(Array.from(batchOffsets([2, 1], [1, 3], [2, 3], 10, 100))).toEqual([
      0, 0, 0, 100, 0, 200, 10, 0, 10, 100, 10, 200,
    ]);
    expect(Array.from(batchOffsets([], [4], [4], 10, 100))).toEqual([0, 0, 0, 100, 0, 200, 0, 300]);
  });
});

for (const simd of ['auto', 'simd'] as const) {
  describe(`BatchMatMul, single-threaded tfjs build, simd=${simd}`, () => {
    beforeAll(async () => {
      await tf.setBackend('wasm');
      await tf.ready();
      const status = await registerStudioKernels({ simd });
      expect(status).toMatchObject({ active: true, threads: 1 });
      if (simd === 'simd') expect(status.simd).toBe('simd');
    });
    afterAll(async () => {
      await unregisterStudioKernels();
    });

    productTests(flagCases(SIZES), 100);
    // The plain-SIMD binary differs only in its multiply-add: its products above suffice.
    if (simd === 'simd') return;
    productTests(batchCases(), 200);
    gradientTests(
      [
        { aShape: [33, 7], bShape: [7, 3], transposeA: false, transposeB: false },
        { aShape: [7, 33], bShape: [3, 7], transposeA: true, transposeB: true },
        // (tfjs-core's BatchMatMul gradient does not reduce broadcast batches: equal ones here)
        { aShape: [2, 3, 7, 5], bShape: [2, 3, 4, 5], transposeA: false, transposeB: true },
        { aShape: [3, 5, 7], bShape: [3, 4, 5], transposeA: true, transposeB: true },
      ],
      300,
    );

    it('broadcasts [2,1,m,k] x [1,3,k,n] numpy-style', async () => {
      expect(await checkMixedBroadcast(400)).toBeLessThanOrEqual(1);
    });

    it('handles empty products and k = 0', async () => {
      const [zeroK, empty] = tf.tidy(() => [
        tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])),
        tf.matMul(tf.zeros([0, 5]), tf.ones([5, 4])),
      ]);
      expect(zeroK!.shape).toEqual([3, 4]);
      expect(Array.from(await zeroK!.data())).toEqual(new Array(12).fill(0));
      expect(empty!.shape).toEqual([0, 4]);
      tf.dispose([zeroK!, empty!]);
    });

    it('leaks no tensors', () => {
      const a = tf.randomUniform([2, 7, 33]);
      const b = tf.randomUniform([2, 33, 5]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        tf.dispose(tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]));
        tf.matMul(a, b).dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, b]);
    });
  });
}

describe('registration', () => {
  it('restores the stock kernel on unregister, and says why it is inactive elsewhere', async () => {
    await tf.setBackend('wasm');
    const stock = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    const status = await registerStudioKernels();
    expect(status.active).toBe(true);
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).not.toBe(stock);
    await unregisterStudioKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(stock);

    await tf.setBackend('cpu');
    const onCpu = await registerStudioKernels();
    expect(onCpu.active).toBe(false);
    expect(onCpu.reason).toMatch(/cpu, not wasm/);
    await tf.setBackend('wasm');
  });

  it('leaves excluded kernels stock', async () => {
    await tf.setBackend('wasm');
    const stock = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    const status = await registerStudioKernels({ exclude: ['BatchMatMul', 'Softmax gradient'] });
    expect(status.kernels).not.toContain('BatchMatMul');
    expect(status.kernels).not.toContain('Softmax gradient');
    expect(status.kernels).toContain('Softmax');
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(stock);
    await unregisterStudioKernels();
  });

  it('reports a missing binary folder instead of failing', async () => {
    await tf.setBackend('wasm');
    const status = await registerStudioKernels({ wasmDir: '/nonexistent' });
    expect(status.active).toBe(false);
    expect(status.reason).toMatch(/not found/);
    await unregisterStudioKernels();
  });
});
