/**
 * Attention (paper 3.2): scaled dot-product attention softmax(QK^T / sqrt(d_k)) V (3.2.1)
 * and multi-head attention with projections W_Q, W_K, W_V, W_O and d_k = d_model / h (3.2.2).
 *
 * Keys are kept transposed, [batch, heads, d_k, keys], from the projection on: the score
 * product then needs no transpose flag (slow on wasm) and the key/value cache grows along
 * the last axis.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from './context';
import { matMul, swapLastAxes } from './linear';
import type { ParameterStore } from './params';

export interface AttentionOutput {
  /** [..., queries, d_v] */
  output: tf.Tensor;
  /** softmax weights before dropout, [..., queries, keys] */
  weights: tf.Tensor;
}

/**
 * Scaled dot-product attention with keys already transposed.
 * @param q [..., Tq, d_k]
 * @param kT [..., d_k, Tk]
 * @param v [..., Tk, d_v]
 * @param mask additive, broadcastable to [..., Tq, Tk] (0 = keep, large negative = masked); optional
 * @param ctx dropout on the weights when training (optional)
 * @param dropoutRate default 0
 */
export function attendTransposed(
  q: tf.Tensor,
  kT: tf.Tensor,
  v: tf.Tensor,
  mask?: tf.Tensor,
  ctx?: ForwardContext,
  dropoutRate = 0,
): AttentionOutput {
  const dk = q.shape[q.rank - 1] as number;
  let scores = matMul(tf.mul(q, 1 / Math.sqrt(dk)), kT); // [..., Tq, Tk]
  if (mask !== undefined) scores = tf.add(scores, mask);
  const weights = tf.softmax(scores); // [..., Tq, Tk]
  const dropped = ctx === undefined ? weights : ctx.dropout(weights, dropoutRate);
  return { output: matMul(dropped, v), weights }; // [..., Tq, d_v]
}

/**
 * softmax(Q K^T / sqrt(d_k) + mask) V (paper equation 1).
 * @param q [..., Tq, d_k]
 * @param k [..., Tk, d_k]
 * @param v [..., Tk, d_v]
 * @param mask additive, broadcastable to [..., Tq, Tk]; optional
 * @returns output [..., Tq, d_v] and weights [..., Tq, Tk]
 */
export function scaledDotProductAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  mask?: tf.Tensor,
): AttentionOutput {
  return attendTransposed(q, swapLastAxes(k), v, mask);
}

