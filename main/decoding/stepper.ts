/**
 * What greedy decoding and beam search need from a model (Annotated Transformer,
 * "greedy_decode"; paper 6.1 for beam search): feed one token per hypothesis, get the
 * next-token log-probabilities, keep or reorder hypotheses. Two model-backed
 * implementations: incremental decoding on the key/value cache (the encoder runs once,
 * each step costs one position), and the uncached reference that re-runs the whole
 * decoder on every prefix (the "before" of the KV-cache view). Tests plug in hand-written
 * distributions through the same interface.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError, ErrorCode } from '../../shared/errors';
import { paddingMask } from '../model/masks';
import type { DecoderCache } from '../model/decoderCache';
import type { DecoderAttention, StepResult, Transformer } from '../model/transformer';
import { BOS_ID, EOS_ID, PAD_ID } from '../text/tokenizer';

/** The decoding of one batch of sources, one row per live hypothesis. Owns its tensors. */
export interface DecodingState {
  /** Hypotheses (rows) currently held. */
  readonly rows: number;
  /**
   * Feeds one token per row (`<s>` at the first step, then the chosen tokens).
   * @returns logProbs [rows, vocab] (the caller disposes it) and, on request, attention of
   *   this step per layer: self [rows, heads, 1, t+1], cross [rows, heads, 1, S]
   */
  step(tokens: readonly number[], returnAttention: boolean): StepResult;
  /** Row i becomes old row rows[i]: keeps, reorders or repeats hypotheses. */
  select(rows: readonly number[]): void;
  dispose(): void;
}

/** Starts decodings; what greedySearch and beamSearch take besides a Transformer. */
export interface Stepper {
  /** Decoder positions available: at most this many target tokens can be produced. */
  readonly maxPositions: number;
  /**
   * Starts decoding a batch of sources, one row per sentence, in order.
   * @param sources prepared sources (see prepareSource), unpadded
   */
  start(sources: readonly (readonly number[])[]): DecodingState;
}

/**
 * The encoder's input for a sentence: the tokenizer's ids followed by `</s>`, as training
 * feeds them (a leading `<s>` is dropped and a trailing `</s>` is not doubled).
 */
export function prepareSource(ids: readonly number[]): number[] {
  let start = 0;
  let end = ids.length;
  if (end > 0 && ids[0] === BOS_ID) start = 1;
  if (end > start && ids[end - 1] === EOS_ID) end -= 1;
  return [...ids.slice(start, end), EOS_ID];
}

/**
 * Most target tokens (counting `</s>`) a search may produce for a source: its length
 * (with `</s>`) plus `margin`, within the model's positions.
 */
export function maxTargetLength(
  source: readonly number[],
  margin: number,
  stepper: Stepper,
): number {
  return Math.max(1, Math.min(source.length + margin, stepper.maxPositions));
}

/** Pads sources with `<pad>` into one [batch, S] int32 tensor. */
function padSources(sources: readonly (readonly number[])[]): tf.Tensor2D {
  const len = Math.max(1, ...sources.map((s) => s.length));
  const flat = new Int32Array(sources.length * len).fill(PAD_ID);
  sources.forEach((s, i) => flat.set(s, i * len));
  return tf.tensor2d(flat, [sources.length, len], 'int32');
}

function checkSources(sources: readonly (readonly number[])[], maxPositions: number): void {
  if (sources.length === 0) {
    throw new AppError(ErrorCode.InvalidArgument, 'Decoding needs at least one source sentence.');
  }
  for (const [i, s] of sources.entries()) {
    if (s.length > maxPositions) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `Source sentence ${i + 1} has ${s.length} tokens with </s>; the model reads at most ${maxPositions}. Shorten it.`,
      );
    }
  }
}

/** Runs the encoder once: memory [batch, S, d_model] and srcMask [batch, 1, 1, S]. */
function encodeSources(
  model: Transformer,
  sources: readonly (readonly number[])[],
): { memory: tf.Tensor3D; srcMask: tf.Tensor4D } {
  checkSources(sources, model.config.maxPositions);
  return tf.tidy(() => {
    const src = padSources(sources); // [batch, S]
    const srcMask = paddingMask(src); // [batch, 1, 1, S]
    return { memory: model.encode(src, srcMask), srcMask };
  });
}

