/**
 * The synthetic inputs of the benchmarks, in one place so that every benchmark and the
 * PyTorch peer (scripts/bench/peer/torch_transformer.py, through compare.ts's job file) use
 * exactly the same data: the training cases, their sentence pairs, the batches the engine's
 * Trainer takes from them, and the decoding sources. No tfjs here: compare.ts, which only
 * orchestrates processes, plans the batches without loading an engine.
 */
import { Rng } from '../../main/model/random';
import type { Batch, TokenizedPair } from '../../main/training/batching';
import { TokenBatcher } from '../../main/training/batching';
import { PRESETS } from '../../shared/types';
import type { ModelConfig, TrainConfig } from '../../shared/types';

export interface TrainCase {
  name: string;
  model: ModelConfig;
  train: TrainConfig;
  /** Sentence length range (content tokens, before `</s>`). */
  minLen: number;
  maxLen: number;
}

/** Sentence pairs per case and their seed: enough for ~30 batches of the reference. */
export const PAIRS = 4000;
export const PAIRS_SEED = 1;

/** The training benchmark's cases: the `tiny` and `small` presets and the reference model. */
export function trainCases(): TrainCase[] {
  const tiny = PRESETS.tiny;
  const small = PRESETS.small;
  const withVocab = (m: typeof tiny.model, v: number): ModelConfig => ({
    ...m,
    srcVocabSize: v,
    tgtVocabSize: v,
  });
  return [
    {
      name: 'tiny',
      model: withVocab(tiny.model, tiny.vocabSize),
      train: tiny.train,
      minLen: 8,
      maxLen: 20,
    },
    {
      name: 'small',
      model: withVocab(small.model, small.vocabSize),
      train: small.train,
      minLen: 8,
      maxLen: 20,
    },
    {
      name: 'reference',
      model: withVocab(small.model, 8000), // same shape as the reference: d 256, 4 heads, d_ff 1024, 3+3
      train: { ...small.train, batchTokens: 4096 },
      // The reference's batches: content length 24..31, then </s>, in 32 columns.
      minLen: 24,
      maxLen: 31,
    },
  ];
}

/** The model of ../shared/reference that the engine and PyTorch are compared on. */
export function referenceCase(): TrainCase {
  return trainCases().find((c) => c.name === 'reference') as TrainCase;
}

/** Random sentences, target = reversed source (the reference's task). */
export function syntheticPairs(
  n: number,
  vocab: number,
  minLen: number,
  maxLen: number,
  seed: number,
): TokenizedPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = minLen + rng.int(maxLen - minLen + 1);
    const src = Array.from({ length: len }, () => 4 + rng.int(vocab - 4));
    return { src, tgt: [...src].reverse() };
  });
}

/** The training pairs of a case (what train.ts and compare.ts train on). */
export function casePairs(c: TrainCase, count = PAIRS): TokenizedPair[] {
  return syntheticPairs(count, c.model.tgtVocabSize, c.minLen, c.maxLen, PAIRS_SEED);
}

/**
 * The first `count` batches a Trainer built from (c, pairs) takes, in order. Built with the
 * options Trainer's constructor gives its TokenBatcher (budget, length limit, seed); the
 * engine side reports the target tokens of each step it took, and compare.ts checks them
 * against these, so a change in the Trainer's batching cannot pass unnoticed.
 */
export function plannedBatches(
  c: TrainCase,
  pairs: readonly TokenizedPair[],
  count: number,
): Batch[] {
  const batcher = new TokenBatcher(pairs, {
    batchTokens: c.train.batchTokens,
    maxLength: Math.min(c.train.maxLength, c.model.maxPositions),
    seed: c.train.seed,
  });
  return Array.from({ length: count }, () => batcher.next());
}

/**
 * Pairs that make exactly one batch of `batchTokens` padded tokens: every sentence has the
 * reference's longest length (31 + `</s>` = 32 columns), so the batch is
 * [batchTokens / 32, 32] on both sides with no padding. The largest-batch probe uses it so a
 * budget means the same work for the engine and the peer.
 */
export function probePairs(c: TrainCase, batchTokens: number): TokenizedPair[] {
  const columns = c.maxLen + 1;
  const rows = Math.max(1, Math.floor(batchTokens / columns));
  return syntheticPairs(rows, c.model.tgtVocabSize, c.maxLen, c.maxLen, PAIRS_SEED);
}

/** Decoding sources: 19 random tokens (+ `</s>` = 20), the LCG stream decode.ts always used. */
export const DECODE_VOCAB = 8000;
export const DECODE_SRC_LEN = 19;
export const DECODE_SEED = 7;
/** Beam width and GNMT length-penalty exponent of 'beam 4' (paper 6.1). */
export const DECODE_BEAM = { beamSize: 4, alpha: 0.6 } as const;
/**
 * Target tokens allowed beyond the source length: 0, so every hypothesis may produce at most
 * 20 tokens, and random weights rarely choose `</s>`: every configuration runs 20 decoder
 * steps and the searches do comparable work.
 */
export const DECODE_MARGIN = 0;

export function decodeSources(count: number, seed = DECODE_SEED): number[][] {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: DECODE_SRC_LEN }, () => 4 + (next() % (DECODE_VOCAB - 4))),
  );
}
