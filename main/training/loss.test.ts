import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../testing/tfBackend';
import { maxAbsDiff } from '../model/testUtil';
import { labelSmoothedLoss, lossSums } from './loss';

beforeAll(useTestBackend);

/** The textbook version: full logits, log-softmax, smoothed one-hot targets. */
function reference(h: tf.Tensor2D, w: tf.Tensor2D, targets: Int32Array, eps: number): tf.Scalar {
  const v = w.shape[0];
  const logp = tf.logSoftmax(tf.matMul(h, w, false, true));
  const q = tf.add(
    tf.mul(tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), v), 'float32'), 1 - eps),
    eps / v,
  );
  return tf.mean(tf.neg(tf.sum(tf.mul(q, logp), 1)));
}

describe('labelSmoothedLoss', () => {
  it('equals the unchunked loss, and so do its gradients, for any chunk size', () => {
    tf.tidy(() => {
      const h = tf.randomNormal([10, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([9, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
      const targets = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 0, 3]);
      const ref = tf.grads((a, b) => reference(a as tf.Tensor2D, b as tf.Tensor2D, targets, 0.1))([
        h,
        w,
      ]);
      const refLoss = reference(h, w, targets, 0.1).dataSync()[0] as number;
      for (const chunkRows of [3, 4, 10, 64]) {
        const loss = labelSmoothedLoss(h, w, targets, { smoothing: 0.1, chunkRows });
        expect(loss.dataSync()[0]).toBeCloseTo(refLoss, 5);
        const g = tf.grads((a, b) =>
          tf.mul(labelSmoothedLoss(a as tf.Tensor2D, b as tf.Tensor2D, targets, { chunkRows }), 2),
        )([h, w]);
        g.forEach((t, i) =>
          expect(maxAbsDiff(t.dataSync(), tf.mul(ref[i] as tf.Tensor, 2).dataSync())).toBeLessThan(
            1e-5,
          ),
        );
      }
      const sums = lossSums(h, w, targets, { smoothing: 0.1, chunkRows: 4 });
      expect(sums.smoothed / 10).toBeCloseTo(refLoss, 5);
      expect(sums.nll / 10).toBeCloseTo(reference(h, w, targets, 0).dataSync()[0] as number, 5);
    });
  });

  it('is log(V) for uniform logits without smoothing', () => {
    tf.tidy(() => {
      const loss = labelSmoothedLoss(
        tf.zeros([3, 4]),
        tf.zeros([50, 4]),
        Int32Array.from([1, 2, 3]),
        { smoothing: 0 },
      );
      expect(loss.dataSync()[0]).toBeCloseTo(Math.log(50), 5);
    });
  });
});
