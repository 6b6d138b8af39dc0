/**
 * The datasets of a studio home (DESIGN.md "Data on disk"): import of parallel corpora
 * (streamed, validated, cleaned, split, tokenizer trained, stats), list, rename, delete,
 * and reading the stored pairs back for training.
 *
 * An import builds `datasets/.import-<pid>-<random>/` and renames it to
 * `datasets/<id>/` only when everything is written and fsynced; a failed or cancelled
 * import removes its folder, and folders of a killed process are swept on the next list.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';
import type { ErrorData } from '../../shared/errors';
import type { DatasetPreview } from '../../shared/preview';
import type {
  CleaningReport,
  DatasetMeta,
  DatasetStats,
  ImportOptions,
  ImportPhase,
  ImportProgress,
  ValidationOptions,
} from '../../shared/types';
import {
  DEFAULT_CLEANING,
  Cleaner,
  emptyCleaningReport,
  isValidationPair,
  normalizeSentence,
} from '../text/cleaning';
import type { CleaningOptions } from '../text/cleaning';
import {
  RecordParser,
  SideStatsAccumulator,
  describeColumns,
  emptyFileError,
  lineCountMismatch,
} from '../text/corpus';
import type { ColumnPick } from '../text/corpus';
import {
  CORPUS_FORMATS,
  guessLanguageFromName,
  guessLanguagePairFromName,
  sniffSingleFileFormat,
  stripGz,
} from '../text/corpusFormats';
import type { CorpusFormat } from '../text/corpusFormats';
import { WordCounter, trainTokenizerPair } from '../text/bpeTrainer';
import type { BpeTokenizer } from '../text/tokenizer';
import {
  TRASH_PREFIX,
  fsyncDir,
  removeAtomic,
  writeFileAtomic,
  writeJsonAtomic,
} from '../runFolder/atomicFs';
import { LineWriter, checkCancelled, inspectFile, readLines } from './datasetsIO';
import type { CorpusFileInfo } from './datasetsIO';

export type { CorpusFormat } from '../text/corpusFormats';
export type { ColumnPick, ColumnRef, ColumnsOverview, ColumnInfo } from '../text/corpus';
export type { CleaningOptions, LengthUnit } from '../text/cleaning';
export type { DatasetPreview, ImportOptions, ImportPhase, ImportProgress, ValidationOptions };

// ---------------------------------------------------------------------------
// Public types

export interface ImportHooks {
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting cancels the import (AppError Cancelled); nothing is left behind. */
  signal?: AbortSignal;
}

export interface PreviewOptions {
  format?: CorpusFormat;
  columns?: ColumnPick;
  header?: boolean;
  /** Pairs to show (default 20). */
  limit?: number;
}

/** The stored tokenizer(s) of a dataset, as Hugging Face tokenizer.json text. */
export type DatasetTokenizerFiles =
  { shared: true; json: string } | { shared: false; src: string; tgt: string };

export interface DeleteOptions {
  /** Delete even when runs use the dataset. */
  force?: boolean;
  /** Names or ids of the runs that use this dataset (the caller knows the runs). */
  inUseBy?: string[];
}

// ---------------------------------------------------------------------------

const DEFAULT_VOCAB = 8000;
const DEFAULT_VALID_FRACTION = 0.05;
const DEFAULT_VALID_MAX = 5000;
const PROGRESS_INTERVAL_MS = 200;
const SAMPLE_LINES = 200;

const FILES = {
  meta: 'meta.json',
  stats: 'stats.json',
  trainSrc: 'train.src',
  trainTgt: 'train.tgt',
  validSrc: 'valid.src',
  validTgt: 'valid.tgt',
  tokenizer: 'tokenizer.json',
  tokenizerSrc: 'tokenizer.src.json',
  tokenizerTgt: 'tokenizer.tgt.json',
} as const;

const ID_RE = /^[a-z0-9][a-z0-9-]{0,80}$/;

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

function invalidArg(message: string): AppError {
  return new AppError(ErrorCode.InvalidArgument, message);
}

