/**
 * Attention (paper 3.2): scaled dot-product attention, equation 1 (3.2.1), and multi-head
 * attention with projections W_Q, W_K, W_V, W_O and d_k = d_model / h (3.2.2).
 *
 * Read top to bottom: `scaledDotProductAttention` is equation 1 as written;
 * `attendTransposed` is the same equation as the model runs it (keys laid out transposed,
 * the optimisation explained there); `MultiHeadAttention` projects, splits into heads,
 * attends and merges the heads back through W_O.
 */
import * as tf from '@tensorflow/tfjs';
import { tidy, type ForwardContext } from './context';
import { attentionInputLimit } from './initialisation';
import { matMul } from './linear';
import type { ParameterStore } from './params';

/** What an attention returns: its output and the softmax weights (for the playground's views). */
export type AttentionOutput = {
  /** [batch, heads, Tq, d_v] */
  output: tf.Tensor;
  /** softmax weights before dropout, [batch, heads, Tq, Tk] */
  weights: tf.Tensor;
};

// ---------------------------------------------------------------------------
// Equation 1 as written

/**
 * Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V, with an additive mask on the scores
 * (paper equation 1; masks.ts). The reference that `attendTransposed` is tested against.
 * @param q [batch, heads, Tq, d_k] (any leading axes, e.g. [Tq, d_k])
 * @param k [batch, heads, Tk, d_k]
 * @param v [batch, heads, Tk, d_v]
 * @param mask additive, broadcastable to [batch, heads, Tq, Tk] (0 = keep, MASKED_SCORE = masked); optional
 * @returns output [batch, heads, Tq, d_v] and weights [batch, heads, Tq, Tk]
 */
export function scaledDotProductAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  mask?: tf.Tensor,
): AttentionOutput {
  return tidy(() => {
    const dk = q.shape[q.rank - 1] as number;
    const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dk)); // [batch, heads, Tq, Tk]
    const masked = mask === undefined ? scores : tf.add(scores, mask); // [batch, heads, Tq, Tk]
    const weights = tf.softmax(masked); // [batch, heads, Tq, Tk]
    const output = tf.matMul(weights, v); // [batch, heads, Tq, d_v]
    return { output, weights };
  });
}

// ---------------------------------------------------------------------------
// Equation 1 as the model runs it

/**
 * Equation 1 with the keys already transposed: what every attention of the model runs.
 * It differs from `scaledDotProductAttention` only in how the work is laid out (the
 * results agree to float rounding; attention.test.ts checks it):
 * - K^T is laid out once, when the keys are projected and split into heads
 *   (`MultiHeadAttention.keysValues`, [batch, heads, d_k, Tk]), so Q K^T is a plain product.
 *   `tf.matMul(q, k, false, true)` would pass transposeB to BatchMatMul, a path ~15x slower
 *   on wasm, and so would its gradient (linear.ts's `matMul` differentiates with explicit
 *   transposes). The key/value cache then grows along the last axis, one concat per step.
 * - Q is scaled by 1/sqrt(d_k) before the product rather than the scores after it:
 *   Tq * d_k multiplications instead of Tq * Tk.
 * - When training, dropout on the weights before they weigh V (the Annotated Transformer's;
 *   the paper's 5.4 names only residual and embedding dropout). `weights` is before dropout.
 * @param q [batch, heads, Tq, d_k]
 * @param kT [batch, heads, d_k, Tk]
 * @param v [batch, heads, Tk, d_v]
 * @param mask additive, broadcastable to [batch, heads, Tq, Tk]; optional
 * @param ctx dropout on the weights when training (optional)
 * @param dropoutRate default 0
 * @returns output [batch, heads, Tq, d_v] and weights [batch, heads, Tq, Tk]
 */
export function attendTransposed(
  q: tf.Tensor,
  kT: tf.Tensor,
  v: tf.Tensor,
  mask?: tf.Tensor,
  ctx?: ForwardContext,
  dropoutRate = 0,
): AttentionOutput {
  return tidy(() => {
    const dk = q.shape[q.rank - 1] as number;
    let scores = matMul(tf.mul(q, 1 / Math.sqrt(dk)), kT); // [batch, heads, Tq, Tk]
    if (mask !== undefined) scores = tf.add(scores, mask);
    const weights = tf.softmax(scores); // [batch, heads, Tq, Tk]
    const dropped = ctx === undefined ? weights : ctx.dropout(weights, dropoutRate);
    return { output: matMul(dropped, v), weights }; // output [batch, heads, Tq, d_v]
  });
}

