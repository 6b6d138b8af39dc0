/**
 * Matrix products for every linear map of the model (paper 3.2.2 projections, 3.3 FFN,
 * 3.4 pre-softmax), with gradients that never pass transposeA/transposeB to BatchMatMul:
 * on the wasm backend those flags take a path ~15x slower than a plain product, and the
 * stock gradient of tf.matMul uses them. An explicit tf.transpose is cheap by comparison.
 */
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes (explicit copy; wasm's transpose kernel is fast). */
export function swapLastAxes<T extends tf.Tensor>(x: T): T {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

type Save = (tensors: tf.Tensor[]) => void;

const matMulExplicit = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, Save];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [tf.matMul(dy, swapLastAxes(sb)), tf.matMul(swapLastAxes(sa), dy)];
    },
  };
});

/**
 * a @ b for rank-2 or equal-batch rank-3/4 tensors, whose gradient is computed with
 * explicit transposes: dA = dY @ B^T, dB = A^T @ dY.
 * @param a [..., m, k]
 * @param b [..., k, n]
 * @returns [..., m, n]
 */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return matMulExplicit(a, b) as T;
}

function makeLinear(relu: boolean) {
  return tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, Save];
    const z = tf.add(tf.matMul(x, w), b); // [rows, out]
    const y = relu ? tf.relu(z) : z;
    save(relu ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        // ReLU passes the gradient where its output was positive.
        const g = sy === undefined ? dy : tf.mul(dy, tf.step(sy)); // [rows, out]
        return [
          tf.matMul(g, tf.transpose(sw)), // [rows, in]
          tf.matMul(tf.transpose(sx), g), // [in, out]
          tf.sum(g, 0), // [out]
        ];
      },
    };
  });
}

const linearPlain = makeLinear(false);
const linearRelu = makeLinear(true);

/**
 * y = x W + b, optionally followed by ReLU, on rows of a 2-D activation.
 * @param x [rows, in]
 * @param w [in, out]
 * @param b [out]
 * @param activation 'linear' (default) or 'relu'
 * @returns [rows, out]
 */
export function linear(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: 'linear' | 'relu' = 'linear',
): tf.Tensor2D {
  return (activation === 'relu' ? linearRelu(x, w, b) : linearPlain(x, w, b)) as tf.Tensor2D;
}
