/**
 * Position-wise feed-forward network (paper 3.3): FFN(x) = max(0, x W_1 + b_1) W_2 + b_2,
 * the same two linear maps at every position.
 */
import type * as tf from '@tensorflow/tfjs';
import { tidy } from './context';
import { linear } from './linear';
import type { ParameterStore } from './params';

export class FeedForward {
  private readonly w1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;

  /** Parameters `<name>.w_1` [d_model, d_ff], `<name>.b_1`, `<name>.w_2` [d_ff, d_model], `<name>.b_2`. */
  constructor(params: ParameterStore, name: string, dModel: number, dFF: number) {
    this.w1 = params.xavier(`${name}.w_1`, dModel, dFF);
    this.b1 = params.zeros(`${name}.b_1`, [dFF]);
    this.w2 = params.xavier(`${name}.w_2`, dFF, dModel);
    this.b2 = params.zeros(`${name}.b_2`, [dModel]);
  }

  /** @param x [rows, d_model] @returns [rows, d_model] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tidy(() => {
      const hidden = linear(x, this.w1 as tf.Tensor2D, this.b1 as tf.Tensor1D, 'relu'); // [rows, d_ff]
      return linear(hidden, this.w2 as tf.Tensor2D, this.b2 as tf.Tensor1D); // [rows, d_model]
    });
  }
}
