/**
 * CSV records, parsed by csv-parse (the node-csv project) from the decoded lines that
 * datasetsIO's readLines gives, so a bad byte is still named by its line and byte.
 *
 * Quoting follows RFC 4180: a quoted field may hold commas, doubled quotes and line breaks.
 * A quote inside an unquoted field, or one that does not end its field on the same line, is
 * text (csv-parse's `relax_quotes`), as spreadsheets and Tatoeba-style text need. The one
 * quote that is not forgiven is an unbalanced one: a quoted field that runs over a line
 * break and is then closed wrongly would silently join two rows into one pair, so it is an
 * error naming the line the quote opened on. A quoted field open for more than 100 lines,
 * or at the end of the file, is an error too.
 */
import { parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import { parse as parseStrictly } from 'csv-parse/sync';
import { AppError, ErrorCode } from '../../shared/errors';
import { isAnkiHeader } from '../text/corpusFormats';

/** A CSV quoted field may span lines, but not forever: past this, the quote is a mistake. */
export const MAX_RECORD_LINES = 100;

/** One CSV record. */
export interface CsvRow {
  /** The fields, or null for a blank line (an empty pair, which cleaning counts as "empty"). */
  fields: string[] | null;
  /** 1-based line of the file the record starts on. */
  line: number;
}

const PARSE_OPTIONS = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  // The lines arrive with LF endings only (CRLF is undone by the line decoder), so a lone
  // CR inside a field stays text instead of being taken for the record delimiter.
  record_delimiter: '\n',
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: false,
  bom: false,
} as const;

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** The code of a csv-parse error (checked by shape: the ESM and CommonJS builds have their own CsvError class). */
function csvErrorCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || err instanceof AppError) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function countLineBreaks(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Feeds the lines of one CSV file to csv-parse and hands each finished record to `onRow`,
 * in file order. `onRow` may throw (a row with too few columns): the error stops the file
 * and comes out of `push` or `end`. Anki's `#key:value` lines before the first row are
 * skipped; line numbers in rows and errors are the file's.
 */
export class CsvRowReader {
  private readonly parser: Parser;
  /** Lines given so far (skipped ones included): the next line's file number is this + 1. */
  private given = 0;
  /** Lines handed to csv-parse so far; csv-parse numbers only these. */
  private fed = 0;
  /** Parser line where the last record ended. */
  private lastEnd = 0;
  /** File lines of the Anki header lines left out, ascending. */
  private readonly skipped: number[] = [];
  private beforeFirstRow = true;
  /** The fed lines from `windowStart` on: the open record's lines, to re-read it strictly. */
  private window: string[] = [];
  private windowStart = 1;

  constructor(
    private readonly file: string,
    private readonly onRow: (row: CsvRow) => void,
  ) {
    this.parser = parse({
      ...PARSE_OPTIONS,
      on_record: (record: string[], context: { lines: number }) => {
        this.record(record, context.lines);
        return null;
      },
    });
    // Errors also reach the write and end callbacks, where they are handled; without a
    // listener the stream's 'error' event would be an uncaught exception.
    this.parser.on('error', () => undefined);
  }

  /** Feeds the next lines of the file; resolves once csv-parse has read them. */
  async push(lines: readonly string[]): Promise<void> {
    const fed: string[] = [];
    for (const line of lines) {
      this.given++;
      if (this.beforeFirstRow) {
        if (isAnkiHeader(line)) {
          this.skipped.push(this.given);
          continue;
        }
        if (line.trim() !== '') this.beforeFirstRow = false;
      }
      fed.push(line);
      this.window.push(line);
    }
    if (fed.length === 0) return;
    this.fed += fed.length;
    try {
      await new Promise<void>((resolve, reject) =>
        this.parser.write(`${fed.join('\n')}\n`, (err) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      throw this.explain(err);
    }
    const done = this.lastEnd + 1 - this.windowStart;
    if (done > 0) {
      this.window = this.window.slice(done);
      this.windowStart += done;
    }
    // An open quote would make csv-parse gather the rest of the file into one field.
    if (this.fed - this.lastEnd > MAX_RECORD_LINES) {
      throw this.unclosed(this.lastEnd + 1, `after ${MAX_RECORD_LINES} lines`);
    }
  }

  /**
   * Ends the file, handing over the last record; throws when a quoted field is still open,
   * unless `cut` says the lines were only the start of the file (a sample), which may well
   * end inside a record.
   */
  async end(cut = false): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.parser.once('error', reject);
        this.parser.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
    } catch (err) {
      if (cut && csvErrorCode(err) === 'CSV_QUOTE_NOT_CLOSED') return;
      throw this.explain(err);
    }
  }

  /** Stops reading (after an error, or when the caller has seen enough). */
  close(): void {
    this.parser.destroy();
  }

  private record(fields: string[], endLine: number): void {
    const start = this.lastEnd + 1;
    this.lastEnd = endLine;
    if (endLine > start) this.checkSpan(fields, start, endLine);
    const blank = fields.length === 1 && fields[0]!.trim() === '';
    this.onRow({ fields: blank ? null : fields, line: this.fileLine(start) });
  }

  /**
   * A record over several lines is fine when its quoted fields are closed properly. A field
   * that starts with a quote and holds a line break is either such a field (its text starts
   * with a doubled quote) or an unbalanced quote that csv-parse forgave: reading the record
   * again without `relax_quotes` tells them apart.
   */
  private checkSpan(fields: readonly string[], start: number, end: number): void {
    if (end - start + 1 > MAX_RECORD_LINES) {
      throw this.unclosed(start, `after ${MAX_RECORD_LINES} lines`);
    }
    let opensOn = start;
    for (const field of fields) {
      if (field.startsWith('"') && field.includes('\n')) {
        const raw = this.window.slice(start - this.windowStart, end - this.windowStart + 1);
        let strictError: unknown;
        try {
          parseStrictly(raw.join('\n'), { ...PARSE_OPTIONS, relax_quotes: false });
        } catch (err) {
          strictError = err;
        }
        if (strictError === undefined) return;
        const closesOn =
          csvErrorCode(strictError) === 'CSV_INVALID_CLOSING_QUOTE'
            ? start - 1 + Number((strictError as { lines?: unknown }).lines)
            : undefined;
        throw this.runsTogether(opensOn, closesOn, end);
      }
      opensOn += countLineBreaks(field);
    }
  }

  /** The file line of a parser line (Anki header lines were not given to the parser). */
  private fileLine(parserLine: number): number {
    let line = parserLine;
    for (const s of this.skipped) if (s <= line) line++;
    return line;
  }

  private explain(err: unknown): unknown {
    const code = csvErrorCode(err);
    if (code === undefined) return err;
    if (code === 'CSV_QUOTE_NOT_CLOSED')
      return this.unclosed(this.lastEnd + 1, 'by the end of the file');
    const line = this.fileLine(this.lastEnd + 1);
    return new AppError(
      ErrorCode.CorpusInvalid,
      `${this.file} line ${formatInt(line)} cannot be read as CSV (${(err as Error).message}). Check the quotes on that line, or pick another format.`,
      { file: this.file, line, byte: null },
    );
  }

  private unclosed(parserLine: number, when: string): AppError {
    const line = this.fileLine(parserLine);
    return new AppError(
      ErrorCode.CorpusInvalid,
      `${this.file} line ${formatInt(line)} opens a quoted field (") that is not closed ${when}; close the quote, or double a quote that is part of the text ("").`,
      { file: this.file, line, byte: null },
    );
  }

  private runsTogether(opensOn: number, closesOn: number | undefined, end: number): AppError {
    const line = this.fileLine(opensOn);
    const next =
      closesOn !== undefined
        ? `the next quote, on line ${formatInt(this.fileLine(closesOn))}, is followed by text instead of a comma or the end of the line`
        : 'its closing quote is missing or misplaced';
    return new AppError(
      ErrorCode.CorpusInvalid,
      `${this.file} line ${formatInt(line)} opens a quoted field (") that is never closed properly: ${next}, so lines ${formatInt(line)} to ${formatInt(this.fileLine(end))} would be read as one row. Close the quote on line ${formatInt(line)}, or double a quote that is part of the text ("").`,
      { file: this.file, line, byte: null },
    );
  }
}

/**
 * Feeds the first lines of a CSV file (a sample, which may end inside a record: that
 * record is left out) and hands each finished record to `onRow`; errors are thrown as by
 * CsvRowReader.push.
 */
export async function readCsvSample(
  file: string,
  lines: readonly string[],
  onRow: (row: CsvRow) => void,
): Promise<void> {
  const reader = new CsvRowReader(file, onRow);
  try {
    await reader.push(lines);
    await reader.end(true);
  } finally {
    reader.close();
  }
}

/** The non-blank rows of a CSV sample, for the column overview; rows after an error are left out (the import names it). */
export async function csvSampleRows(file: string, lines: readonly string[]): Promise<string[][]> {
  const rows: string[][] = [];
  try {
    await readCsvSample(file, lines, (row) => {
      if (row.fields !== null) rows.push(row.fields);
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
  }
  return rows;
}
