/**
 * Import stage 2, read: the sentence pairs of a resolved source, streamed in batches. Two
 * aligned files are read in lockstep (a line-count mismatch names both counts); a TSV or
 * JSONL file line by line through main/text's RecordParser; a CSV file through csv-parse
 * (csvRows.ts). Memory per open file stays at one read chunk plus one line.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import { normalizeSentence } from '../text/cleaning';
import { RecordParser, RowPicker, emptyFileError, lineCountMismatch } from '../text/corpus';
import { CsvRowReader } from './csvRows';
import { readLines } from './datasetsIO';
import type { CorpusFileInfo, ReadLinesOptions } from './datasetsIO';
import type { SourcePlan } from './sources';

/** A batch of pairs: sources and targets, index by index. */
export type PairBatch = [src: string[], tgt: string[]];

export interface ReadCorpusOptions extends ReadLinesOptions {
  /** Bytes of the source's files read so far (compressed bytes for gzip), after each batch. */
  onBytes?: ((bytes: number) => void) | undefined;
}

/** Pairs of a source in batches, checking alignment and emptiness as it goes. */
export async function* readPairBatches(
  plan: SourcePlan,
  options: ReadCorpusOptions = {},
): AsyncGenerator<PairBatch> {
  const readOpts = { signal: options.signal, maxLineBytes: options.maxLineBytes };
  const onBytes = options.onBytes ?? ((): void => undefined);
  if (plan.format === 'aligned') {
    const [a, b] = plan.files as [CorpusFileInfo, CorpusFileInfo];
    yield* alignedBatches(a, b, readOpts, onBytes);
    return;
  }
  const info = plan.files[0]!;
  if (plan.columns === undefined) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `Pick the two columns of ${info.name} that hold the sentences.`,
    );
  }
  if (plan.format === 'csv') {
    yield* csvBatches(info, plan, readOpts, onBytes);
    return;
  }
  const parser = new RecordParser({
    format: plan.format,
    file: info.name,
    columns: plan.columns,
    header: plan.header,
  });
  let any = false;
  for await (const batch of readLines(info, readOpts)) {
    any = true;
    onBytes(batch.bytesRead);
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
}

/**
 * Every pair of a source, whitespace-normalised (normalizeSentence), to `onPair`; after
 * each batch, `onBatch` with the number of pairs it held (where the caller flushes its
 * writers and reports progress).
 */
export async function forEachPair(
  plan: SourcePlan,
  options: ReadCorpusOptions,
  onPair: (src: string, tgt: string) => void,
  onBatch: (pairs: number) => Promise<void>,
): Promise<void> {
  for await (const [src, tgt] of readPairBatches(plan, options)) {
    for (let i = 0; i < src.length; i++) {
      onPair(normalizeSentence(src[i]!), normalizeSentence(tgt[i]!));
    }
    await onBatch(src.length);
  }
}

/** The picked columns of every record of a CSV file, parsed by csv-parse. */
async function* csvBatches(
  info: CorpusFileInfo,
  plan: SourcePlan,
  readOpts: ReadLinesOptions,
  onBytes: (bytes: number) => void,
): AsyncGenerator<PairBatch> {
  const picker = new RowPicker({
    format: 'csv',
    file: info.name,
    columns: plan.columns!,
    header: plan.header,
  });
  let src: string[] = [];
  let tgt: string[] = [];
  const reader = new CsvRowReader(info.name, (row) => {
    const pair: [string, string] | null =
      row.fields === null ? ['', ''] : picker.pick(row.fields, row.line);
    if (pair !== null) {
      src.push(pair[0]);
      tgt.push(pair[1]);
    }
  });
  let any = false;
  try {
    for await (const batch of readLines(info, readOpts)) {
      any = true;
      onBytes(batch.bytesRead);
      await reader.push(batch.lines);
      yield [src, tgt];
      src = [];
      tgt = [];
    }
    if (!any) throw emptyFileError(info.name);
    await reader.end();
    if (src.length > 0) yield [src, tgt];
  } finally {
    reader.close();
  }
}

/** Two aligned files in lockstep; on a count mismatch, reads the longer one to the end to give both counts. */
async function* alignedBatches(
  a: CorpusFileInfo,
  b: CorpusFileInfo,
  readOpts: ReadLinesOptions,
  onBytes: (bytes: number) => void,
): AsyncGenerator<PairBatch> {
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