/** A URL- and file-safe id from a name plus randomness: `multi30k-en-de-3f9a1c`. */
function makeId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug === '' ? 'dataset' : slug}-${randomBytes(3).toString('hex')}`;
}

function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Files of one corpus (training or validation) with their resolved format. */
interface SourcePlan {
  format: CorpusFormat;
  files: CorpusFileInfo[];
  columns: ColumnPick | undefined;
  header: boolean;
  /** TSV/CSV/JSONL: the first lines, as read for sniffing. */
  sample?: string[];
  /** Languages named by the header row (or field names) of the picked columns. */
  headerLangs?: { src?: string | undefined; tgt?: string | undefined };
}

interface Progress {
  emit(phase: ImportPhase, force?: boolean): void;
  lines: number;
  bytes: number;
}

/**
 * The datasets of one studio home. Every method is async and throws AppError.
 *
 * @param home the studio home folder; datasets live in `<home>/datasets/`.
 */
export class DatasetService {
  readonly dir: string;
  /** Names of imports in progress in this process, so two imports cannot take one name. */
  private readonly pendingNames = new Set<string>();

  constructor(readonly home: string) {
    this.dir = join(home, 'datasets');
  }

  // -------------------------------------------------------------------------
  // Reading

  /** Every complete dataset, newest first. Also sweeps folders left by killed imports. */
  async list(): Promise<DatasetMeta[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: DatasetMeta[] = [];
    for (const entry of entries) {
      if (entry.startsWith('.')) {
        await this.sweep(entry);
        continue;
      }
      if (!ID_RE.test(entry)) continue;
      try {
        out.push(await this.readMeta(entry));
      } catch {
        // A folder without a readable meta.json is not a dataset (never produced by import).
      }
    }
    out.sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name.localeCompare(b.name),
    );
    return out;
  }

  /** One dataset's meta; NotFound when there is none. */
  async get(id: string): Promise<DatasetMeta> {
    this.checkId(id);
    try {
      return await this.readMeta(id);
    } catch {
      throw this.notFound(id);
    }
  }

  /** One dataset's statistics (stats.json). */
  async stats(id: string): Promise<DatasetStats> {
    await this.get(id);
    return JSON.parse(await readFile(join(this.dir, id, FILES.stats), 'utf8')) as DatasetStats;
  }

  /** The stored pairs of a split, for training or evaluation. */
  async readPairs(id: string, split: 'train' | 'valid'): Promise<{ src: string[]; tgt: string[] }> {
    await this.get(id);
    const read = async (file: string): Promise<string[]> => {
      const text = await readFile(join(this.dir, id, file), 'utf8');
      if (text === '') return [];
      const lines = text.split('\n');
      lines.pop(); // every stored line ends with "\n"
      return lines;
    };
    const src = await read(split === 'train' ? FILES.trainSrc : FILES.validSrc);
    const tgt = await read(split === 'train' ? FILES.trainTgt : FILES.validTgt);
    if (src.length !== tgt.length) {
      throw new AppError(
        ErrorCode.CorpusInvalid,
        `Dataset ${id} is damaged: its ${split} source has ${formatInt(src.length)} lines but its target ${formatInt(tgt.length)}; import the corpus again.`,
      );
    }
    return { src, tgt };
  }

  /** The stored tokenizer(s) as tokenizer.json text, for BpeTokenizer.fromJSON. */
  async loadTokenizer(id: string): Promise<DatasetTokenizerFiles> {
    const meta = await this.get(id);
    const read = (file: string): Promise<string> => readFile(join(this.dir, id, file), 'utf8');
    if (meta.sharedVocab) return { shared: true, json: await read(FILES.tokenizer) };
    return {
      shared: false,
      src: await read(FILES.tokenizerSrc),
      tgt: await read(FILES.tokenizerTgt),
    };
  }

  // -------------------------------------------------------------------------
  // Changing

  /** Renames a dataset (the id stays); AlreadyExists when another dataset has that name. */
  async rename(id: string, name: string): Promise<DatasetMeta> {
    const meta = await this.get(id);
    const clean = this.checkName(name);
    await this.assertNameFree(clean, id);
    const next: DatasetMeta = { ...meta, name: clean };
    await writeJsonAtomic(join(this.dir, id, FILES.meta), next);
    return next;
  }

  /**
   * Deletes a dataset. When runs use it (`inUseBy`, which the caller knows), this is an
   * InUse error unless `force`. The folder is first renamed away, so it vanishes from the
   * list at once even if removing its files is slow or interrupted.
   */
  async delete(id: string, options: DeleteOptions = {}): Promise<void> {
    const meta = await this.get(id);
    const users = options.inUseBy ?? [];
    if (users.length > 0 && options.force !== true) {
      throw new AppError(
        ErrorCode.InUse,
        `Dataset "${meta.name}" is used by ${users.length === 1 ? 'run' : 'runs'} ${users.map((u) => `"${u}"`).join(', ')}; those runs could not resume or be evaluated without it. Delete the runs first, or confirm to delete the dataset anyway.`,
        { id, runs: users.join(', ') },
      );
    }
    await removeAtomic(join(this.dir, id));
  }

  // -------------------------------------------------------------------------
  // Preview

  /**
   * What the dropped files hold: the detected format, the columns or fields to pick from
   * (with sample values), guessed languages, the first pairs, and problems found so far.
   * Reads only the start of each file.
   */
  async preview(files: string[], options: PreviewOptions = {}): Promise<DatasetPreview> {
    const infos = await this.inspectAll(files);
    const limit = options.limit ?? 20;
    const problems: ErrorData[] = [];
    const plan = await this.resolveSource(infos, options, 'training', problems);
    const langs = this.guessLangs(plan, {});
    const pairs: { src: string; tgt: string }[] = [];
    const preview: DatasetPreview = {
      format: plan.format,
      files: infos.map((f) => ({ name: f.name, bytes: f.bytes, gzip: f.gzip })),
      pairs,
      problems,
      ...(langs.src !== undefined ? { srcLang: langs.src } : {}),
      ...(langs.tgt !== undefined ? { tgtLang: langs.tgt } : {}),
    };
    const note = (err: unknown): void => {
      if (!(err instanceof AppError)) throw err;
      if (!problems.some((p) => p.message === err.message)) problems.push(err.toData());
    };
    if (plan.format !== 'aligned') {
      preview.columns = describeColumns(plan.format, plan.sample ?? [], options.header);
      preview.header = plan.header;
      if (plan.columns === undefined) {
        if (problems.length === 0) {
          problems.push(
            invalidArg(
              `${infos[0]!.name} has fewer than two text columns to pick from; a ${plan.format.toUpperCase()} corpus needs one column per language.`,
            ).toData(),
          );
        }
        return preview;
      }
      preview.picked = plan.columns;
      // Line by line over the sample, so the pairs before a bad row still show.
      try {
        const parser = new RecordParser({
          format: plan.format,
          file: infos[0]!.name,
          columns: plan.columns,
          header: plan.header,
        });
        let lineNo = 1;
        for (const line of plan.sample ?? []) {
          const pair = parser.push(line, lineNo++);
          if (pair !== null) pairs.push({ src: pair[0], tgt: pair[1] });
          if (pairs.length >= limit) break;
        }
      } catch (err) {
        note(err);
      }
      return preview;
    }
    try {
      for await (const [src, tgt] of this.pairBatches(plan, { onBytes: () => undefined })) {
        for (let i = 0; i < src.length && pairs.length < limit; i++)
          pairs.push({ src: src[i]!, tgt: tgt[i]! });
        if (pairs.length >= limit) break;
      }
    } catch (err) {
      note(err);
    }
    return preview;
  }

  // -------------------------------------------------------------------------
  // Import

  /**
   * Imports a parallel corpus: two aligned text files (source first), or one TSV, CSV or
   * JSONL file; any of them gzipped. Streams, cleans, splits (seeded, or own validation
   * files), trains the BPE tokenizer(s), computes statistics, and stores the dataset
   * atomically. Throws AppError (CorpusInvalid, CorpusLineCountMismatch, CorpusEncoding,
   * CorpusEmpty, FileUnreadable, AlreadyExists, InvalidArgument, Cancelled); on any
   * failure nothing is left in `datasets/`.
   */
  async import(
    files: string[],
    options: ImportOptions = {},
    hooks: ImportHooks = {},
  ): Promise<DatasetMeta> {
    const { signal, onProgress } = hooks;
    const vocabSize = options.vocabSize ?? DEFAULT_VOCAB;
    if (!Number.isInteger(vocabSize) || vocabSize < 5) {
      throw invalidArg(
        `The vocabulary size must be a whole number of at least 5 (it includes 4 special tokens); got ${vocabSize}.`,
      );
    }
    const sharedVocab = options.sharedVocab ?? true;
    const cleaning = this.checkCleaning(options.cleaning);
    const validation = options.validation ?? { fraction: DEFAULT_VALID_FRACTION };
    if ('fraction' in validation && !(validation.fraction >= 0 && validation.fraction <= 0.5)) {
      throw invalidArg(
        `The validation fraction must be between 0 and 0.5; got ${validation.fraction}.`,
      );
    }
    checkCancelled(signal);

    const infos = await this.inspectAll(files);
    const plan = await this.resolveSource(infos, options, 'training');
    const validInfos = 'files' in validation ? await this.inspectAll(validation.files) : [];
    const validPlan =
      validInfos.length > 0
        ? await this.resolveSource(
            validInfos,
            { ...options, format: options.format ?? plan.format },
            'validation',
          )
        : undefined;
    if (validPlan !== undefined && validPlan.format !== plan.format) {
      throw invalidArg(
        `The validation files are ${validPlan.format} but the training files are ${plan.format}; give both in the same format.`,
      );
    }
    const langs = this.guessLangs(plan, options);
    const srcLang = langs.src ?? 'src';
    const tgtLang = langs.tgt ?? 'tgt';
    const name =
      options.name !== undefined
        ? this.checkName(options.name)
        : await this.defaultName(infos, srcLang, tgtLang);
    await this.assertNameFree(name);
    const key = nameKey(name);
    if (this.pendingNames.has(key)) {
      throw new AppError(
        ErrorCode.AlreadyExists,
        `A dataset named "${name}" is being imported right now; choose another name.`,
        { name },
      );
    }
    this.pendingNames.add(key);

    const totalBytes = [...infos, ...validInfos].reduce((s, f) => s + f.bytes, 0);
    let lastEmit = 0;
    let percent = 0;
    const progress: Progress = {
      lines: 0,
      bytes: 0,
      emit(phase, force = false) {
        const now = Date.now();
        if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
        lastEmit = now;
        if (phase === 'reading' || phase === 'validation')
          percent = totalBytes > 0 ? (70 * progress.bytes) / totalBytes : 0;
        onProgress?.({
          phase,
          lines: progress.lines,
          bytes: progress.bytes,
          totalBytes,
          percent: Math.min(100, Math.round(percent * 10) / 10),
        });
      },
    };
    const setPercent = (p: number): void => {
      percent = p;
    };

    const tmp = join(this.dir, `.import-${process.pid}-${randomBytes(4).toString('hex')}`);
    const writers: LineWriter[] = [];
    try {
      await mkdir(this.dir, { recursive: true });
      await mkdir(tmp);
      const open = async (file: string): Promise<LineWriter> => {
        const w = await LineWriter.create(join(tmp, file));
        writers.push(w);
        return w;
      };
      const trainSrc = await open(FILES.trainSrc);
      const trainTgt = await open(FILES.trainTgt);
      const validSrc = await open(FILES.validSrc);
      const validTgt = await open(FILES.validTgt);

      // Pass 1: read, clean, split, count words for the tokenizer.
      const cleaner = new Cleaner(cleaning);
      const srcWords = new WordCounter();
      const tgtWords = new WordCounter();
      const split = 'fraction' in validation ? validation : undefined;
      const seed = split?.seed ?? 1;
      const validMax = split?.maxPairs ?? DEFAULT_VALID_MAX;
      // One kept training pair is held back, so a corpus too small for the fraction to
      // pick any validation pair can still give one (see below).
      let held: [string, string] | undefined;
      const emitTrain = (s: string, t: string): void => {
        if (held !== undefined) {
          trainSrc.write(held[0]);
          trainTgt.write(held[1]);
        }
        held = [s, t];
        srcWords.add(s);
        tgtWords.add(t);
      };
      let bytesBase = 0;
      const onBytes = (b: number): void => {
        progress.bytes = bytesBase + b;
      };
      for await (const [srcBatch, tgtBatch] of this.pairBatches(plan, {
        signal,
        onBytes,
        maxLineBytes: options.maxLineBytes,
      })) {
        for (let i = 0; i < srcBatch.length; i++) {
          const s = normalizeSentence(srcBatch[i]!);
          const t = normalizeSentence(tgtBatch[i]!);
          if (!cleaner.keep(s, t)) continue;
          if (
            split !== undefined &&
            validSrc.lines < validMax &&
            isValidationPair(cleaner.hash, seed, split.fraction)
          ) {
            validSrc.write(s);
            validTgt.write(t);
          } else emitTrain(s, t);
        }
        progress.lines += srcBatch.length;
        for (const w of writers) if (w.full) await w.flush();
        progress.emit('reading');
      }
      if (held !== undefined) {
        if (
          split !== undefined &&
          split.fraction > 0 &&
          validSrc.lines === 0 &&
          cleaner.report.kept >= 2
        ) {
          validSrc.write(held[0]);
          validTgt.write(held[1]);
        } else {
          trainSrc.write(held[0]);
          trainTgt.write(held[1]);
        }
      }
      if (trainSrc.lines === 0) throw this.nothingLeft(infos, cleaner.report, cleaning);

      // The user's own validation files: only empty pairs are dropped, so scores stay comparable.
      let validCleaning: CleaningReport | undefined;
      if (validPlan !== undefined) {
        bytesBase = infos.reduce((s, f) => s + f.bytes, 0);
        validCleaning = emptyCleaningReport();
        for await (const [srcBatch, tgtBatch] of this.pairBatches(validPlan, {
          signal,
          onBytes,
          maxLineBytes: options.maxLineBytes,
        })) {
          for (let i = 0; i < srcBatch.length; i++) {
            const s = normalizeSentence(srcBatch[i]!);
            const t = normalizeSentence(tgtBatch[i]!);
            validCleaning.read++;
            if (s === '' || t === '') {
              validCleaning.droppedEmpty++;
              continue;
            }
            validCleaning.kept++;
            validSrc.write(s);
            validTgt.write(t);
          }
          progress.lines += srcBatch.length;
          for (const w of writers) if (w.full) await w.flush();
          progress.emit('validation');
        }
        if (validCleaning.kept === 0) {
          throw new AppError(
            ErrorCode.CorpusEmpty,
            `The validation files ${validInfos.map((f) => f.name).join(' and ')} have no usable pairs (${formatInt(validCleaning.read)} read, all empty on one side or both).`,
            { file: validInfos[0]!.name, line: null, byte: null },
          );
        }
      }
      for (const w of writers.splice(0)) await w.close();
      const trainPairs = trainSrc.lines;
      const validPairs = validSrc.lines;

      // Tokenizer(s), trained on the training side only (validation stays unseen).
      setPercent(72);
      progress.emit('tokenizer', true);
      checkCancelled(signal);
      const trained = trainTokenizerPair(srcWords, tgtWords, {
        vocabSize,
        shared: sharedVocab,
        signal,
        onProgress: (tokens, size) => {
          setPercent(72 + (sharedVocab ? 13 : 6.5) * (tokens / size));
          progress.emit('tokenizer');
        },
      });
      checkCancelled(signal);

      // Pass 2: token statistics over the stored training pairs.
      setPercent(85);
      progress.emit('stats', true);
      const srcStats = new SideStatsAccumulator(srcLang);
      const tgtStats = new SideStatsAccumulator(tgtLang);
      const stored: SourcePlan = {
        format: 'aligned',
        files: await Promise.all([
          inspectFile(join(tmp, FILES.trainSrc)),
          inspectFile(join(tmp, FILES.trainTgt)),
        ]),
        columns: undefined,
        header: false,
      };
      let encoded = 0;
      for await (const [srcBatch, tgtBatch] of this.pairBatches(stored, {
        signal,
        onBytes: () => undefined,
      })) {
        for (let i = 0; i < srcBatch.length; i++) {
          srcStats.addIds(trained.source.encode(srcBatch[i]!));
          tgtStats.addIds(trained.target.encode(tgtBatch[i]!));
        }
        encoded += srcBatch.length;
        setPercent(85 + (14 * encoded) / trainPairs);
        progress.emit('stats');
      }

      // Save: tokenizer(s), stats, meta; then one rename makes the dataset appear.
      setPercent(99);
      progress.emit('saving', true);
      const tokenName = (t: BpeTokenizer) => (id: number) => t.idToToken(id);
      const stats: DatasetStats = {
        trainPairs,
        validPairs,
        src: srcStats.finish(tokenName(trained.source), srcWords.size),
        tgt: tgtStats.finish(tokenName(trained.target), tgtWords.size),
        cleaning: cleaner.report,
        ...(validCleaning !== undefined ? { validCleaning } : {}),
        vocabSize: trained.source.vocabSize,
        ...(sharedVocab ? {} : { tgtVocabSize: trained.target.vocabSize }),
      };
      if (sharedVocab) await writeFileAtomic(join(tmp, FILES.tokenizer), trained.source.toJSON());
      else {
        await writeFileAtomic(join(tmp, FILES.tokenizerSrc), trained.source.toJSON());
        await writeFileAtomic(join(tmp, FILES.tokenizerTgt), trained.target.toJSON());
      }
      await writeJsonAtomic(join(tmp, FILES.stats), stats);
      const id = makeId(name);
      const meta: DatasetMeta = {
        id,
        name,
        srcLang,
        tgtLang,
        createdAt: new Date().toISOString(),
        sources: [...infos, ...validInfos].map((f) => f.name),
        trainPairs,
        validPairs,
        vocabSize: trained.source.vocabSize,
        sharedVocab,
        ...(sharedVocab ? {} : { tgtVocabSize: trained.target.vocabSize }),
        format: plan.format,
      };
      await writeJsonAtomic(join(tmp, FILES.meta), meta);
      checkCancelled(signal);
      await this.assertNameFree(name);
      await rename(tmp, join(this.dir, id));
      await fsyncDir(this.dir);
      setPercent(100);
      progress.emit('done', true);
      return meta;
    } catch (err) {
      for (const w of writers) await w.abandon();
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      if (err instanceof AppError) throw err;
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new AppError(
          ErrorCode.Internal,
          `The disk holding ${this.dir} is full; nothing was imported. Free some space and import again.`,
        );
      }
      throw new AppError(
        ErrorCode.Internal,
        `The import failed unexpectedly (nothing was saved): ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      this.pendingNames.delete(key);
    }
  }

  // -------------------------------------------------------------------------
  // Internals

  /** Pairs of a source in batches, checking alignment and emptiness as it goes. */
  private async *pairBatches(
    plan: SourcePlan,
    opts: {
      signal?: AbortSignal | undefined;
      onBytes: (bytes: number) => void;
      maxLineBytes?: number | undefined;
    },
  ): AsyncGenerator<[string[], string[]]> {
    const readOpts = { signal: opts.signal, maxLineBytes: opts.maxLineBytes };
    if (plan.format === 'aligned') {
      const [a, b] = plan.files as [CorpusFileInfo, CorpusFileInfo];
      yield* this.alignedBatches(a, b, readOpts, opts.onBytes);
      return;
    }
    const info = plan.files[0]!;
    const parser = new RecordParser({
      format: plan.format,
      file: info.name,
      columns: plan.columns!,
      header: plan.header,
    });
    let any = false;
    for await (const batch of readLines(info, readOpts)) {
      any = true;
      opts.onBytes(batch.bytesRead);
      const src: string[] = [];
      const tgt: string[] = [];
      let lineNo = batch.firstLine;
      for (const line of batch.lines) {
        const pair = parser.push(line, lineNo++);
        if (pair !== null) {
          src.push(pair[0]);
          tgt.push(pair[1]);
        }
      }
      yield [src, tgt];
    }
    if (!any) throw emptyFileError(info.name);
    parser.end();
  }

  /** Two aligned files in lockstep; on a count mismatch, reads the longer one to the end to give both counts. */
  private async *alignedBatches(
    a: CorpusFileInfo,
    b: CorpusFileInfo,
    readOpts: { signal?: AbortSignal | undefined; maxLineBytes?: number | undefined },
    onBytes: (bytes: number) => void,
  ): AsyncGenerator<[string[], string[]]> {
    const ia = readLines(a, readOpts);
    const ib = readLines(b, readOpts);
    let qa: string[] = [];
    let qb: string[] = [];
    let na = 0;
    let nb = 0;
    let bytesA = 0;
    let bytesB = 0;
    let doneA = false;
    let doneB = false;
    try {
      for (;;) {
        while (qa.length === 0 && !doneA) {
          const r = await ia.next();
          if (r.done === true) doneA = true;
          else {
            qa = r.value.lines;
            na += qa.length;
            bytesA = r.value.bytesRead;
          }
        }
        while (qb.length === 0 && !doneB) {
          const r = await ib.next();
          if (r.done === true) doneB = true;
          else {
            qb = r.value.lines;
            nb += qb.length;
            bytesB = r.value.bytesRead;
          }
        }
        onBytes(bytesA + bytesB);
        if (qa.length === 0 || qb.length === 0) break;
        const n = Math.min(qa.length, qb.length);
        const sa = qa.length === n ? qa : qa.slice(0, n);
        const sb = qb.length === n ? qb : qb.slice(0, n);
        qa = qa.length === n ? [] : qa.slice(n);
        qb = qb.length === n ? [] : qb.slice(n);
        yield [sa, sb];
      }
      if (na === 0) throw emptyFileError(a.name);
      if (nb === 0) throw emptyFileError(b.name);
      if (qa.length > 0 || qb.length > 0) {
        // One file ended first: count the rest of the other, for a message with both counts.
        const longIt = qa.length > 0 ? ia : ib;
        let longCount = qa.length > 0 ? na : nb;
        for (;;) {
          const r = await longIt.next();
          if (r.done === true) break;
          longCount += r.value.lines.length;
        }
        throw qa.length > 0
          ? lineCountMismatch(b.name, nb, a.name, longCount)
          : lineCountMismatch(a.name, na, b.name, longCount);
      }
    } finally {
      await ia.return(undefined);
      await ib.return(undefined);
    }
  }

  private async inspectAll(files: string[]): Promise<CorpusFileInfo[]> {
    if (
      !Array.isArray(files) ||
      files.length < 1 ||
      files.length > 2 ||
      files.some((f) => typeof f !== 'string' || f === '')
    ) {
      throw invalidArg(
        `Give one TSV, CSV or JSONL file, or two aligned text files (one per language); got ${Array.isArray(files) ? files.length : 0} files.`,
      );
    }
    const infos: CorpusFileInfo[] = [];
    for (const f of files) infos.push(await inspectFile(f));
    if (infos.length === 2 && infos[0]!.path === infos[1]!.path) {
      throw invalidArg(
        `The same file, ${infos[0]!.name}, was given for both languages; give one file per language.`,
      );
    }
    return infos;
  }

  /** First lines of a file for sniffing and the column overview; problems are collected, not thrown. */
  private async sampleLines(info: CorpusFileInfo, problems?: ErrorData[]): Promise<string[]> {
    const lines: string[] = [];
    try {
      for await (const batch of readLines(info)) {
        for (const l of batch.lines) if (lines.length < SAMPLE_LINES) lines.push(l);
        if (lines.length >= SAMPLE_LINES) break;
      }
    } catch (err) {
      if (!(err instanceof AppError) || problems === undefined) throw err;
      problems.push(err.toData());
    }
    return lines;
  }

  /** Format, columns and header of a corpus, from options, names and the first lines. */
  private async resolveSource(
    infos: CorpusFileInfo[],
    options: {
      format?: CorpusFormat | undefined;
      columns?: ColumnPick | undefined;
      header?: boolean | undefined;
    },
    role: 'training' | 'validation',
    problems?: ErrorData[],
  ): Promise<SourcePlan> {
    if (options.format !== undefined && !CORPUS_FORMATS.includes(options.format)) {
      throw invalidArg(
        `Unknown corpus format "${String(options.format)}"; use one of ${CORPUS_FORMATS.join(', ')}.`,
      );
    }
    if (infos.length === 2) {
      if (options.format !== undefined && options.format !== 'aligned') {
        throw invalidArg(
          `Two ${role} files were given as ${options.format.toUpperCase()}; a ${options.format.toUpperCase()} corpus is one file with a column per language, and two files are read as aligned plain text.`,
        );
      }
      return { format: 'aligned', files: infos, columns: undefined, header: false };
    }
    const info = infos[0]!;
    const sample = await this.sampleLines(info, problems);
    const format = options.format ?? sniffSingleFileFormat(info.name, sample);
    if (format === undefined) {
      if (problems !== undefined) {
        problems.push(emptyFileError(info.name).toData());
        return { format: 'tsv', files: infos, columns: undefined, header: false };
      }
      throw emptyFileError(info.name);
    }
    if (format === 'aligned') {
      const err = invalidArg(
        `${info.name} looks like plain text with one sentence per line; a plain-text corpus is two aligned files, one per language: give its partner file too (e.g. train.en and train.de), or pick the TSV, CSV or JSONL format.`,
      );
      if (problems === undefined) throw err;
      problems.push(err.toData());
      return { format: 'tsv', files: infos, columns: undefined, header: false };
    }
    if (sample.length === 0 && (problems === undefined || problems.length === 0)) {
      if (problems === undefined) throw emptyFileError(info.name);
      problems.push(emptyFileError(info.name).toData());
    }
    const overview = describeColumns(format, sample, options.header);
    const header = overview.header;
    const columns = options.columns ?? overview.suggested;
    const langOf = (ref: ColumnPick['src'] | undefined): string | undefined =>
      overview.columns.find((c) => c.ref === ref)?.lang;
    const headerLangs = { src: langOf(columns?.src), tgt: langOf(columns?.tgt) };
    if (columns === undefined && problems === undefined) {
      throw new AppError(
        ErrorCode.CorpusInvalid,
        `${info.name} has fewer than two ${format === 'jsonl' ? 'text fields' : 'columns'} in its first lines; a ${format.toUpperCase()} corpus needs one ${format === 'jsonl' ? 'field' : 'column'} per language. Check the format, or pick the columns.`,
        { file: info.name, line: 1, byte: null },
      );
    }
    return { format, files: infos, columns, header, headerLangs, sample };
  }

  private guessLangs(
    plan: SourcePlan,
    options: { srcLang?: string | undefined; tgtLang?: string | undefined },
  ): { src?: string; tgt?: string } {
    let src = options.srcLang;
    let tgt = options.tgtLang;
    if (plan.format === 'aligned') {
      src ??= guessLanguageFromName(plan.files[0]!.name);
      tgt ??= guessLanguageFromName(plan.files[1]!.name);
    } else {
      const pair = guessLanguagePairFromName(plan.files[0]!.name);
      src ??= plan.headerLangs?.src;
      tgt ??= plan.headerLangs?.tgt;
      src ??= pair?.[0];
      tgt ??= pair?.[1];
    }
    for (const l of [src, tgt]) {
      if (l !== undefined && !/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(l)) {
        throw invalidArg(
          `"${l}" is not a language code; use a short code such as en, de or pt-BR.`,
        );
      }
    }
    return { ...(src !== undefined ? { src } : {}), ...(tgt !== undefined ? { tgt } : {}) };
  }

  private checkCleaning(partial: Partial<CleaningOptions> | undefined): CleaningOptions {
    const c: CleaningOptions = { ...DEFAULT_CLEANING, ...(partial ?? {}) };
    if (c.lengthUnit !== 'words' && c.lengthUnit !== 'chars')
      throw invalidArg(
        `The length unit must be "words" or "chars"; got "${String(c.lengthUnit)}".`,
      );
    if (!(c.minLength >= 0) || !(c.maxLength >= c.minLength)) {
      throw invalidArg(
        `The length limits must satisfy 0 <= minimum <= maximum; got minimum ${c.minLength} and maximum ${c.maxLength}.`,
      );
    }
    if (!(c.maxRatio === 0 || c.maxRatio >= 1))
      throw invalidArg(
        `The maximum length ratio must be 0 (off) or at least 1; got ${c.maxRatio}.`,
      );
    return c;
  }

  private checkName(name: string): string {
    const clean = typeof name === 'string' ? name.trim() : '';
    // Control characters (line breaks, tabs, NUL) have no place in a name shown in lists.
    const hasControl = [...clean].some((ch) => ch.charCodeAt(0) < 0x20);
    if (clean === '' || clean.length > 200 || hasControl) {
      throw invalidArg('A dataset name must be 1 to 200 characters of text without line breaks.');
    }
    return clean;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    const key = nameKey(name);
    const clash = (await this.list()).find((m) => nameKey(m.name) === key && m.id !== exceptId);
    if (clash !== undefined) {
      throw new AppError(
        ErrorCode.AlreadyExists,
        `A dataset named "${clash.name}" already exists; choose another name, or rename or delete the existing one.`,
        {
          name,
          id: clash.id,
        },
      );
    }
  }

  private async defaultName(infos: CorpusFileInfo[], src: string, tgt: string): Promise<string> {
    const stem =
      stripGz(infos[0]!.name)
        .replace(/\.[^.]*$/, '')
        .replace(/[._-](?:[a-z]{2,3}[-_])?[a-z]{2,3}$/i, '') || 'corpus';
    const base = `${stem} ${src}-${tgt}`;
    const taken = new Set((await this.list()).map((m) => nameKey(m.name)));
    for (const k of this.pendingNames) taken.add(k);
    if (!taken.has(nameKey(base))) return base;
    for (let i = 2; ; i++) if (!taken.has(nameKey(`${base} (${i})`))) return `${base} (${i})`;
  }

  private nothingLeft(infos: CorpusFileInfo[], r: CleaningReport, c: CleaningOptions): AppError {
    const parts: string[] = [];
    const unit = c.lengthUnit === 'words' ? 'words' : 'characters';
    if (r.droppedEmpty > 0) parts.push(`${formatInt(r.droppedEmpty)} had an empty side`);
    if (r.droppedTooShort > 0)
      parts.push(`${formatInt(r.droppedTooShort)} were shorter than ${c.minLength} ${unit}`);
    if (r.droppedTooLong > 0)
      parts.push(`${formatInt(r.droppedTooLong)} were longer than ${c.maxLength} ${unit}`);
    if (r.droppedRatio > 0)
      parts.push(`${formatInt(r.droppedRatio)} had a length ratio over ${c.maxRatio}`);
    if (r.droppedIdentical > 0)
      parts.push(`${formatInt(r.droppedIdentical)} were the same on both sides`);
    if (r.droppedDuplicate > 0) parts.push(`${formatInt(r.droppedDuplicate)} were duplicates`);
    const files = infos.map((f) => f.name).join(' and ');
    return new AppError(
      ErrorCode.CorpusEmpty,
      r.read === 0
        ? `${files} holds no sentence pairs; check that you picked the right file.`
        : `No usable pairs are left in ${files} after cleaning: of ${formatInt(r.read)} read, ${parts.join(', ')}. Relax the cleaning rules, or check the columns and files picked.`,
      { file: infos[0]!.name, line: null, byte: null, read: r.read },
    );
  }

  private async readMeta(id: string): Promise<DatasetMeta> {
    const meta = JSON.parse(await readFile(join(this.dir, id, FILES.meta), 'utf8')) as DatasetMeta;
    if (
      typeof meta !== 'object' ||
      meta === null ||
      meta.id !== id ||
      typeof meta.name !== 'string'
    )
      throw new Error('bad meta');
    return meta;
  }

  /** Removes a dot-folder left by a killed import (its process is gone) or an interrupted delete. */
  private async sweep(entry: string): Promise<void> {
    const m = /^\.import-(\d+)-/.exec(entry);
    const stale = entry.startsWith(TRASH_PREFIX) || (m !== null && !isAlive(Number(m[1])));
    if (stale)
      await rm(join(this.dir, entry), { recursive: true, force: true }).catch(() => undefined);
  }

  private checkId(id: string): void {
    if (typeof id !== 'string' || !ID_RE.test(id)) throw this.notFound(id);
  }

  private notFound(id: string): AppError {
    return new AppError(
      ErrorCode.NotFound,
      `There is no dataset with the id "${String(id)}"; it may have been deleted.`,
      { id: String(id) },
    );
  }
}

/** The service for a studio home. */
export function createDatasetService(home: string): DatasetService {
  return new DatasetService(home);
}
