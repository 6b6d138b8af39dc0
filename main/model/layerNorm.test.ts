import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerNorm } from './layerNorm';
import { linear, matMul } from './linear';
import { useTestBackend } from '../testing/tfBackend';
import { maxAbsDiff } from './testUtil';

beforeAll(useTestBackend);

describe('hand-written gradients', () => {
  it('layerNorm matches the automatic gradient of the textbook formula', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([5, 8], 0, 2, 'float32', 1) as tf.Tensor2D;
      const g = tf.randomNormal([8], 1, 0.1, 'float32', 2) as tf.Tensor1D;
      const b = tf.randomNormal([8], 0, 0.1, 'float32', 3) as tf.Tensor1D;
      const w = tf.randomNormal([5, 8], 0, 1, 'float32', 4);
      const reference = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const { mean, variance } = tf.moments(xx, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, 1e-5))), gg), bb);
      };
      const ours = tf.grads((xx, gg, bb) =>
        tf.sum(tf.mul(layerNorm(xx as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D), w)),
      );
      const theirs = tf.grads((xx, gg, bb) => tf.sum(tf.mul(reference(xx, gg, bb), w)));
      const a = ours([x, g, b]);
      const r = theirs([x, g, b]);
      a.forEach((t, i) =>
        expect(maxAbsDiff(t.dataSync(), (r[i] as tf.Tensor).dataSync())).toBeLessThan(1e-4),
      );
      expect(maxAbsDiff(layerNorm(x, g, b).dataSync(), reference(x, g, b).dataSync())).toBeLessThan(
        1e-5,
      );
    });
  });

  it('matMul and linear match tf.matMul gradients (explicit transposes, no flags)', () => {
    tf.tidy(() => {
      const a = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 1);
      const b = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 2);
      const ours = tf.grads((x, y) => tf.sum(tf.square(matMul(x, y))))([a, b]);
      const ref = tf.grads((x, y) => tf.sum(tf.square(tf.matMul(x, y))))([a, b]);
      ours.forEach((t, i) =>
        expect(maxAbsDiff(t.dataSync(), (ref[i] as tf.Tensor).dataSync())).toBeLessThan(1e-3),
      );
      const x = tf.randomNormal([7, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
      const w = tf.randomNormal([4, 3], 0, 1, 'float32', 4) as tf.Tensor2D;
      const bias = tf.randomNormal([3], 0, 1, 'float32', 5) as tf.Tensor1D;
      const ol = tf.grads((p, q, r) =>
        tf.sum(tf.square(linear(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D, 'relu'))),
      )([x, w, bias]);
      const rl = tf.grads((p, q, r) => tf.sum(tf.square(tf.relu(tf.add(tf.matMul(p, q), r)))))([
        x,
        w,
        bias,
      ]);
      ol.forEach((t, i) =>
        expect(maxAbsDiff(t.dataSync(), (rl[i] as tf.Tensor).dataSync())).toBeLessThan(1e-4),
      );
    });
  });
});
