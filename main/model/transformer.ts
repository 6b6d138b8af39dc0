/**
 * The Transformer (paper 3, Figure 1): the one place that wires embeddings, encoder, decoder
 * and the pre-softmax projection from a ModelConfig. `encode` and `decode` are separate so
 * decoding reuses the encoder memory; `startDecoding` + `decodeStep` decode incrementally
 * with a key/value cache.
 */
import * as tf from '@tensorflow/tfjs';
import { modelConfigIssues } from '../../shared/config';
import { AppError, ErrorCode } from '../../shared/errors';
import type { ModelConfig } from '../../shared/types';
import type { NamedTensor } from '../../shared/namedTensor';
import type { ForwardOptions } from './context';
import { dropoutRates, ForwardContext, tidy } from './context';
import type { DecoderLayerWeights, DecoderOutput } from './decoder';
import { Decoder } from './decoder';
import { DecoderCache } from './decoderCache';
import { Embeddings } from './embeddings';
import { Encoder } from './encoder';
import { embeddingStd } from './initialisation';
import { ParameterStore } from './params';
import { PositionalEncoding } from './positional';

export interface DecodeOptions extends ForwardOptions {
  /** Also return every layer's self- and cross-attention weights. Default false. */
  returnAttention?: boolean;
}

/** Attention weights of every decoder layer, for the playground's views. */
export interface DecoderAttention {
  /** Per layer: [batch, heads, T, T] (a step: [batch, heads, 1, t]) */
  self: tf.Tensor4D[];
  /** Per layer: [batch, heads, T, S] (a step: [batch, heads, 1, S]) */
  cross: tf.Tensor4D[];
}

export interface DecodeResult {
  /** [batch, T, tgtVocab] pre-softmax scores */
  logits: tf.Tensor3D;
  attention?: DecoderAttention;
}

export interface StepResult {
  /** [batch, tgtVocab] log-probabilities of the next token */
  logProbs: tf.Tensor2D;
  attention?: DecoderAttention;
}

function splitAttention(weights: DecoderLayerWeights[]): DecoderAttention {
  return { self: weights.map((w) => w.self), cross: weights.map((w) => w.cross) };
}

export class Transformer {
  readonly params: ParameterStore;
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  private readonly srcEmbed: Embeddings;
  private readonly tgtEmbed: Embeddings;
  /** [tgtVocab, d_model]: the shared embedding when tied (paper 3.4), `generator.w` when not. */
  private readonly projection: tf.Variable;

  /** Use createTransformer(). */
  constructor(
    readonly config: ModelConfig,
    readonly seed: number,
  ) {
    const issues = modelConfigIssues(config);
    if (issues.length > 0) {
      throw new AppError(ErrorCode.InvalidConfig, issues.map((i) => i.message).join(' '));
    }
    const p = new ParameterStore(seed);
    this.params = p;
    const { dModel, maxPositions, positionalEncoding } = config;
    const std = embeddingStd(dModel);
    let srcTable: tf.Variable;
    let tgtTable: tf.Variable;
    if (config.tieEmbeddings) {
      srcTable = p.normal('embedding.shared', [config.srcVocabSize, dModel], std);
      tgtTable = srcTable;
      this.projection = srcTable;
    } else {
      srcTable = p.normal('embedding.src', [config.srcVocabSize, dModel], std);
      tgtTable = p.normal('embedding.tgt', [config.tgtVocabSize, dModel], std);
      this.projection = p.normal('generator.w', [config.tgtVocabSize, dModel], std);
    }
    const srcPos = new PositionalEncoding(
      p,
      positionalEncoding,
      'positional.src',
      maxPositions,
      dModel,
    );
    const tgtPos = new PositionalEncoding(
      p,
      positionalEncoding,
      'positional.tgt',
      maxPositions,
      dModel,
    );
    const { embeddings: embeddingDropout } = dropoutRates(config);
    this.srcEmbed = new Embeddings(srcTable, srcPos, dModel, embeddingDropout);
    this.tgtEmbed = new Embeddings(tgtTable, tgtPos, dModel, embeddingDropout);
    this.encoder = new Encoder(p, config);
    this.decoder = new Decoder(p, config);
  }

  /** The pre-softmax projection, [tgtVocab, d_model]; logits = hidden @ projection^T. */
  outputProjection(): tf.Variable {
    return this.projection;
  }

