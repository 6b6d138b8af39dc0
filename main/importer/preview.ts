/**
 * The preview of dropped files before an import: the first two stages (resolve the
 * sources, read) over the start of the files only, collecting problems instead of
 * stopping at the first, so the Datasets screen can show what the import would do.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { ErrorData } from '../../shared/errors';
import type { DatasetPreview } from '../../shared/preview';
import type { ColumnPick, CorpusFormat } from '../../shared/types';
import { RecordParser, RowPicker } from '../text/corpus';
import { readCsvSample } from './csvRows';
import { readPairBatches } from './readCorpus';
import { describeSample, guessLanguages, inspectCorpusFiles, resolveSource } from './sources';
import type { SourcePlan } from './sources';

export interface PreviewOptions {
  format?: CorpusFormat;
  columns?: ColumnPick;
  header?: boolean;
  /** Pairs to show (default 20). */
  limit?: number;
}

type Pair = { src: string; tgt: string };

/**
 * What the dropped files hold: the detected format, the columns or fields to pick from
 * (with sample values), guessed languages, the first pairs, and problems found so far.
 * Reads only the start of each file.
 */
export async function previewCorpus(
  files: string[],
  options: PreviewOptions = {},
): Promise<DatasetPreview> {
  const infos = await inspectCorpusFiles(files);
  const limit = options.limit ?? 20;
  const problems: ErrorData[] = [];
  const plan = await resolveSource(infos, options, 'training', problems);
  const langs = guessLanguages(plan, {});
  const pairs: Pair[] = [];
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
  if (plan.format === 'aligned') {
    try {
      for await (const [src, tgt] of readPairBatches(plan)) {
        for (let i = 0; i < src.length && pairs.length < limit; i++)
          pairs.push({ src: src[i]!, tgt: tgt[i]! });
        if (pairs.length >= limit) break;
      }
    } catch (err) {
      note(err);
    }
    return preview;
  }
  const file = infos[0]!.name;
  preview.columns = await describeSample(plan.format, file, plan.sample ?? [], options.header);
  preview.header = plan.header;
  if (plan.columns === undefined) {
    if (problems.length === 0) {
      problems.push(
        new AppError(
          ErrorCode.InvalidArgument,
          `${file} has fewer than two text columns to pick from; a ${plan.format.toUpperCase()} corpus needs one column per language.`,
        ).toData(),
      );
    }
    return preview;
  }
  preview.picked = plan.columns;
  // Record by record over the sample, so the pairs before a bad row still show.
  try {
    await samplePairs(plan, file, plan.columns, pairs, limit);
  } catch (err) {
    note(err);
  }
  return preview;
}

/** The first `limit` pairs of a TSV/CSV/JSONL sample into `pairs`; throws the first problem before them. */
async function samplePairs(
  plan: SourcePlan,
  file: string,
  columns: ColumnPick,
  pairs: Pair[],
  limit: number,
): Promise<void> {
  const sample = plan.sample ?? [];
  if (plan.format === 'csv') {
    const picker = new RowPicker({ format: 'csv', file, columns, header: plan.header });
    try {
      await readCsvSample(file, sample, (row) => {
        if (pairs.length >= limit) return;
        const pair = row.fields === null ? ['', ''] : picker.pick(row.fields, row.line);
        if (pair !== null) pairs.push({ src: pair[0]!, tgt: pair[1]! });
      });
    } catch (err) {
      // A problem in the records after the ones shown is the import's to name.
      if (pairs.length < limit) throw err;
    }
    return;
  }
  const parser = new RecordParser({
    format: plan.format as 'tsv' | 'jsonl',
    file,
    columns,
    header: plan.header,
  });
  let lineNo = 1;
  for (const line of sample) {
    const pair = parser.push(line, lineNo++);
    if (pair !== null) pairs.push({ src: pair[0], tgt: pair[1] });
    if (pairs.length >= limit) break;
  }
}
