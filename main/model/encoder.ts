/**
 * Encoder (paper 3.1): a stack of N identical layers, each multi-head self-attention then a
 * position-wise feed-forward network, each wrapped in a residual connection and LayerNorm.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/types';
import { MultiHeadAttention } from './attention';
import type { ForwardContext } from './context';
import { FeedForward } from './feedForward';
import { LayerNorm } from './layerNorm';
import type { ParameterStore } from './params';
import { residual } from './sublayer';

export class EncoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly ffn: FeedForward;
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;

  /** Parameters under `<name>.self_attn`, `<name>.ffn`, `<name>.norm_1`, `<name>.norm_2`. */
  constructor(
    params: ParameterStore,
    name: string,
    private readonly config: ModelConfig,
  ) {
    this.selfAttn = new MultiHeadAttention(
      params,
      `${name}.self_attn`,
      config.dModel,
      config.heads,
      config.dropout,
    );
    this.ffn = new FeedForward(params, `${name}.ffn`, config.dModel, config.dFF);
    this.norm1 = new LayerNorm(params, `${name}.norm_1`, config.dModel);
    this.norm2 = new LayerNorm(params, `${name}.norm_2`, config.dModel);
  }

  /**
   * @param x [batch*S, d_model]
   * @param srcMask [batch, 1, 1, S] padding mask
   * @returns x [batch*S, d_model], weights [batch, heads, S, S]
   */
  apply(
    x: tf.Tensor2D,
    batch: number,
    len: number,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { x: tf.Tensor2D; weights: tf.Tensor4D } {
    const { normPosition, dropout } = this.config;
    let weights: tf.Tensor4D | undefined;
    let y = residual(x, this.norm1, normPosition, dropout, ctx, (h) => {
      const r = this.selfAttn.apply(h, h, batch, len, len, srcMask, ctx);
      weights = r.weights;
      return r.output;
    });
    y = residual(y, this.norm2, normPosition, dropout, ctx, (h) => this.ffn.apply(h));
    return { x: y, weights: weights as tf.Tensor4D };
  }
}

export class Encoder {
  readonly layers: EncoderLayer[];
  /** Pre-LN only: the stack's output is normalised once more (`encoder.norm`). */
  private readonly finalNorm: LayerNorm | undefined;

  constructor(params: ParameterStore, config: ModelConfig) {
    this.layers = Array.from(
      { length: config.encoderLayers },
      (_, i) => new EncoderLayer(params, `encoder.layers.${i}`, config),
    );
    this.finalNorm =
      config.normPosition === 'pre'
        ? new LayerNorm(params, 'encoder.norm', config.dModel)
        : undefined;
  }

  /**
   * @param x embedded source [batch*S, d_model]
   * @param srcMask [batch, 1, 1, S]
   * @returns memory [batch*S, d_model] and each layer's self-attention weights [batch, heads, S, S]
   */
  apply(
    x: tf.Tensor2D,
    batch: number,
    len: number,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { memory: tf.Tensor2D; weights: tf.Tensor4D[] } {
    const weights: tf.Tensor4D[] = [];
    let h = x;
    for (const layer of this.layers) {
      const r = layer.apply(h, batch, len, srcMask, ctx);
      h = r.x;
      weights.push(r.weights);
    }
    return { memory: this.finalNorm === undefined ? h : this.finalNorm.apply(h), weights };
  }
}