  /** Embeds the source and runs the encoder stack: memory [batch*S, d_model], weights per layer. */
  private encodeRows(
    src: tf.Tensor2D,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { memory: tf.Tensor2D; weights: tf.Tensor4D[] } {
    const [batch, len] = src.shape;
    const x = this.srcEmbed.apply(src, ctx); // [batch*S, d_model]
    return this.encoder.apply(x, batch, len, srcMask, ctx);
  }

  /**
   * Runs the encoder.
   * @param src [batch, S] int32 source ids (padded with 0)
   * @param srcMask [batch, 1, 1, S] from paddingMask(src)
   * @returns memory [batch, S, d_model]
   */
  encode(src: tf.Tensor2D, srcMask: tf.Tensor4D, options: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, len] = src.shape;
      const { memory } = this.encodeRows(src, srcMask, new ForwardContext(options));
      return tf.reshape(memory, [batch, len, this.config.dModel]) as tf.Tensor3D;
    });
  }

  /**
   * Runs the encoder and also returns its self-attention weights.
   * @returns memory [batch, S, d_model], attention per layer [batch, heads, S, S]
   */
  encodeWithAttention(
    src: tf.Tensor2D,
    srcMask: tf.Tensor4D,
    options: ForwardOptions = {},
  ): { memory: tf.Tensor3D; attention: tf.Tensor4D[] } {
    return tidy(() => {
      const [batch, len] = src.shape;
      const { memory, weights } = this.encodeRows(src, srcMask, new ForwardContext(options));
      return {
        memory: tf.reshape(memory, [batch, len, this.config.dModel]) as tf.Tensor3D,
        attention: weights,
      };
    });
  }

  /** Teacher forcing: embeds the target prefix and runs the decoder stack on it (causal mask). */
  private decodeRows(
    tgtIn: tf.Tensor2D,
    memoryRows: tf.Tensor2D,
    srcLen: number,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): DecoderOutput {
    const [batch, len] = tgtIn.shape;
    const cross = this.decoder.crossKeysValues(memoryRows, batch, srcLen); // per layer
    const y = this.tgtEmbed.apply(tgtIn, ctx); // [batch*T, d_model]
    return this.decoder.apply(y, batch, len, cross, srcMask, ctx);
  }

  /**
   * Uncached decoding of whole target prefixes (teacher forcing; the reference for the cache).
   * @param tgtIn [batch, T] int32, starting with `<s>`
   * @param memory [batch, S, d_model] from encode()
   * @param srcMask [batch, 1, 1, S]
   * @returns logits [batch, T, tgtVocab] and, on request, attention weights
   */
  decode(
    tgtIn: tf.Tensor2D,
    memory: tf.Tensor3D,
    srcMask: tf.Tensor4D,
    options: DecodeOptions = {},
  ): DecodeResult {
    return tidy(() => {
      const [batch, srcLen, d] = memory.shape;
      const len = tgtIn.shape[1];
      const memoryRows = tf.reshape(memory, [batch * srcLen, d]) as tf.Tensor2D; // [batch*S, d_model]
      const { hidden, weights } = this.decodeRows(
        tgtIn,
        memoryRows,
        srcLen,
        srcMask,
        new ForwardContext(options),
      );
      const logits = tf.matMul(hidden, tf.transpose(this.projection)); // [batch*T, vocab]
      const result: DecodeResult = {
        logits: tf.reshape(logits, [batch, len, this.config.tgtVocabSize]) as tf.Tensor3D,
      };
      if (options.returnAttention === true) result.attention = splitAttention(weights);
      return result;
    });
  }

  /**
   * Training forward pass up to the decoder's output (the loss applies the projection in chunks).
   * @param src [batch, S] int32
   * @param srcMask [batch, 1, 1, S]
   * @param tgtIn [batch, T] int32
   * @returns hidden [batch*T, d_model]
   */
  forwardHidden(
    src: tf.Tensor2D,
    srcMask: tf.Tensor4D,
    tgtIn: tf.Tensor2D,
    options: ForwardOptions = {},
  ): tf.Tensor2D {
    return tidy(() => {
      const ctx = new ForwardContext(options);
      const { memory } = this.encodeRows(src, srcMask, ctx); // [batch*S, d_model]
      return this.decodeRows(tgtIn, memory, src.shape[1], srcMask, ctx).hidden;
    });
  }

  /**
   * Starts incremental decoding: computes every layer's cross-attention keys and values once.
   * @param memory [batch, S, d_model]
   * @param srcMask [batch, 1, 1, S]
   */
  startDecoding(memory: tf.Tensor3D, srcMask: tf.Tensor4D): DecoderCache {
    const kept = tidy(() => {
      const [batch, srcLen, d] = memory.shape;
      const cross = this.decoder.crossKeysValues(
        tf.reshape(memory, [batch * srcLen, d]) as tf.Tensor2D,
        batch,
        srcLen,
      ); // per layer: kT [batch, heads, d_k, S], v [batch, heads, S, d_k]
      return {
        cross,
        mask: tf.clone(srcMask),
        projT: tf.transpose(this.projection) as tf.Tensor2D, // [d_model, vocab]
      };
    });
    return new DecoderCache(
      kept.mask,
      kept.cross,
      this.decoder.layers.map(() => null),
      kept.projT,
    );
  }

  /**
   * One step of incremental decoding: feeds one token per row at position cache.length,
   * appends its keys/values to the cache and returns the next-token log-probabilities.
   * @param tokens [batch] int32: `<s>` at the first step, then the previously chosen tokens
   * @returns logProbs [batch, tgtVocab] and, on request, attention weights ([batch, heads, 1, t] and [batch, heads, 1, S])
   */
  decodeStep(
    tokens: tf.Tensor1D | readonly number[],
    cache: DecoderCache,
    options: { returnAttention?: boolean } = {},
  ): StepResult {
    const out = tidy(() => {
      const ids = Array.isArray(tokens)
        ? tf.tensor2d(tokens as number[], [tokens.length, 1], 'int32')
        : (tf.reshape(tokens as tf.Tensor1D, [-1, 1]) as tf.Tensor2D); // [batch, 1]
      const batch = ids.shape[0];
      if (batch !== cache.batchSize) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          `decodeStep got ${batch} tokens for a cache of ${cache.batchSize} rows; select() the cache rows first.`,
        );
      }
      const ctx = new ForwardContext({ training: false });
      const y = this.tgtEmbed.apply(ids, ctx, cache.length); // [batch, d_model]
      const { hidden, present, weights } = this.decoder.step(
        y,
        batch,
        cache.self,
        cache.cross,
        cache.srcMask,
        ctx,
      ); // hidden [batch, d_model]; present per layer: t+1 positions
      const logProbs = tf.logSoftmax(tf.matMul(hidden, cache.projectionT)) as tf.Tensor2D; // [batch, vocab]
      const attention = options.returnAttention === true ? splitAttention(weights) : undefined;
      return { logProbs, present, attention };
    });
    for (const kv of cache.self) {
      if (kv !== null) {
        kv.kT.dispose();
        kv.v.dispose();
      }
    }
    cache.self = out.present;
    cache.length += 1;
    const result: StepResult = { logProbs: out.logProbs };
    if (out.attention !== undefined) result.attention = out.attention;
    return result;
  }

  /** Every trainable variable (for the optimiser). */
  trainableVariables(): tf.Variable[] {
    return this.params.variables();
  }

  /** Parameter names by variable, e.g. `decoder.layers.1.cross_attn.w_o`. */
  namedVariables(): [string, tf.Variable][] {
    return this.params.entries();
  }

  /** Number of trainable scalars; equals countParameters(config). */
  parameterCount(): number {
    return this.params.count();
  }

  /** Copies every weight out, named as in the paper-style scheme above. */
  exportWeights(): NamedTensor[] {
    return this.params.exportAll();
  }

  /** Loads weights saved by exportWeights(); throws AppError(CheckpointInvalid) on any mismatch, changing nothing. */
  loadWeights(tensors: readonly NamedTensor[]): void {
    this.params.loadAll(tensors);
  }

  dispose(): void {
    this.params.dispose();
  }
}

/**
 * Builds a Transformer from a config (validated: AppError InvalidConfig with full sentences).
 * @param seed initialisation seed, default 1: same seed and config give the same weights
 */
export function createTransformer(config: ModelConfig, seed = 1): Transformer {
  return new Transformer(config, seed);
}
