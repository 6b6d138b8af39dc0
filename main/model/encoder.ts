/**
 * Encoder (paper 3.1): a stack of N identical layers, each multi-head self-attention then a
 * position-wise feed-forward network, each wrapped in a residual connection and LayerNorm.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/types';
import { MultiHeadAttention } from './attention';
import { dropoutRates, tidy, type ForwardContext } from './context';
import { FeedForward } from './feedForward';
import { LayerNorm } from './layerNorm';
import type { ParameterStore } from './params';
import { residual } from './sublayer';

/** One encoder layer's output rows and its self-attention weights. */
export type EncoderLayerOutput = {
  /** [batch*S, d_model] */
  output: tf.Tensor2D;
  /** [batch, heads, S, S] */
  weights: tf.Tensor4D;
};

export class EncoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly ffn: FeedForward;
  /** Public for the Inside views: with pre-LN, what self-attention reads is norm1(x). */
  readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;
  private readonly residualDropout: number;

  /** Parameters under `<name>.self_attn`, `<name>.ffn`, `<name>.norm_1`, `<name>.norm_2`. */
  constructor(
    params: ParameterStore,
    name: string,
    private readonly config: ModelConfig,
  ) {
    const { dModel, heads } = config;
    const rates = dropoutRates(config);
    this.residualDropout = rates.residual;
    this.selfAttn = new MultiHeadAttention(
      params,
      `${name}.self_attn`,
      dModel,
      heads,
      rates.attention,
    );
    this.ffn = new FeedForward(params, `${name}.ffn`, dModel, config.dFF);
    this.norm1 = new LayerNorm(params, `${name}.norm_1`, dModel);
    this.norm2 = new LayerNorm(params, `${name}.norm_2`, dModel);
  }

  /**
   * Self-attention, then the feed-forward network, each inside a residual connection.
   * @param x [batch*S, d_model]
   * @param srcMask [batch, 1, 1, S] padding mask
   * @returns output [batch*S, d_model], weights [batch, heads, S, S]
   */
  apply(
    x: tf.Tensor2D,
    batch: number,
    len: number,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): EncoderLayerOutput {
    return tidy(() => {
      const { normPosition } = this.config;
      const rate = this.residualDropout;
      const attended = residual(x, this.norm1, normPosition, rate, ctx, (h) =>
        this.selfAttn.apply(h, h, batch, len, len, srcMask, ctx),
      ); // output [batch*S, d_model], weights [batch, heads, S, S]
      const fed = residual(attended.output, this.norm2, normPosition, rate, ctx, (h) => ({
        output: this.ffn.apply(h),
      })); // output [batch*S, d_model]
      return { output: fed.output, weights: attended.weights };
    });
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
    return tidy(() => {
      const weights: tf.Tensor4D[] = [];
      let h = x; // [batch*S, d_model]
      for (const layer of this.layers) {
        const r = layer.apply(h, batch, len, srcMask, ctx);
        h = r.output;
        weights.push(r.weights);
      }
      return { memory: this.finalNorm === undefined ? h : this.finalNorm.apply(h), weights };
    });
  }
}
