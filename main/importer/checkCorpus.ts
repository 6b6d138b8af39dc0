/**
 * The import's validation without the import: resolve, read, clean and split
 * (importDataset.ts's stages, the reading one shared: readCleanSplit.ts) over the whole of
 * the dropped files, writing nothing, so the preview names a bad line anywhere in them.
 * On a small corpus it also trains the tokenizer, to say how many tokens the requested
 * vocabulary can really have.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { CorpusCheck, VocabCheck } from '../../shared/corpusCheck';
import { IMPORT_DEFAULTS } from '../../shared/schema/importOptions';
import type { ImportOptions, ImportProgress } from '../../shared/types';
import { type WordCounter } from '../text/bpeTrainer';
import { checkCleaning } from './clean';
import { ImportProgressReporter } from './importProgress';
import { guessLanguages, inspectCorpusFiles, resolveSource } from './sources';
import { readCleanSplit } from './readCleanSplit';
import { checkValidation } from './split';
import type { PairSink } from './split';
import { checkVocabSize, trainTokenizers } from './trainBpe';

/**
 * Distinct words above which the tokenizer is not trained for the check: past this the
 * corpus is large enough for any sensible vocabulary, and training would take seconds.
 */
export const VOCAB_CHECK_MAX_WORDS = 50_000;

export interface CheckHooks {
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

/** A sink that only counts: the check keeps no pair. */
class CountingSink implements PairSink {
  pairs = 0;
  write(): void {
    this.pairs++;
  }
}

/**
 * Runs the import's checks over every line of `files` (and the validation files) with
 * `options`. A problem the import would stop at comes back as `problem` (not thrown),
 * except cancellation, which throws AppError(Cancelled).
 */
export async function checkCorpus(
  files: string[],
  options: ImportOptions = {},
  hooks: CheckHooks = {},
): Promise<CorpusCheck> {
  try {
    return await runChecks(files, options, hooks);
  } catch (err) {
    if (err instanceof AppError && err.code !== ErrorCode.Cancelled)
      return { problem: err.toData() };
    throw err;
  }
}

async function runChecks(
  files: string[],
  options: ImportOptions,
  { signal, onProgress }: CheckHooks,
): Promise<CorpusCheck> {
  const vocabSize = checkVocabSize(options.vocabSize);
  const sharedVocab = options.sharedVocab ?? IMPORT_DEFAULTS.sharedVocab;
  const cleaning = checkCleaning(options.cleaning);
  const validation = checkValidation(options.validation);

  const infos = await inspectCorpusFiles(files);
  const plan = await resolveSource(infos, options, 'training');
  const validInfos = 'files' in validation ? await inspectCorpusFiles(validation.files) : [];
  const validPlan =
    validInfos.length > 0
      ? await resolveSource(
          validInfos,
          { ...options, format: options.format ?? plan.format },
          'validation',
        )
      : undefined;
  guessLanguages(plan, options);

  const trainBytes = infos.reduce((s, f) => s + f.bytes, 0);
  const progress = new ImportProgressReporter(
    trainBytes + validInfos.reduce((s, f) => s + f.bytes, 0),
    onProgress,
  );
  const reading = (bytesBase: number) => ({
    signal,
    maxLineBytes: options.maxLineBytes,
    onBytes: (bytes: number) => {
      progress.bytes = bytesBase + bytes;
    },
  });
  const afterBatch =
    (phase: 'reading' | 'validation') =>
    async (pairs: number): Promise<void> => {
      progress.lines += pairs;
      progress.emit(phase);
    };

  const train = new CountingSink();
  const valid = new CountingSink();
  const { cleaning: report, words } = await readCleanSplit({
    plan,
    infos,
    validPlan,
    validInfos,
    cleaning,
    validation,
    train,
    valid,
    reading,
    afterBatch,
  });

  const vocab =
    words.src.size + words.tgt.size <= VOCAB_CHECK_MAX_WORDS
      ? measureVocab(words.src, words.tgt, vocabSize, sharedVocab, signal)
      : undefined;
  progress.setPercent(100);
  progress.emit('done', true);
  return {
    cleaning: report,
    trainPairs: train.pairs,
    validPairs: valid.pairs,
    ...(vocab !== undefined ? { vocab } : {}),
  };
}

/** The vocabulary sizes BPE reaches on these words when asked for `requested` tokens. */
function measureVocab(
  src: WordCounter,
  tgt: WordCounter,
  requested: number,
  shared: boolean,
  signal: AbortSignal | undefined,
): VocabCheck {
  const t = trainTokenizers(src, tgt, { vocabSize: requested, shared, signal });
  return {
    requested,
    possible: t.source.vocabSize,
    ...(shared ? {} : { tgtPossible: t.target.vocabSize }),
  };
}
