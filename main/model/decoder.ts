/**
 * Decoder (paper 3.1): a stack of N identical layers, each masked multi-head self-attention,
 * then encoder-decoder attention (queries from the decoder, keys and values from the encoder
 * output), then a position-wise feed-forward network, each wrapped in residual + LayerNorm.
 *
 * One body runs it two ways. `apply` (teacher forcing, training, uncached decoding) feeds the
 * whole target prefix and keeps each position from seeing later ones with the causal mask.
 * `step` (incremental decoding) feeds one new position per row and lets it attend to the
 * cached keys and values of the earlier positions, which need no mask: all are in its past.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/types';
import { MultiHeadAttention, type KeysValues, type MultiHeadOutput } from './attention';
import { dropoutRates, tidy, type ForwardContext } from './context';
import { FeedForward } from './feedForward';
import { LayerNorm } from './layerNorm';
import { causalMask } from './masks';
import type { ParameterStore } from './params';
import { residual } from './sublayer';

/** Attention weights of one decoder layer. */
export interface DecoderLayerWeights {
  /** [batch, heads, T, T] (step: [batch, heads, 1, t]) */
  self: tf.Tensor4D;
  /** [batch, heads, T, S] (step: [batch, heads, 1, S]) */
  cross: tf.Tensor4D;
}

/**
 * What a decoder layer's self-attention attends to besides the new positions: nothing and
 * the causal mask (teacher forcing), or the cached earlier positions and no mask (a step).
 */
export interface SelfAttentionInput {
  /** Keys and values of the t earlier positions: kT [batch, heads, d_k, t], v [batch, heads, t, d_k]; null if none */
  past: KeysValues | null;
  /** [1, 1, T, T] causal mask, or undefined when every key is in the queries' past */
  mask: tf.Tensor4D | undefined;
}

/** A decoder layer's output rows, its self-attention keys/values including the new positions, and its weights. */
export type DecoderLayerOutput = {
  /** [batch*T, d_model] */
  output: tf.Tensor2D;
  /** kT [batch, heads, d_k, t+T], v [batch, heads, t+T, d_k]: what the next step's `past` is */
  present: KeysValues;
  weights: DecoderLayerWeights;
};

/** Masked self-attention's result: multi-head output and weights, and the grown keys/values. */
type SelfAttentionOutput = MultiHeadOutput & { present: KeysValues };

export class DecoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly crossAttn: MultiHeadAttention;
  readonly ffn: FeedForward;
  /** Public for the Inside views: with pre-LN, what self-attention reads is norm1(x). */
  readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;
  private readonly norm3: LayerNorm;
  private readonly residualDropout: number;

  /** Parameters under `<name>.self_attn`, `<name>.cross_attn`, `<name>.ffn`, `<name>.norm_1..3`. */
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
    this.crossAttn = new MultiHeadAttention(
      params,
      `${name}.cross_attn`,
      dModel,
      heads,
      rates.attention,
    );
    this.ffn = new FeedForward(params, `${name}.ffn`, dModel, config.dFF);
    this.norm1 = new LayerNorm(params, `${name}.norm_1`, dModel);
    this.norm2 = new LayerNorm(params, `${name}.norm_2`, dModel);
    this.norm3 = new LayerNorm(params, `${name}.norm_3`, dModel);
  }

  /**
   * Masked self-attention, encoder-decoder attention, feed-forward network, each inside a
   * residual connection.
   * @param y [batch*T, d_model] the new positions (T = 1 in a step)
   * @param self the earlier positions' keys/values and the mask (see SelfAttentionInput)
   * @param cross the encoder memory's keys and values for this layer
   * @param srcMask [batch, 1, 1, S] padding mask of the source
   */
  apply(
    y: tf.Tensor2D,
    batch: number,
    len: number,
    self: SelfAttentionInput,
    cross: KeysValues,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): DecoderLayerOutput {
    return tidy(() => {
      const { normPosition } = this.config;
      const rate = this.residualDropout;
      const attended = residual(y, this.norm1, normPosition, rate, ctx, (x) =>
        this.selfAttention(x, batch, len, self, ctx),
      ); // output [batch*T, d_model], weights [batch, heads, T, t+T]
      const crossed = residual(attended.output, this.norm2, normPosition, rate, ctx, (x) =>
        this.crossAttn.attend(this.crossAttn.queries(x, batch, len), cross, srcMask, ctx),
      ); // output [batch*T, d_model], weights [batch, heads, T, S]
      const fed = residual(crossed.output, this.norm3, normPosition, rate, ctx, (x) => ({
        output: this.ffn.apply(x),
      })); // output [batch*T, d_model]
      return {
        output: fed.output,
        present: attended.present,
        weights: { self: attended.weights, cross: crossed.weights },
      };
    });
  }

  /** Queries, keys and values of the new positions; keys/values appended to the past ones. */
  private selfAttention(
    x: tf.Tensor2D,
    batch: number,
    len: number,
    { past, mask }: SelfAttentionInput,
    ctx: ForwardContext,
  ): SelfAttentionOutput {
    const { q, kT, v } = this.selfAttn.queriesKeysValues(x, batch, len); // q, v [batch, heads, T, d_k]; kT [batch, heads, d_k, T]
    const present: KeysValues =
      past === null
        ? { kT, v }
        : {
            kT: tf.concat([past.kT, kT], 3) as tf.Tensor4D, // [batch, heads, d_k, t+T]
            v: tf.concat([past.v, v], 2) as tf.Tensor4D, // [batch, heads, t+T, d_k]
          };
    return { ...this.selfAttn.attend(q, present, mask, ctx), present };
  }
}

