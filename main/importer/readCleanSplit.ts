/**
 * The import's reading stage, shared by the import (importDataset.ts) and the preview's
 * full check (checkCorpus.ts) so that both read, clean, split and count exactly the same
 * words: read the training files, clean each pair, split off a seeded validation share (or
 * read the user's own validation files, where only empty pairs are dropped), and count the
 * training side's words for the tokenizer. Pairs go to the sinks the caller gives.
 */
import type { CleaningOptions, CleaningReport, ValidationOptions } from '../../shared/types';
import { WordCounter } from '../text/bpeTrainer';
import { Cleaner } from '../text/cleaning';
import { ValidationFilter, noValidationPairsError, nothingLeftError } from './clean';
import type { CorpusFileInfo } from './datasetsIO';
import { forEachPair, type ReadCorpusOptions } from './readCorpus';
import type { SourcePlan } from './sources';
import { SeededSplit, type PairSink } from './split';

export interface ReadCleanSplitInput {
  plan: SourcePlan;
  infos: readonly CorpusFileInfo[];
  /** The user's validation files, when they gave some. */
  validPlan: SourcePlan | undefined;
  validInfos: readonly CorpusFileInfo[];
  cleaning: CleaningOptions;
  validation: ValidationOptions;
  /** Where the training pairs and the validation pairs (split off or read) go. */
  train: PairSink;
  valid: PairSink;
  /** Reading options, given the bytes already read before this file set (for progress). */
  reading: (bytesBase: number) => ReadCorpusOptions;
  /** Called after each batch of pairs read. */
  afterBatch: (phase: 'reading' | 'validation') => (pairs: number) => Promise<void>;
}

export interface ReadCleanSplitResult {
  cleaning: CleaningReport;
  /** The user's validation files' report (only empty pairs dropped), when they gave some. */
  validCleaning?: CleaningReport;
  /** Words of the training side, for the tokenizer (validation stays unseen). */
  words: { src: WordCounter; tgt: WordCounter };
}

/** Runs the stage; throws the import's AppErrors when nothing (or no validation pair) is left. */
export async function readCleanSplit(input: ReadCleanSplitInput): Promise<ReadCleanSplitResult> {
  const { plan, infos, validPlan, validInfos, cleaning, validation, train, valid } = input;
  const cleaner = new Cleaner(cleaning);
  const words = { src: new WordCounter(), tgt: new WordCounter() };
  const split = new SeededSplit(
    train,
    valid,
    'fraction' in validation ? validation : undefined,
    (s, t) => {
      words.src.add(s);
      words.tgt.add(t);
    },
  );
  await forEachPair(
    plan,
    input.reading(0),
    (s, t) => {
      if (cleaner.keep(s, t)) split.add(s, t, cleaner.hash);
    },
    input.afterBatch('reading'),
  );
  split.finish(cleaner.report.kept);
  if (train.pairs === 0) throw nothingLeftError(infos, cleaner.report, cleaning);

  if (validPlan === undefined) return { cleaning: cleaner.report, words };
  const trainBytes = infos.reduce((s, f) => s + f.bytes, 0);
  const filter = new ValidationFilter();
  await forEachPair(
    validPlan,
    input.reading(trainBytes),
    (s, t) => {
      if (filter.keep(s, t)) valid.write(s, t);
    },
    input.afterBatch('validation'),
  );
  if (filter.report.kept === 0) throw noValidationPairsError(validInfos, filter.report);
  return { cleaning: cleaner.report, validCleaning: filter.report, words };
}