// ---------------------------------------------------------------------------
// 3.2.2 Multi-head attention

/** Keys (transposed) and values of one attention, split into heads. */
export type KeysValues = {
  /** [batch, heads, d_k, keys] */
  kT: tf.Tensor4D;
  /** [batch, heads, keys, d_k] */
  v: tf.Tensor4D;
};

/** Multi-head attention's output, back in rows, and every head's weights. */
export type MultiHeadOutput = {
  /** [batch*Tq, d_model] */
  output: tf.Tensor2D;
  /** [batch, heads, Tq, Tk] */
  weights: tf.Tensor4D;
};

/**
 * MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W_O, head_i = Attention(Q W_Q_i, K W_K_i, V W_V_i).
 * The h per-head projections are the d_k-wide column blocks of one [d_model, d_model] matrix
 * each, so "split into heads" is a reshape. Activations travel as rows [batch*T, d_model].
 *
 * `apply` is the whole formula. The pieces are public because decoding reuses them: the
 * encoder memory's keys and values are projected once per source (`keysValues`), and a
 * decoder step projects one new position (`queriesKeysValues`) and attends over the cache
 * (`attend`).
 */
export class MultiHeadAttention {
  private readonly dk: number;
  private readonly wQ: tf.Variable;
  private readonly bQ: tf.Variable;
  private readonly wK: tf.Variable;
  private readonly bK: tf.Variable;
  private readonly wV: tf.Variable;
  private readonly bV: tf.Variable;
  private readonly wO: tf.Variable;
  private readonly bO: tf.Variable;

  /**
   * Parameters `<name>.w_q` [d_model, d_model], `<name>.b_q` [d_model], and the same for k, v, o.
   * @param dropoutRate on the attention weights when training (context.ts, dropoutRates)
   */
  constructor(
    params: ParameterStore,
    name: string,
    private readonly dModel: number,
    private readonly heads: number,
    private readonly dropoutRate: number,
  ) {
    this.dk = dModel / heads;
    const inputLimit = attentionInputLimit(dModel);
    this.wQ = params.uniform(`${name}.w_q`, [dModel, dModel], inputLimit);
    this.bQ = params.zeros(`${name}.b_q`, [dModel]);
    this.wK = params.uniform(`${name}.w_k`, [dModel, dModel], inputLimit);
    this.bK = params.zeros(`${name}.b_k`, [dModel]);
    this.wV = params.uniform(`${name}.w_v`, [dModel, dModel], inputLimit);
    this.bV = params.zeros(`${name}.b_v`, [dModel]);
    this.wO = params.xavier(`${name}.w_o`, dModel, dModel);
    this.bO = params.zeros(`${name}.b_o`, [dModel]);
  }

  /**
   * The whole of MultiHead(Q, K, V).
   * @param xq [batch*Tq, d_model] rows the queries come from
   * @param xkv [batch*Tk, d_model] rows the keys and values come from (the same tensor = self-attention)
   * @param mask additive, broadcastable to [batch, heads, Tq, Tk]
   * @returns output [batch*Tq, d_model], weights [batch, heads, Tq, Tk]
   */
  apply(
    xq: tf.Tensor2D,
    xkv: tf.Tensor2D,
    batch: number,
    tq: number,
    tk: number,
    mask: tf.Tensor | undefined,
    ctx: ForwardContext,
  ): MultiHeadOutput {
    return tidy(() => {
      if (xq === xkv) {
        const { q, kT, v } = this.queriesKeysValues(xq, batch, tq);
        return this.attend(q, { kT, v }, mask, ctx);
      }
      return this.attend(this.queries(xq, batch, tq), this.keysValues(xkv, batch, tk), mask, ctx);
    });
  }

  /**
   * Q W_Q split into heads (cross-attention's queries).
   * @param xq [batch*Tq, d_model]
   * @returns [batch, heads, Tq, d_k]
   */
  queries(xq: tf.Tensor2D, batch: number, len: number): tf.Tensor4D {
    return tidy(() => {
      const [q] = this.project(xq, [this.wQ], [this.bQ]) as [tf.Tensor2D]; // [batch*Tq, d_model]
      return this.split(q, batch, len);
    });
  }