/** The decoder stack's output: hidden states, each layer's grown self-attention keys/values and weights. */
export type DecoderOutput = {
  /** [batch*T, d_model] */
  hidden: tf.Tensor2D;
  /** Per layer: kT [batch, heads, d_k, t+T], v [batch, heads, t+T, d_k] */
  present: KeysValues[];
  weights: DecoderLayerWeights[];
};

export class Decoder {
  readonly layers: DecoderLayer[];
  /** Pre-LN only: the stack's output is normalised once more (`decoder.norm`). */
  readonly finalNorm: LayerNorm | undefined;

  constructor(params: ParameterStore, config: ModelConfig) {
    this.layers = Array.from(
      { length: config.decoderLayers },
      (_, i) => new DecoderLayer(params, `decoder.layers.${i}`, config),
    );
    this.finalNorm =
      config.normPosition === 'pre'
        ? new LayerNorm(params, 'decoder.norm', config.dModel)
        : undefined;
  }

  /** Keys and values of the encoder memory for every layer's cross-attention (computed once per source). */
  crossKeysValues(memory: tf.Tensor2D, batch: number, srcLen: number): KeysValues[] {
    return tidy(() => this.layers.map((l) => l.crossAttn.keysValues(memory, batch, srcLen)));
  }

  /**
   * Teacher forcing: the whole target prefix at once, under the causal mask.
   * @param y embedded target input [batch*T, d_model]
   * @param cross per layer, the encoder memory's keys and values (crossKeysValues)
   * @param srcMask [batch, 1, 1, S]
   * @returns hidden states [batch*T, d_model] and each layer's attention weights
   */
  apply(
    y: tf.Tensor2D,
    batch: number,
    len: number,
    cross: readonly KeysValues[],
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): DecoderOutput {
    return tidy(() => {
      const mask = causalMask(len); // [1, 1, T, T]
      return this.forward(y, batch, len, () => ({ past: null, mask }), cross, srcMask, ctx);
    });
  }

  /**
   * Incremental decoding: one new position per row against each layer's cached keys/values.
   * @param y the new positions, embedded [batch, d_model]
   * @param past per layer, the earlier positions' keys/values (null before the first step)
   * @returns hidden [batch, d_model], each layer's keys/values grown by one position, weights
   */
  step(
    y: tf.Tensor2D,
    batch: number,
    past: readonly (KeysValues | null)[],
    cross: readonly KeysValues[],
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): DecoderOutput {
    return this.forward(
      y,
      batch,
      1,
      (i) => ({ past: past[i] ?? null, mask: undefined }),
      cross,
      srcMask,
      ctx,
    );
  }

  /** The stack, shared by apply and step: each layer in turn, then (pre-LN) the final norm. */
  private forward(
    y: tf.Tensor2D,
    batch: number,
    len: number,
    selfInput: (layer: number) => SelfAttentionInput,
    cross: readonly KeysValues[],
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): DecoderOutput {
    return tidy(() => {
      const present: KeysValues[] = [];
      const weights: DecoderLayerWeights[] = [];
      let h = y; // [batch*T, d_model]
      this.layers.forEach((layer, i) => {
        const r = layer.apply(h, batch, len, selfInput(i), cross[i] as KeysValues, srcMask, ctx);
        h = r.output;
        present.push(r.present);
        weights.push(r.weights);
      });
      const hidden = this.finalNorm === undefined ? h : this.finalNorm.apply(h);
      return { hidden, present, weights };
    });
  }
}