/** Incremental decoding on the model's key/value cache. */
class CachedState implements DecodingState {
  constructor(
    private readonly model: Transformer,
    private readonly cache: DecoderCache,
  ) {}

  get rows(): number {
    return this.cache.batchSize;
  }

  step(tokens: readonly number[], returnAttention: boolean): StepResult {
    return this.model.decodeStep(tokens, this.cache, { returnAttention });
  }

  select(rows: readonly number[]): void {
    this.cache.select(rows);
  }

  dispose(): void {
    this.cache.dispose();
  }
}

/** Uncached reference: every step re-runs the decoder on the whole prefix of every row. */
class UncachedState implements DecodingState {
  private prefixes: number[][];

  constructor(
    private readonly model: Transformer,
    private memory: tf.Tensor3D, // [rows, S, d_model]
    private srcMask: tf.Tensor4D, // [rows, 1, 1, S]
  ) {
    this.prefixes = Array.from({ length: memory.shape[0] }, () => []);
  }

  get rows(): number {
    return this.prefixes.length;
  }

  step(tokens: readonly number[], returnAttention: boolean): StepResult {
    if (tokens.length !== this.rows) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `step got ${tokens.length} tokens for ${this.rows} rows; select() the rows first.`,
      );
    }
    this.prefixes.forEach((p, i) => p.push(tokens[i] as number));
    const rows = this.rows;
    const len = this.prefixes[0]?.length ?? 0;
    return tf.tidy(() => {
      const tgtIn = tf.tensor2d(this.prefixes.flat(), [rows, len], 'int32'); // [rows, T]
      const out = this.model.decode(tgtIn, this.memory, this.srcMask, { returnAttention });
      const last = tf.reshape(tf.slice(out.logits, [0, len - 1, 0], [rows, 1, -1]), [rows, -1]); // [rows, vocab]
      const result: StepResult = { logProbs: tf.logSoftmax(last) as tf.Tensor2D };
      if (out.attention !== undefined) {
        // The last query row of each map: what the cached step returns.
        const lastRow = (w: tf.Tensor4D): tf.Tensor4D =>
          tf.slice(w, [0, 0, len - 1, 0], [-1, -1, 1, -1]); // [rows, heads, 1, keys]
        const attention: DecoderAttention = {
          self: out.attention.self.map(lastRow),
          cross: out.attention.cross.map(lastRow),
        };
        result.attention = attention;
      }
      return result as unknown as tf.TensorContainer;
    }) as unknown as StepResult;
  }

  select(rows: readonly number[]): void {
    const old = [this.memory, this.srcMask];
    [this.memory, this.srcMask] = tf.tidy(() => {
      const idx = tf.tensor1d(rows as number[], 'int32');
      return [tf.gather(this.memory, idx, 0), tf.gather(this.srcMask, idx, 0)];
    }) as [tf.Tensor3D, tf.Tensor4D];
    tf.dispose(old);
    this.prefixes = rows.map((r) => [...(this.prefixes[r] as number[])]);
  }

  dispose(): void {
    tf.dispose([this.memory, this.srcMask]);
    this.prefixes = [];
  }
}

/**
 * A Stepper on a Transformer.
 * @param cache true (default): incremental decoding on the key/value cache; false: the
 *   uncached reference, which re-runs the decoder on the whole prefix at every step
 */
export function modelStepper(model: Transformer, cache = true): Stepper {
  return {
    maxPositions: model.config.maxPositions,
    start(sources) {
      const { memory, srcMask } = encodeSources(model, sources);
      if (!cache) return new UncachedState(model, memory, srcMask);
      try {
        return new CachedState(model, model.startDecoding(memory, srcMask));
      } finally {
        tf.dispose([memory, srcMask]);
      }
    },
  };
}

/** A Transformer, or any Stepper (tests use hand-written distributions). */
export type DecodingModel = Transformer | Stepper;

/** The Stepper of a DecodingModel: the model itself when it is one. */
export function stepperOf(model: DecodingModel, cache = true): Stepper {
  return 'start' in model && typeof model.start === 'function'
    ? model
    : modelStepper(model as Transformer, cache);
}
