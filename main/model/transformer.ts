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
import type { KeysValues } from './attention';
import type { ForwardOptions } from './context';
import { ForwardContext } from './context';
import type { DecoderLayerWeights } from './decoder';
import { Decoder } from './decoder';
import { Embeddings } from './embeddings';
import { Encoder } from './encoder';
import { causalMask } from './masks';
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

/**
 * The state of incremental decoding for a batch of hypotheses: the cross-attention keys and
 * values of the encoder memory (computed once) and each decoder layer's self-attention keys
 * and values, which grow by one position per step. Owns its tensors: call dispose().
 */
export class DecoderCache {
  /** Positions decoded so far (the next token gets position `length`). */
  length = 0;

  /** @internal use Transformer.startDecoding */
  constructor(
    public srcMask: tf.Tensor4D, // [batch, 1, 1, S]
    public cross: KeysValues[], // per layer: kT [batch, heads, d_k, S], v [batch, heads, S, d_k]
    public self: (KeysValues | null)[], // per layer: kT [batch, heads, d_k, t], v [batch, heads, t, d_k]
    /** The pre-softmax projection transposed once, [d_model, vocab]. */
    public projectionT: tf.Tensor2D,
  ) {}

  get batchSize(): number {
    return this.srcMask.shape[0];
  }

  private all(): tf.Tensor[] {
    const out: tf.Tensor[] = [this.srcMask];
    for (const kv of [...this.cross, ...this.self]) if (kv !== null) out.push(kv.kT, kv.v);
    return out;
  }

  /**
   * Keeps (and reorders, or repeats) rows of the batch: row i of the new cache is row
   * indices[i] of the old one. Beam search calls it after choosing which hypotheses survive;
   * repeating rows (e.g. [0,0,0,0,1,1,1,1]) expands a batch into beams.
   * @param indices [newBatch] int32 row numbers
   */
  select(indices: readonly number[] | tf.Tensor1D): void {
    const idx = Array.isArray(indices)
      ? tf.tensor1d(indices as number[], 'int32')
      : (indices as tf.Tensor1D);
    const pick = <T extends tf.Tensor>(t: T): T => tf.keep(tf.gather(t, idx, 0));
    const old = this.all();
    this.srcMask = pick(this.srcMask);
    this.cross = this.cross.map((kv) => ({ kT: pick(kv.kT), v: pick(kv.v) }));
    this.self = this.self.map((kv) => (kv === null ? null : { kT: pick(kv.kT), v: pick(kv.v) }));
    for (const t of old) t.dispose();
    if (idx !== indices) idx.dispose();
  }

  dispose(): void {
    for (const t of this.all()) t.dispose();
    this.projectionT.dispose();
    this.self = this.self.map(() => null);
    this.cross = [];
  }
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
    const { dModel, maxPositions, positionalEncoding, dropout } = config;
    // N(0, d^-0.5): after the sqrt(d_model) scale the embeddings have unit variance, and as
    // the tied output projection they give logits of unit scale.
    const std = Math.pow(dModel, -0.5);
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
    this.srcEmbed = new Embeddings(srcTable, srcPos, dModel, dropout);
    this.tgtEmbed = new Embeddings(tgtTable, tgtPos, dModel, dropout);
    this.encoder = new Encoder(p, config);
    this.decoder = new Decoder(p, config);
  }

  /** The pre-softmax projection, [tgtVocab, d_model]; logits = hidden @ projection^T. */
  outputProjection(): tf.Variable {
    return this.projection;
  }

  private encodeRows(
    src: tf.Tensor2D,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { memory: tf.Tensor2D; weights: tf.Tensor4D[] } {
    const [batch, len] = src.shape;
    return this.encoder.apply(this.srcEmbed.apply(src, ctx), batch, len, srcMask, ctx);
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
    return tf.tidy(() => {
      const [batch, len] = src.shape;
      const { memory, weights } = this.encodeRows(src, srcMask, new ForwardContext(options));
      return {
        memory: tf.reshape(memory, [batch, len, this.config.dModel]) as tf.Tensor3D,
        attention: weights,
      };
    });
  }

  private decodeRows(
    tgtIn: tf.Tensor2D,
    memoryRows: tf.Tensor2D,
    srcLen: number,
    srcMask: tf.Tensor4D,
    ctx: ForwardContext,
  ): { hidden: tf.Tensor2D; weights: DecoderLayerWeights[] } {
    const [batch, len] = tgtIn.shape;
    const cross = this.decoder.crossKeysValues(memoryRows, batch, srcLen);
    const y = this.tgtEmbed.apply(tgtIn, ctx);
    return this.decoder.apply(y, batch, len, cross, causalMask(len), srcMask, ctx);
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
    return tf.tidy(() => {
      const [batch, srcLen, d] = memory.shape;
      const len = tgtIn.shape[1];
      const memoryRows = tf.reshape(memory, [batch * srcLen, d]) as tf.Tensor2D;
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
      return result as unknown as tf.TensorContainer;
    }) as unknown as DecodeResult;
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
    const ctx = new ForwardContext(options);
    const { memory } = this.encodeRows(src, srcMask, ctx);
    return this.decodeRows(tgtIn, memory, src.shape[1], srcMask, ctx).hidden;
  }

  /**
   * Starts incremental decoding: computes every layer's cross-attention keys and values once.
   * @param memory [batch, S, d_model]
   * @param srcMask [batch, 1, 1, S]
   */
  startDecoding(memory: tf.Tensor3D, srcMask: tf.Tensor4D): DecoderCache {
    const kept = tf.tidy(() => {
      const [batch, srcLen, d] = memory.shape;
      const cross = this.decoder.crossKeysValues(
        tf.reshape(memory, [batch * srcLen, d]) as tf.Tensor2D,
        batch,
        srcLen,
      );
      return {
        cross,
        mask: tf.clone(srcMask),
        projT: tf.transpose(this.projection),
      } as unknown as tf.TensorContainer;
    }) as unknown as { cross: KeysValues[]; mask: tf.Tensor4D; projT: tf.Tensor2D };
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
    const out = tf.tidy(() => {
      const ids = Array.isArray(tokens)
        ? tf.tensor2d(tokens as number[], [tokens.length, 1], 'int32')
        : (tf.reshape(tokens as tf.Tensor1D, [-1, 1]) as tf.Tensor2D);
      const batch = ids.shape[0];
      if (batch !== cache.batchSize) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          `decodeStep got ${batch} tokens for a cache of ${cache.batchSize} rows; select() the cache rows first.`,
        );
      }
      const ctx = new ForwardContext({ training: false });
      let y = this.tgtEmbed.apply(ids, ctx, cache.length); // [batch, d_model]
      const present: KeysValues[] = [];
      const weights: DecoderLayerWeights[] = [];
      this.decoder.layers.forEach((layer, i) => {
        const r = layer.step(
          y,
          batch,
          cache.self[i] ?? null,
          cache.cross[i] as KeysValues,
          cache.srcMask,
          ctx,
        );
        y = r.y;
        present.push(r.present);
        weights.push(r.weights);
      });
      if (this.decoder.finalNorm !== undefined) y = this.decoder.finalNorm.apply(y);
      const logProbs = tf.logSoftmax(tf.matMul(y, cache.projectionT)) as tf.Tensor2D; // [batch, vocab]
      const attention = options.returnAttention === true ? splitAttention(weights) : undefined;
      return { logProbs, present, attention } as unknown as tf.TensorContainer;
    }) as unknown as { logProbs: tf.Tensor2D; present: KeysValues[]; attention?: DecoderAttention };
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