  /**
   * K W_K (transposed) and V W_V split into heads: the encoder memory for cross-attention.
   * @param xkv [batch*Tk, d_model]
   */
  keysValues(xkv: tf.Tensor2D, batch: number, len: number): KeysValues {
    return tidy(() => {
      const [k, v] = this.project(xkv, [this.wK, this.wV], [this.bK, this.bV]) as [
        tf.Tensor2D,
        tf.Tensor2D,
      ]; // each [batch*Tk, d_model]
      return { kT: this.splitTransposed(k, batch, len), v: this.split(v, batch, len) };
    });
  }

  /**
   * Q, K and V of one sequence (self-attention), projected in a single product.
   * @param x [batch*T, d_model]
   */
  queriesKeysValues(x: tf.Tensor2D, batch: number, len: number): { q: tf.Tensor4D } & KeysValues {
    return tidy(() => {
      const [q, k, v] = this.project(
        x,
        [this.wQ, this.wK, this.wV],
        [this.bQ, this.bK, this.bV],
      ) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // each [batch*T, d_model]
      return {
        q: this.split(q, batch, len), // [batch, heads, T, d_k]
        kT: this.splitTransposed(k, batch, len), // [batch, heads, d_k, T]
        v: this.split(v, batch, len), // [batch, heads, T, d_k]
      };
    });
  }

  /**
   * Every head's attention of projected queries over given keys/values, heads concatenated, then W_O.
   * @param q [batch, heads, Tq, d_k]
   * @param mask additive, broadcastable to [batch, heads, Tq, Tk]
   * @returns output [batch*Tq, d_model], weights [batch, heads, Tq, Tk]
   */
  attend(
    q: tf.Tensor4D,
    kv: KeysValues,
    mask: tf.Tensor | undefined,
    ctx: ForwardContext,
  ): MultiHeadOutput {
    return tidy(() => {
      const [batch, , len] = q.shape;
      const { output, weights } = attendTransposed(q, kv.kT, kv.v, mask, ctx, this.dropoutRate); // [batch, heads, Tq, d_k]
      const concat = tf.reshape(tf.transpose(output, [0, 2, 1, 3]), [
        batch * len,
        this.dModel,
      ]) as tf.Tensor2D; // [batch*Tq, heads*d_k = d_model]
      const out = tf.add(matMul(concat, this.wO as tf.Tensor2D), this.bO) as tf.Tensor2D; // [batch*Tq, d_model]
      return { output: out, weights: weights as tf.Tensor4D };
    });
  }

  /** [batch*T, d_model] -> [batch, heads, T, d_k] */
  private split(x: tf.Tensor2D, batch: number, len: number): tf.Tensor4D {
    return tf.transpose(tf.reshape(x, [batch, len, this.heads, this.dk]), [0, 2, 1, 3]);
  }

  /** [batch*T, d_model] -> [batch, heads, d_k, T]: keys in the layout attendTransposed takes. */
  private splitTransposed(x: tf.Tensor2D, batch: number, len: number): tf.Tensor4D {
    return tf.transpose(tf.reshape(x, [batch, len, this.heads, this.dk]), [0, 2, 3, 1]);
  }

  /**
   * x W + b for several projections at once: x [rows, d] @ [W_a | W_b ...] in one matrix
   * product (one kernel call instead of several), then split back into pieces [rows, d].
   */
  private project(x: tf.Tensor2D, ws: tf.Variable[], bs: tf.Variable[]): tf.Tensor2D[] {
    const w = ws.length === 1 ? (ws[0] as tf.Tensor2D) : (tf.concat(ws, 1) as tf.Tensor2D); // [d, n*d]
    const b = bs.length === 1 ? (bs[0] as tf.Tensor1D) : (tf.concat(bs, 0) as tf.Tensor1D); // [n*d]
    const y = tf.add(matMul(x, w), b) as tf.Tensor2D; // [rows, n*d]
    return ws.length === 1 ? [y] : (tf.split(y, ws.length, 1) as tf.Tensor2D[]);
  }
}
