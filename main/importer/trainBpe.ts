/**
 * Import stage 5, train BPE: the tokenizer(s) learned from the training side's word counts
 * (the validation pairs stay unseen), one shared vocabulary or one per language. The
 * trainer itself is main/text/bpeTrainer.ts.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import { IMPORT_DEFAULTS } from '../../shared/schema/importOptions';
import { trainTokenizerPair } from '../text/bpeTrainer';
import type { WordCounter } from '../text/bpeTrainer';
import type { BpeTokenizer } from '../text/tokenizer';
import { checkCancelled } from './datasetsIO';

/** The source and target tokenizers (the same object when the vocabulary is shared). */
export interface TrainedTokenizers {
  source: BpeTokenizer;
  target: BpeTokenizer;
  shared: boolean;
}

export interface TrainBpeOptions {
  vocabSize: number;
  shared: boolean;
  signal?: AbortSignal | undefined;
  /** Share of the training done, 0 to 1, every few hundred merges. */
  onProgress?: (fraction: number) => void;
}

/** The vocabulary size with the default filled in; InvalidArgument when it is not a whole number of at least 5. */
export function checkVocabSize(vocabSize: number | undefined): number {
  const v = vocabSize ?? IMPORT_DEFAULTS.vocabSize;
  if (!Number.isInteger(v) || v < 5) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The vocabulary size must be a whole number of at least 5 (it includes 4 special tokens); got ${v}.`,
    );
  }
  return v;
}

/** Trains the tokenizer(s) on the counted words; throws Cancelled when the signal fires. */
export function trainTokenizers(
  srcWords: WordCounter,
  tgtWords: WordCounter,
  options: TrainBpeOptions,
): TrainedTokenizers {
  const { vocabSize, shared, signal, onProgress } = options;
  checkCancelled(signal);
  // Two separate vocabularies are trained one after the other: each is half the work.
  const share = shared ? 1 : 0.5;
  const trained = trainTokenizerPair(srcWords, tgtWords, {
    vocabSize,
    shared,
    signal,
    onProgress: (tokens, size) => onProgress?.(share * (tokens / size)),
  });
  checkCancelled(signal);
  return { ...trained, shared };
}
