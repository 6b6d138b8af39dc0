/**
 * Import stage 1, resolve the sources: which files make up a corpus (two aligned files, or
 * one TSV/CSV/JSONL file), whether they are gzip, their format (given, from the name, or
 * sniffed from the first lines), the picked columns and header row, and the languages.
 * Reads only the start of each file.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { ErrorData } from '../../shared/errors';
import type { ColumnPick, ColumnsOverview } from '../../shared/types';
import { describeColumns, describeRows } from '../text/columns';
import { emptyFileError } from '../text/corpus';
import {
  CORPUS_FORMATS,
  guessLanguageFromName,
  guessLanguagePairFromName,
  sniffSingleFileFormat,
} from '../text/corpusFormats';
import type { CorpusFormat } from '../text/corpusFormats';
import { csvSampleRows } from './csvRows';
import { inspectFile, readLines } from './datasetsIO';
import type { CorpusFileInfo } from './datasetsIO';

/** Lines read from the start of a single-file corpus to sniff its format and columns. */
const SAMPLE_LINES = 200;

/** Files of one corpus (training or validation) with their resolved format. */
export interface SourcePlan {
  format: CorpusFormat;
  files: CorpusFileInfo[];
  columns: ColumnPick | undefined;
  header: boolean;
  /** TSV/CSV/JSONL: the first lines, as read for sniffing. */
  sample?: string[];
  /** Languages named by the header row (or field names) of the picked columns. */
  headerLangs?: { src?: string | undefined; tgt?: string | undefined };
}

/** How to read a corpus, as the caller gave it (every field optional). */
export interface SourceOptions {
  format?: CorpusFormat | undefined;
  columns?: ColumnPick | undefined;
  header?: boolean | undefined;
}

function invalidArg(message: string): AppError {
  return new AppError(ErrorCode.InvalidArgument, message);
}

/** Checks the file list (one or two distinct paths) and inspects each file. */
export async function inspectCorpusFiles(files: string[]): Promise<CorpusFileInfo[]> {
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
async function sampleLines(info: CorpusFileInfo, problems?: ErrorData[]): Promise<string[]> {
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

/** The columns (TSV/CSV) or fields (JSONL) of a sample, as the person picks from them. */
export async function describeSample(
  format: 'tsv' | 'csv' | 'jsonl',
  file: string,
  sample: readonly string[],
  forceHeader: boolean | undefined,
): Promise<ColumnsOverview> {
  return format === 'csv'
    ? describeRows(await csvSampleRows(file, sample), forceHeader)
    : describeColumns(format, sample, forceHeader);
}

/**
 * Format, columns and header of a corpus, from options, names and the first lines. With
 * `problems` (the preview), what is wrong is collected and a best-effort plan returned;
 * without it (the import), the first problem is thrown.
 */
export async function resolveSource(
  infos: CorpusFileInfo[],
  options: SourceOptions,
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
  const sample = await sampleLines(info, problems);
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
  const overview = await describeSample(format, info.name, sample, options.header);
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

/**
 * The source and target languages: given, else from the header row or field names, else
 * from the file names (`train.en`, `deu-eng.tsv`). InvalidArgument for a code that is not one.
 */
export function guessLanguages(
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
      throw invalidArg(`"${l}" is not a language code; use a short code such as en, de or pt-BR.`);
    }
  }
  return { ...(src !== undefined ? { src } : {}), ...(tgt !== undefined ? { tgt } : {}) };
}