/** Keys (transposed) and values of one attention, split into heads. */
export interface KeysValues {
  /** [batch, heads, d_k, keys] */
  kT: tf.Tensor4D;
  /** [batch, heads, keys, d_k] */
  v: tf.Tensor4D;
}

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

  /** Parameters `<name>.w_q` [d_model, d_model], `<name>.b_q` [d_model], and the same for k, v, o. */
  constructor(
    params: ParameterStore,
    name: string,
    private readonly dModel: number,
    private readonly heads: number,
    private readonly dropoutRate: number,
  ) {
    this.dk = dModel / heads;
    this.wQ = params.xavier(`${name}.w_q`, dModel, dModel);
    this.bQ = params.zeros(`${name}.b_q`, [dModel]);
    this.wK = params.xavier(`${name}.w_k`, dModel, dModel);
    this.bK = params.zeros(`${name}.b_k`, [dModel]);
    this.wV = params.xavier(`${name}.w_v`, dModel, dModel);
    this.bV = params.zeros(`${name}.b_v`, [dModel]);
    this.wO = params.xavier(`${name}.w_o`, dModel, dModel);
    this.bO = params.zeros(`${name}.b_o`, [dModel]);
  }

  /** [batch*T, d_model] -> [batch, heads, T, d_k] */
  private split(x: tf.Tensor2D, batch: number, len: number): tf.Tensor4D {
    return tf.transpose(tf.reshape(x, [batch, len, this.heads, this.dk]), [0, 2, 1, 3]);
  }

  /** [batch*T, d_model] -> [batch, heads, d_k, T] */
  private splitTransposed(x: tf.Tensor2D, batch: number, len: number): tf.Tensor4D {
    return tf.transpose(tf.reshape(x, [batch, len, this.heads, this.dk]), [0, 2, 3, 1]);
  }

  /** One matrix product for several projections: x [rows, d] @ [W_a | W_b ...] -> pieces [rows, d]. */
  private project(x: tf.Tensor2D, ws: tf.Variable[], bs: tf.Variable[]): tf.Tensor2D[] {
    const w = ws.length === 1 ? (ws[0] as tf.Tensor2D) : (tf.concat(ws, 1) as tf.Tensor2D); // [d, n*d]
    const b = bs.length === 1 ? (bs[0] as tf.Tensor1D) : (tf.concat(bs, 0) as tf.Tensor1D); // [n*d]
    const y = tf.add(matMul(x, w), b) as tf.Tensor2D; // [rows, n*d]
    return ws.length === 1 ? [y] : (tf.split(y, ws.length, 1) as tf.Tensor2D[]);
  }

  /**
   * K and V of a key/value sequence (the encoder memory for cross-attention, computed once).
   * @param xkv [batch*Tk, d_model]
   */
  keysValues(xkv: tf.Tensor2D, batch: number, len: number): KeysValues {
    const [k, v] = this.project(xkv, [this.wK, this.wV], [this.bK, this.bV]) as [
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    return { kT: this.splitTransposed(k, batch, len), v: this.split(v, batch, len) };
  }

  /**
   * Self-attention projections of one sequence in a single product: Q, and K, V.
   * @param x [batch*T, d_model]
   */
  queriesKeysValues(x: tf.Tensor2D, batch: number, len: number): { q: tf.Tensor4D } & KeysValues {
    const [q, k, v] = this.project(x, [this.wQ, this.wK, this.wV], [this.bQ, this.bK, this.bV]) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    return {
      q: this.split(q, batch, len), // [batch, heads, T, d_k]
      kT: this.splitTransposed(k, batch, len), // [batch, heads, d_k, T]
      v: this.split(v, batch, len), // [batch, heads, T, d_k]
    };
  }

  /**
   * Attention of projected queries over given keys/values, then W_O.
   * @param q [batch, heads, Tq, d_k]
   * @param mask additive, broadcastable to [batch, heads, Tq, Tk]
   * @returns output [batch*Tq, d_model], weights [batch, heads, Tq, Tk]
   */
  attend(
    q: tf.Tensor4D,
    kv: KeysValues,
    mask: tf.Tensor | undefined,
    ctx: ForwardContext,
  ): { output: tf.Tensor2D; weights: tf.Tensor4D } {
    const [batch, , len] = q.shape;
    const { output, weights } = attendTransposed(q, kv.kT, kv.v, mask, ctx, this.dropoutRate);
    const merged = tf.reshape(tf.transpose(output, [0, 2, 1, 3]), [
      batch * len,
      this.dModel,
    ]) as tf.Tensor2D; // [batch*Tq, d]
    const out = tf.add(matMul(merged, this.wO as tf.Tensor2D), this.bO) as tf.Tensor2D;
    return { output: out, weights: weights as tf.Tensor4D };
  }

  /**
   * Queries from `xq` only (cross-attention, incremental decoding).
   * @param xq [batch*Tq, d_model]
   */
  queries(xq: tf.Tensor2D, batch: number, len: number): tf.Tensor4D {
    const [q] = this.project(xq, [this.wQ], [this.bQ]) as [tf.Tensor2D];
    return this.split(q, batch, len);
  }

  /**
   * Full multi-head attention MultiHead(Q, K, V) = Concat(head_1..head_h) W_O.
   * @param xq [batch*Tq, d_model] rows the queries come from
   * @param xkv [batch*Tk, d_model] rows the keys and values come from (same tensor = self-attention)
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
  ): { output: tf.Tensor2D; weights: tf.Tensor4D } {
    if (xq === xkv) {
      const { q, kT, v } = this.queriesKeysValues(xq, batch, tq);
      return this.attend(q, { kT, v }, mask, ctx);
    }
    return this.attend(this.queries(xq, batch, tq), this.keysValues(xkv, batch, tk), mask, ctx);
  }
}
