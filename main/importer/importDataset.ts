/**
 * A dataset import, as a pipeline of stages, each its own file:
 *   resolve the sources (sources.ts) -> read (readCorpus.ts, csvRows.ts) -> clean (clean.ts)
 *   -> split (split.ts) -> train BPE (trainBpe.ts) -> statistics (tokenStats.ts)
 *   -> write (datasetDraft.ts).
 * This file composes them: option checks, the dataset's name, progress, cancellation, and
 * the guarantee that a failed or cancelled import leaves nothing in `datasets/`.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import { IMPORT_DEFAULTS } from '../../shared/schema/importOptions';
import type {
  DatasetMeta,
  DatasetStats,
  ImportOptions,
  ImportPhase,
  ImportProgress,
} from '../../shared/types';
import { stripGz } from '../text/corpusFormats';
import { checkCleaning } from './clean';
import { DatasetDraft } from './datasetDraft';
import {
  assertNameFree,
  checkDatasetName,
  listDatasets,
  makeDatasetId,
  nameKey,
} from './datasetFolder';
import { checkCancelled } from './datasetsIO';
import type { CorpusFileInfo } from './datasetsIO';
import { ImportProgressReporter } from './importProgress';
import type { ReadCorpusOptions } from './readCorpus';
import { guessLanguages, inspectCorpusFiles, resolveSource } from './sources';
import { readCleanSplit } from './readCleanSplit';
import { checkValidation } from './split';
import { tokenStats } from './tokenStats';
import { checkVocabSize, trainTokenizers } from './trainBpe';

export interface ImportHooks {
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting cancels the import (AppError Cancelled); nothing is left behind. */
  signal?: AbortSignal;
}

/**
 * Imports a parallel corpus into the datasets folder `dir`: two aligned text files (source
 * first), or one TSV, CSV or JSONL file; any of them gzipped. Streams, cleans, splits
 * (seeded, or own validation files), trains the BPE tokenizer(s), computes statistics,
 * and stores the dataset atomically. Throws AppError (CorpusInvalid,
 * CorpusLineCountMismatch, CorpusEncoding, CorpusEmpty, FileUnreadable, AlreadyExists,
 * InvalidArgument, Cancelled); on any failure nothing is left in `dir`.
 *
 * @param pendingNames name keys of the imports running in this process (the caller keeps
 *   one set for all its imports), so that two imports cannot take one name
 */
