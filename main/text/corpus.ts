/**
 * Rows of a parallel corpus to sentence pairs, independent of where the bytes come from:
 * the picked columns of a TSV/CSV row (`RowPicker`), whole TSV/JSONL lines (`RecordParser`),
 * and the errors of aligned files. Pure: main/importer streams files through these pieces
 * (CSV rows arrive already split by csv-parse, main/importer/csvRows.ts).
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { ColumnInfo, ColumnPick, ColumnRef, ColumnsOverview } from '../../shared/types';
import {
  getPath,
  isAnkiHeader,
  parseDelimitedLine,
  parseJsonObjectLine,
  stringFieldPaths,
} from './corpusFormats';
export type { CorpusFormat } from './corpusFormats';
export type { ColumnInfo, ColumnPick, ColumnRef, ColumnsOverview };

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

function columnName(ref: ColumnRef): string {
  return typeof ref === 'number' ? `column ${ref + 1}` : `field "${ref}"`;
}

/**
 * Throws InvalidArgument unless `columns` can pick two different columns of `format`:
 * 0-based indices for TSV/CSV, non-empty field paths for JSONL.
 */
export function checkColumnPick(format: 'tsv' | 'csv' | 'jsonl', columns: ColumnPick): void {
  const { src, tgt } = columns;
  const wantIndex = format !== 'jsonl';
  for (const ref of [src, tgt]) {
    if (
      wantIndex
        ? !(typeof ref === 'number' && Number.isInteger(ref) && ref >= 0)
        : typeof ref !== 'string' || ref === ''
    ) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        wantIndex
          ? `Columns of a ${format.toUpperCase()} file are picked by number (0 for the first column); got ${JSON.stringify(ref)}.`
          : `Fields of a JSONL file are picked by name (e.g. "en" or "translation.en"); got ${JSON.stringify(ref)}.`,
      );
    }
  }
  if (src === tgt) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The source and target must be different columns; both are ${columnName(src)}.`,
    );
  }
}

export interface RowPickerOptions {
  format: 'tsv' | 'csv';
  /** File name for messages. */
  file: string;
  columns: ColumnPick;
  /** The first row holds column names and is skipped. */
  header?: boolean;
}

/**
 * The picked source and target columns of each row of a TSV/CSV file. The first row is
 * the header when `header` is set; a row too short for the pick is an error naming its line.
 */
export class RowPicker {
  /** Column names from the header row, when `header` is set and the row has been read. */
  headerNames: string[] | undefined;
  private seen = false;

  constructor(private readonly options: RowPickerOptions) {
    checkColumnPick(options.format, options.columns);
  }

  /** Whether a row (the header included) has been given yet. */
  get seenRow(): boolean {
    return this.seen;
  }

  /** One row's fields (`lineNo`: the line it starts on); returns a pair, or null for the header row. */
  pick(fields: readonly string[], lineNo: number): [string, string] | null {
    const o = this.options;
    if (!this.seen) {
      this.seen = true;
      if (o.header === true) {
        this.headerNames = [...fields];
        return null;
      }
    }
    const src = o.columns.src as number;
    const tgt = o.columns.tgt as number;
    const need = Math.max(src, tgt) + 1;
    if (fields.length < need) {
      const which = src >= tgt ? 'source' : 'target';
      const had = fields.length;
      throw new AppError(
        ErrorCode.CorpusInvalid,
        `${o.file} line ${formatInt(lineNo)} has ${had} ${had === 1 ? 'column' : 'columns'}, but column ${need} was picked for the ${which}; every row needs at least ${need} ${o.format === 'tsv' ? 'tab-separated' : 'comma-separated'} columns. Fix that row, or pick other columns.`,
        { file: o.file, line: lineNo, byte: null },
      );
    }
    return [fields[src]!, fields[tgt]!];
  }
}

export interface RecordParserOptions {
  format: 'tsv' | 'jsonl';
  /** File name for messages. */
  file: string;
  columns: ColumnPick;
  /** TSV: the first row holds column names and is skipped. */
  header?: boolean;
}

/**
 * Turns the lines of one TSV or JSONL file into sentence pairs, one line at a time (a row
 * of either never spans lines). Blank lines give an empty pair (counted by cleaning as
 * "empty"); Anki's `#key:value` header lines before the first row are skipped.
 */
export class RecordParser {
  private readonly rows: RowPicker | undefined;

  constructor(private readonly options: RecordParserOptions) {
    if (options.format === 'jsonl') checkColumnPick('jsonl', options.columns);
    else this.rows = new RowPicker({ ...options, format: 'tsv' });
  }

  /** Column names from the header row, when `header` is set and the row has been read. */
  get headerNames(): string[] | undefined {
    return this.rows?.headerNames;
  }

  /** Feeds one line (1-based `lineNo`); returns a pair, or null for a skipped line. */
  push(line: string, lineNo: number): [string, string] | null {
    const o = this.options;
    if (this.rows === undefined) {
      if (line.trim() === '') return ['', ''];
      const obj = parseJsonObjectLine(line, o.file, lineNo);
      return [
        this.jsonField(obj, o.columns.src, lineNo),
        this.jsonField(obj, o.columns.tgt, lineNo),
      ];
    }
    if (!this.rows.seenRow && isAnkiHeader(line)) return null;
    if (line.trim() === '') return ['', ''];
    return this.rows.pick(parseDelimitedLine(line, '\t', false).fields, lineNo);
  }

  private jsonField(obj: Record<string, unknown>, ref: ColumnRef, lineNo: number): string {
    const v = getPath(obj, ref as string);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    const file = this.options.file;
    const fields = stringFieldPaths(obj);
    throw new AppError(
      ErrorCode.CorpusInvalid,
      v === undefined || v === null
        ? `${file} line ${formatInt(lineNo)} has no field "${ref}"; it has ${fields.length > 0 ? fields.map((f) => `"${f}"`).join(', ') : 'no text fields'}. Pick the fields that hold the two sentences.`
        : `${file} line ${formatInt(lineNo)}: field "${ref}" is ${Array.isArray(v) ? 'an array' : 'an object'}, not text. Pick the fields that hold the two sentences.`,
      { file, line: lineNo, byte: null },
    );
  }
}

// ---------------------------------------------------------------------------
// Aligned files and empty files

/** The error for two aligned files whose line counts differ; `endsAfter` is the shorter file's last line. */
export function lineCountMismatch(
  shortFile: string,
  shortLines: number,
  longFile: string,
  longLines: number,
): AppError {
  return new AppError(
    ErrorCode.CorpusLineCountMismatch,
    `${shortFile} has ${formatInt(shortLines)} ${shortLines === 1 ? 'line' : 'lines'} but ${longFile} has ${formatInt(longLines)}; ${shortFile} ends after line ${formatInt(shortLines)}. Aligned files need one sentence per line, line N of one being the translation of line N of the other: find where a line was added, lost or split.`,
    { file: shortFile, line: shortLines, byte: null, otherFile: longFile, otherLines: longLines },
  );
}

/** The error for a file with no bytes (or only a BOM / blank lines). */
export function emptyFileError(file: string): AppError {
  return new AppError(
    ErrorCode.CorpusEmpty,
    `${file} is empty: it has no sentences. Check that you picked the right file.`,
    { file, line: 0, byte: 0 },
  );
}
