/**
 * Batching by token count with length bucketing (paper 5.1: "sentence pairs were batched
 * together by approximate sequence length; each batch contained ... approximately 25000
 * source tokens and 25000 target tokens"). Sentences of similar length share a batch, so
 * little compute goes to padding; the order is a seeded shuffle, and the position in it is
 * plain data ({epoch, index, seed}) so a resumed run continues with exactly the next batch.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID } from '../../shared/specialTokens';
import { hashSeed, Rng } from '../model/random';

export { BOS_ID, EOS_ID, PAD_ID, UNK_ID };

/**
 * One tokenized sentence pair: ids from the tokenizer, without `<s>`/`</s>` (a leading `<s>`
 * or trailing `</s>` is tolerated and not doubled).
 */
export interface TokenizedPair {
  src: readonly number[];
  tgt: readonly number[];
}

/** A padded batch as flat int32 arrays, ready for tf.tensor2d. */
export interface Batch {
  size: number;
  srcLen: number;
  tgtLen: number;
  /** [size, srcLen]: ids + `</s>`, padded with 0 */
  src: Int32Array;
  /** [size, tgtLen]: `<s>` + ids (teacher forcing input), padded */
  tgtIn: Int32Array;
  /** [size, tgtLen]: ids + `</s>` (what each position must predict), padded */
  tgtOut: Int32Array;
  /** Non-padding target tokens (what the loss averages over). */
  tokens: number;
}

/** Where the data order stands: batch `index` of epoch `epoch` of the order seeded by `seed`. */
export interface DataOrderState {
  epoch: number;
  index: number;
  seed: number;
}

function core(ids: readonly number[]): number[] {
  let start = 0;
  let end = ids.length;
  if (end > 0 && ids[0] === BOS_ID) start = 1;
  if (end > start && ids[end - 1] === EOS_ID) end -= 1;
  return ids.slice(start, end) as number[];
}

interface Prepared {
  src: number[]; // ids + </s>
  tgt: number[]; // ids (no specials)
}

/** Pads a group of pairs into a Batch. */
function makeBatch(items: readonly Prepared[]): Batch {
  const size = items.length;
  let srcLen = 1;
  let tgtLen = 1;
  for (const p of items) {
    srcLen = Math.max(srcLen, p.src.length);
    tgtLen = Math.max(tgtLen, p.tgt.length + 1);
  }
  const src = new Int32Array(size * srcLen);
  const tgtIn = new Int32Array(size * tgtLen);
  const tgtOut = new Int32Array(size * tgtLen);
  let tokens = 0;
  items.forEach((p, b) => {
    src.set(p.src, b * srcLen);
    tgtIn[b * tgtLen] = BOS_ID;
    tgtIn.set(p.tgt, b * tgtLen + 1);
    tgtOut.set(p.tgt, b * tgtLen);
    tgtOut[b * tgtLen + p.tgt.length] = EOS_ID;
    tokens += p.tgt.length + 1;
  });
  return { size, srcLen, tgtLen, src, tgtIn, tgtOut, tokens };
}

/** Pads arbitrary pairs into one batch (tests, evaluation of a few sentences). */
export function batchOf(pairs: readonly TokenizedPair[]): Batch {
  return makeBatch(pairs.map((p) => ({ src: [...core(p.src), EOS_ID], tgt: core(p.tgt) })));
}

export interface BatcherOptions {
  /** Padded tokens per batch: size * max(srcLen, tgtLen) stays within it (one longer pair still gets a batch). */
  batchTokens: number;
  /** Drop pairs with more tokens than this on either side (counting `</s>`). */
  maxLength: number;
  /** Seed of the data order. */
  seed: number;
  /** Shuffle batches (training); false keeps a fixed length order (evaluation). Default true. */
  shuffle?: boolean;
}

export class TokenBatcher {
  private readonly pairs: Prepared[];
  private readonly options: Required<BatcherOptions>;
  /** Pairs left out by the length filter. */
  readonly dropped: number;
  private epoch = 0;
  private index = 0;
  private plan: number[][] = [];

  constructor(pairs: readonly TokenizedPair[], options: BatcherOptions) {
    this.options = { shuffle: true, ...options };
    const kept: Prepared[] = [];
    for (const p of pairs) {
      const src = [...core(p.src), EOS_ID];
      const tgt = core(p.tgt);
      if (src.length > options.maxLength || tgt.length + 1 > options.maxLength) continue;
      kept.push({ src, tgt });
    }
    this.pairs = kept;
    this.dropped = pairs.length - kept.length;
    if (kept.length === 0) {
      throw new AppError(
        ErrorCode.CorpusEmpty,
        `None of the ${pairs.length} sentence pairs is at most ${options.maxLength} tokens long on both sides; raise maxLength or check the tokenized data.`,
      );
    }
    this.plan = this.planEpoch(0);
  }

  /** Usable pairs. */
  get size(): number {
    return this.pairs.length;
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    return this.plan.length;
  }

  /**
   * The batches of one epoch as lists of pair indices: pairs sorted by length (ties broken
   * at random), cut greedily into batches under the token budget, batches shuffled.
   */
  private planEpoch(epoch: number): number[][] {
    const rng = new Rng(hashSeed(this.options.seed, 'data-order', epoch));
    const n = this.pairs.length;
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.options.shuffle) rng.shuffle(order); // random tie-breaking within equal lengths
    const len = (i: number) => {
      const p = this.pairs[i] as Prepared;
      return { t: p.tgt.length + 1, s: p.src.length };
    };
    order.sort((a, b) => len(a).t - len(b).t || len(a).s - len(b).s); // stable sort keeps the shuffle as tie-break
    const batches: number[][] = [];
    let current: number[] = [];
    let maxLen = 0;
    for (const i of order) {
      const { t, s } = len(i);
      const m = Math.max(maxLen, t, s);
      if (current.length > 0 && (current.length + 1) * m > this.options.batchTokens) {
        batches.push(current);
        current = [];
        maxLen = 0;
      }
      current.push(i);
      maxLen = Math.max(maxLen, t, s);
    }
    if (current.length > 0) batches.push(current);
    if (this.options.shuffle) rng.shuffle(batches);
    return batches;
  }

  /** The next batch; rolls over into the next epoch (with a new order) at the end. */
  next(): Batch {
    if (this.index >= this.plan.length) {
      this.epoch += 1;
      this.index = 0;
      this.plan = this.planEpoch(this.epoch);
    }
    const ids = this.plan[this.index] as number[];
    this.index += 1;
    return makeBatch(ids.map((i) => this.pairs[i] as Prepared));
  }

  /** Every batch of the current order once, without moving the position (evaluation). */
  *all(): Generator<Batch> {
    for (const ids of this.planEpoch(0)) yield makeBatch(ids.map((i) => this.pairs[i] as Prepared));
  }

  get state(): DataOrderState {
    return { epoch: this.epoch, index: this.index, seed: this.options.seed };
  }

  /** Continues from an exported position: the next batch is the one that would have come next. */
  restore(state: DataOrderState): void {
    if (state.seed !== this.options.seed) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `The saved data order was made with seed ${state.seed} but this run uses seed ${this.options.seed}.`,
      );
    }
    this.epoch = state.epoch;
    this.index = state.index;
    this.plan = this.planEpoch(state.epoch);
  }
}
