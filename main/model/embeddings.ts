/**
 * Embeddings (paper 3.4): token vectors multiplied by sqrt(d_model), plus the positional
 * encoding (3.5), with dropout on the sum (5.4). The table may be shared between source,
 * target and the pre-softmax projection.
 */
import * as tf from '@tensorflow/tfjs';
import { tidy, type ForwardContext } from './context';
import type { PositionalEncoding } from './positional';

export class Embeddings {
  private readonly scale: number;

  constructor(
    /** [vocab, d_model] */
    readonly table: tf.Variable,
    private readonly positional: PositionalEncoding,
    private readonly dModel: number,
    private readonly dropoutRate: number,
  ) {
    this.scale = Math.sqrt(dModel);
  }

  /**
   * @param ids [batch, len] int32
   * @param offset position of the first column (incremental decoding), default 0
   * @returns [batch * len, d_model] rows
   */
  apply(ids: tf.Tensor2D, ctx: ForwardContext, offset = 0): tf.Tensor2D {
    return tidy(() => {
      const [batch, len] = ids.shape;
      const tokens = tf.mul(tf.gather(this.table, tf.reshape(ids, [batch * len])), this.scale); // [batch*len, d]
      const pe = this.positional.slice(offset, len); // [len, d]
      const sum = tf.add(tf.reshape(tokens, [batch, len, this.dModel]), pe); // [batch, len, d]
      return ctx.dropout(
        tf.reshape(sum, [batch * len, this.dModel]) as tf.Tensor2D,
        this.dropoutRate,
      ); // [batch*len, d]
    });
  }
}