export async function importDataset(
  dir: string,
  files: string[],
  options: ImportOptions = {},
  hooks: ImportHooks = {},
  pendingNames: Set<string> = new Set(),
): Promise<DatasetMeta> {
  const { signal, onProgress } = hooks;
  const vocabSize = checkVocabSize(options.vocabSize);
  const sharedVocab = options.sharedVocab ?? IMPORT_DEFAULTS.sharedVocab;
  const cleaning = checkCleaning(options.cleaning);
  const validation = checkValidation(options.validation);
  checkCancelled(signal);

  // Resolve the sources.
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
  if (validPlan !== undefined && validPlan.format !== plan.format) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The validation files are ${validPlan.format} but the training files are ${plan.format}; give both in the same format.`,
    );
  }
  const langs = guessLanguages(plan, options);
  const srcLang = langs.src ?? 'src';
  const tgtLang = langs.tgt ?? 'tgt';

  // Name the dataset, and hold the name until the import ends.
  const name =
    options.name !== undefined
      ? checkDatasetName(options.name)
      : await defaultName(dir, infos, srcLang, tgtLang, pendingNames);
  await assertNameFree(dir, name);
  const key = nameKey(name);
  if (pendingNames.has(key)) {
    throw new AppError(
      ErrorCode.AlreadyExists,
      `A dataset named "${name}" is being imported right now; choose another name.`,
      { name },
    );
  }
  pendingNames.add(key);

  const trainBytes = infos.reduce((s, f) => s + f.bytes, 0);
  const progress = new ImportProgressReporter(
    trainBytes + validInfos.reduce((s, f) => s + f.bytes, 0),
    onProgress,
  );
  let draft: DatasetDraft | undefined;
  try {
    draft = await DatasetDraft.create(dir);
    const out = draft;
    const reading = (bytesBase: number): ReadCorpusOptions => ({
      signal,
      maxLineBytes: options.maxLineBytes,
      onBytes: (bytes) => {
        progress.bytes = bytesBase + bytes;
      },
    });
    const afterBatch =
      (phase: ImportPhase) =>
      async (pairs: number): Promise<void> => {
        progress.lines += pairs;
        await out.flushFull();
        progress.emit(phase);
      };

    // Read, clean and split the training corpus, counting words for the tokenizer; the
    // user's own validation files lose only empty pairs, so scores stay comparable.
    const {
      cleaning: cleaningReport,
      validCleaning,
      words,
    } = await readCleanSplit({
      plan,
      infos,
      validPlan,
      validInfos,
      cleaning,
      validation,
      train: draft.train,
      valid: draft.valid,
      reading,
      afterBatch,
    });
    await draft.closeSplits();
    const trainPairs = draft.train.pairs;
    const validPairs = draft.valid.pairs;

    // Tokenizer(s), trained on the training side only (validation stays unseen).
    progress.setPercent(72);
    progress.emit('tokenizer', true);
    const tokenizers = trainTokenizers(words.src, words.tgt, {
      vocabSize,
      shared: sharedVocab,
      signal,
      onProgress: (fraction) => {
        progress.setPercent(72 + 13 * fraction);
        progress.emit('tokenizer');
      },
    });

    // Token statistics over the stored training pairs.
    progress.setPercent(85);
    progress.emit('stats', true);
    const sides = await tokenStats(
      await draft.trainFiles(),
      tokenizers,
      { src: srcLang, tgt: tgtLang },
      words,
      {
        signal,
        onPairs: (encoded) => {
          progress.setPercent(85 + (14 * encoded) / trainPairs);
          progress.emit('stats');
        },
      },
    );

    // Save: tokenizer(s), stats, meta; then one rename makes the dataset appear.
    progress.setPercent(99);
    progress.emit('saving', true);
    const vocab = {
      vocabSize: tokenizers.source.vocabSize,
      ...(sharedVocab ? {} : { tgtVocabSize: tokenizers.target.vocabSize }),
    };
    const stats: DatasetStats = {
      trainPairs,
      validPairs,
      src: sides.src,
      tgt: sides.tgt,
      cleaning: cleaningReport,
      ...(validCleaning !== undefined ? { validCleaning } : {}),
      ...vocab,
    };
    await draft.writeTokenizers(tokenizers);
    await draft.writeStats(stats);
    const id = makeDatasetId(name);
    const meta: DatasetMeta = {
      id,
      name,
      srcLang,
      tgtLang,
      createdAt: new Date().toISOString(),
      sources: [...infos, ...validInfos].map((f) => f.name),
      trainPairs,
      validPairs,
      vocabSize: vocab.vocabSize,
      sharedVocab,
      ...(sharedVocab ? {} : { tgtVocabSize: tokenizers.target.vocabSize }),
      format: plan.format,
      punctuation: tokenizers.source.punctuation,
    };
    await draft.writeMeta(meta);
    checkCancelled(signal);
    await assertNameFree(dir, name);
    await draft.commit(id);
    draft = undefined;
    progress.setPercent(100);
    progress.emit('done', true);
    return meta;
  } catch (err) {
    await draft?.discard();
    throw failure(err, dir);
  } finally {
    pendingNames.delete(key);
  }
}

/** An AppError for whatever stopped the import: AppErrors as they are, a full disk in words. */
function failure(err: unknown, dir: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError(
      ErrorCode.Internal,
      `The disk holding ${dir} is full; nothing was imported. Free some space and import again.`,
    );
  }
  return new AppError(
    ErrorCode.Internal,
    `The import failed unexpectedly (nothing was saved): ${err instanceof Error ? err.message : String(err)}`,
  );
}

/** `<file stem> <src>-<tgt>`, numbered `(2)`, `(3)`... past the names taken or being imported. */
async function defaultName(
  dir: string,
  infos: CorpusFileInfo[],
  src: string,
  tgt: string,
  pendingNames: ReadonlySet<string>,
): Promise<string> {
  const stem =
    stripGz(infos[0]!.name)
      .replace(/\.[^.]*$/, '')
      .replace(/[._-](?:[a-z]{2,3}[-_])?[a-z]{2,3}$/i, '') || 'corpus';
  const base = `${stem} ${src}-${tgt}`;
  const taken = new Set((await listDatasets(dir)).map((m) => nameKey(m.name)));
  for (const k of pendingNames) taken.add(k);
  if (!taken.has(nameKey(base))) return base;
  for (let i = 2; ; i++) if (!taken.has(nameKey(`${base} (${i})`))) return `${base} (${i})`;
}
