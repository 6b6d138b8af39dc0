/**
 * Parsing and validation of parallel corpora, independent of where the bytes come from:
 * rows of a TSV/CSV/JSONL file to sentence pairs (with the picked columns), the column
 * overview a person picks from, aligned-file pairing rules, and per-side statistics.
 * Pure: main/importer/datasets.ts streams files through these pieces.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type {
  ColumnInfo,
  ColumnPick,
  ColumnRef,
  ColumnsOverview,
  LengthHistogram,
  SideStats,
} from '../../shared/types';
import {
  getPath,
  guessLanguageFromName,
  isAnkiHeader,
  parseDelimitedLine,
  parseJsonObjectLine,
  stringFieldPaths,
} from './corpusFormats';
import type { CorpusFormat } from './corpusFormats';

export type { CorpusFormat } from './corpusFormats';
export type { ColumnInfo, ColumnPick, ColumnRef, ColumnsOverview };

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** A CSV quoted field may span lines, but not forever: past this, the quote is a mistake. */
const MAX_RECORD_LINES = 100;

function delimiterOf(format: 'tsv' | 'csv'): string {
  return format === 'tsv' ? '\t' : ',';
}

function columnName(ref: ColumnRef): string {
  return typeof ref === 'number' ? `column ${ref + 1}` : `field "${ref}"`;
}

export interface RecordParserOptions {
  format: 'tsv' | 'csv' | 'jsonl';
  /** File name for messages. */
  file: string;
  columns: ColumnPick;
  /** TSV/CSV: the first row holds column names and is skipped. */
  header?: boolean;
}

/**
 * Turns the lines of one TSV/CSV/JSONL file into sentence pairs, one line at a time.
 * Blank lines give an empty pair (counted by cleaning as "empty"), Anki's `#key:value`
 * header lines are skipped, CSV quoted fields may continue on following lines.
 */
export class RecordParser {
  private readonly delimiter: string;
  private pending = '';
  private pendingStart = 0;
  private pendingLines = 0;
  private seenRow = false;
  /** Column names from the header row, when `header` is set and the row has been read. */
  headerNames: string[] | undefined;

  constructor(private readonly options: RecordParserOptions) {
    this.delimiter = options.format === 'jsonl' ? '' : delimiterOf(options.format);
    const { src, tgt } = options.columns;
    const wantIndex = options.format !== 'jsonl';
    for (const ref of [src, tgt]) {
      if (
        wantIndex
          ? !(typeof ref === 'number' && Number.isInteger(ref) && ref >= 0)
          : typeof ref !== 'string' || ref === ''
      ) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          wantIndex
            ? `Columns of a ${options.format.toUpperCase()} file are picked by number (0 for the first column); got ${JSON.stringify(ref)}.`
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

  /** Feeds one line (1-based `lineNo`); returns a pair, or null when the line was not a whole row. */
  push(line: string, lineNo: number): [string, string] | null {
    const o = this.options;
    if (o.format === 'jsonl') {
      if (line.trim() === '') return ['', ''];
      const obj = parseJsonObjectLine(line, o.file, lineNo);
      return [
        this.jsonField(obj, o.columns.src, lineNo),
        this.jsonField(obj, o.columns.tgt, lineNo),
      ];
    }
    if (this.pendingLines === 0) {
      if (!this.seenRow && isAnkiHeader(line)) return null;
      if (line.trim() === '') return ['', ''];
      this.pending = line;
      this.pendingStart = lineNo;
    } else {
      this.pending += '\n' + line;
    }
    this.pendingLines++;
    const r = parseDelimitedLine(this.pending, this.delimiter, o.format === 'csv');
    if (!r.complete) {
      if (this.pendingLines >= MAX_RECORD_LINES)
        this.throwUnclosed(`after ${MAX_RECORD_LINES} lines`);
      return null;
    }
    const start = this.pendingStart;
    this.pending = '';
    this.pendingLines = 0;
    if (!this.seenRow) {
      this.seenRow = true;
      if (o.header === true) {
        this.headerNames = r.fields;
        return null;
      }
    }
    const need = Math.max(o.columns.src as number, o.columns.tgt as number) + 1;
    if (r.fields.length < need) {
      const which = (o.columns.src as number) >= (o.columns.tgt as number) ? 'source' : 'target';
      const had = r.fields.length;
      throw new AppError(
        ErrorCode.CorpusInvalid,
        `${o.file} line ${formatInt(start)} has ${had} ${had === 1 ? 'column' : 'columns'}, but column ${need} was picked for the ${which}; every row needs at least ${need} ${o.format === 'tsv' ? 'tab-separated' : 'comma-separated'} columns. Fix that row, or pick other columns.`,
        { file: o.file, line: start, byte: null },
      );
    }
    return [r.fields[o.columns.src as number]!, r.fields[o.columns.tgt as number]!];
  }

  /** Ends the file; throws when a CSV quoted field was never closed. */
  end(): void {
    if (this.pendingLines > 0) this.throwUnclosed('by the end of the file');
  }

  private throwUnclosed(when: string): never {
    throw new AppError(
      ErrorCode.CorpusInvalid,
      `${this.options.file} line ${formatInt(this.pendingStart)} opens a quoted field (") that is not closed ${when}; close the quote, or double a quote that is part of the text ("").`,
      { file: this.options.file, line: this.pendingStart, byte: null },
    );
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
// Columns overview (for the preview, so the person can pick)

const LANG_CODE = /^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$/;
const HEADER_WORDS = new Set([
  'source',
  'target',
  'src',
  'tgt',
  'text',
  'sentence',
  'translation',
  'id',
  'lang',
  'language',
  'english',
  'german',
  'french',
  'spanish',
  'italian',
  'portuguese',
  'dutch',
  'russian',
  'chinese',
  'japanese',
  'front',
  'back',
  'question',
  'answer',
  'original',
  'reference',
  'input',
  'output',
]);

function looksLikeHeaderName(s: string): boolean {
  const t = s.trim().toLowerCase();
  return (
    LANG_CODE.test(t) ||
    HEADER_WORDS.has(t) ||
    /^(src|tgt|source|target|text|sentence)[ _-]?\w{0,12}$/.test(t)
  );
}

function langOfName(name: string): string | undefined {
  const last = name.split('.').pop()?.trim() ?? '';
  if (LANG_CODE.test(last) && last !== 'id') return last;
  return guessLanguageFromName(`x.${last}`);
}

/** Mostly numbers (ids), allowing a few stray rows: such a column never holds the sentences. */
function isNumericOrEmpty(values: readonly string[]): boolean {
  const numeric = values.filter((v) => /^\s*[-+]?\d*(?:\.\d+)?\s*$/.test(v)).length;
  return numeric >= 0.8 * values.length;
}

/**
 * Columns of a TSV/CSV/JSONL file from its first lines, each with sample values, a
 * header guess and a suggested pick. Lines that do not parse are skipped here; the
 * import names them.
 */
export function describeColumns(
  format: 'tsv' | 'csv' | 'jsonl',
  lines: readonly string[],
  /** TSV/CSV: whether the first row is a header; default: guessed. */
  forceHeader?: boolean,
): ColumnsOverview {
  if (format === 'jsonl') {
    const order: string[] = [];
    const samples = new Map<string, string[]>();
    for (const line of lines) {
      if (line.trim() === '') continue;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        continue;
      }
      for (const path of stringFieldPaths(obj)) {
        if (!samples.has(path)) {
          order.push(path);
          samples.set(path, []);
        }
        const list = samples.get(path)!;
        const v = getPath(obj, path);
        if (list.length < 3 && typeof v === 'string' && v.trim() !== '') list.push(v);
      }
    }
    const columns: ColumnInfo[] = order.map((path) => {
      const lang = langOfName(path);
      return {
        ref: path,
        name: path,
        samples: samples.get(path) ?? [],
        ...(lang !== undefined ? { lang } : {}),
      };
    });
    return { columns, header: false, suggested: suggest(columns) };
  }

  const delimiter = delimiterOf(format);
  const rows: string[][] = [];
  let pending = '';
  for (const line of lines) {
    if (rows.length === 0 && pending === '' && isAnkiHeader(line)) continue;
    if (pending === '' && line.trim() === '') continue;
    pending = pending === '' ? line : `${pending}\n${line}`;
    const r = parseDelimitedLine(pending, delimiter, format === 'csv');
    if (!r.complete) continue;
    rows.push(r.fields);
    pending = '';
  }
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const first = rows[0] ?? [];
  // A header: short identifier-like names (no sentence punctuation), at least one a known column name.
  const header =
    forceHeader ??
    (rows.length > 1 &&
      first.length >= 2 &&
      first.every((f) => /^[A-Za-z_][\w ()-]{0,30}$/.test(f.trim())) &&
      first.some(looksLikeHeaderName));
  const body = header ? rows.slice(1) : rows;
  const columns: ColumnInfo[] = [];
  for (let c = 0; c < width; c++) {
    const values = body.map((r) => r[c] ?? '');
    const name = header ? (first[c] ?? `column ${c + 1}`) : `column ${c + 1}`;
    const lang = header ? langOfName(name) : undefined;
    columns.push({
      ref: c,
      name,
      samples: values.filter((v) => v.trim() !== '').slice(0, 3),
      ...(lang !== undefined ? { lang } : {}),
    });
  }
  // Tatoeba's "id, sentence, id, sentence": numeric columns are never the sentences.
  const textual = columns.filter(
    (col) => !isNumericOrEmpty(body.map((r) => r[col.ref as number] ?? '')),
  );
  return { columns, header, suggested: suggest(textual.length >= 2 ? textual : columns) };
}

function suggest(columns: readonly ColumnInfo[]): ColumnPick | undefined {
  const withLang = columns.filter((c) => c.lang !== undefined);
  const pick = withLang.length >= 2 ? withLang : columns;
  const [a, b] = pick;
  return a !== undefined && b !== undefined ? { src: a.ref, tgt: b.ref } : undefined;
}

// ---------------------------------------------------------------------------
// Aligned files

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

// ---------------------------------------------------------------------------
// Statistics

/** Upper bounds (inclusive, in tokens) of the length histogram; a last bucket holds the rest. */
export const HISTOGRAM_BOUNDS: readonly number[] = [
  5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500,
];

/** How many most frequent tokens a side's stats keep. */
export const TOP_TOKENS = 50;

/**
 * Accumulates one side's statistics from tokenised sentences: token counts, a length
 * histogram and the most frequent tokens (an array indexed by id, bounded by the vocabulary).
 */
export class SideStatsAccumulator {
  private sentences = 0;
  private tokenTotal = 0;
  private longest = 0;
  private readonly counts: number[] = new Array<number>(HISTOGRAM_BOUNDS.length + 1).fill(0);
  /** Occurrences per token id: ids are dense and bounded by the vocabulary. */
  private readonly tokenCounts: number[] = [];

  constructor(readonly lang: string) {}

  /** Counts a tokenised sentence (token ids; their strings are looked up once, in `finish`). */
  addIds(ids: readonly number[]): void {
    const n = ids.length;
    this.sentences++;
    this.tokenTotal += n;
    if (n > this.longest) this.longest = n;
    let b = 0;
    while (b < HISTOGRAM_BOUNDS.length && n > HISTOGRAM_BOUNDS[b]!) b++;
    this.counts[b]!++;
    const tc = this.tokenCounts;
    for (const id of ids) {
      while (id >= tc.length) tc.push(0);
      tc[id]!++;
    }
  }

  /**
   * The finished statistics; `tokenOf` names a token id, `vocabulary` is the number of
   * distinct whitespace-separated words (the tokenizer's word counter already knows it).
   */
  finish(tokenOf: (id: number) => string, vocabulary: number): SideStats {
    const bounds = [...HISTOGRAM_BOUNDS];
    const counts = [...this.counts];
    // The last bucket is bounded by the longest sentence, so the JSON holds no Infinity.
    if (this.longest > HISTOGRAM_BOUNDS[HISTOGRAM_BOUNDS.length - 1]!) bounds.push(this.longest);
    else counts.pop();
    // Trim empty buckets at the long end: they only widen the chart.
    while (counts.length > 1 && counts[counts.length - 1] === 0) {
      counts.pop();
      bounds.pop();
    }
    const histogram: LengthHistogram = { bounds, counts };
    const topTokens = this.tokenCounts
      .map((count, id) => ({ id, count }))
      .filter((t) => t.count > 0)
      .sort((a, b) => b.count - a.count || a.id - b.id)
      .slice(0, TOP_TOKENS)
      .map(({ id, count }) => ({ token: tokenOf(id), count }));
    return {
      lang: this.lang,
      tokens: this.tokenTotal,
      vocabulary,
      meanLength: this.sentences === 0 ? 0 : this.tokenTotal / this.sentences,
      maxLength: this.longest,
      histogram,
      topTokens,
    };
  }
}

/** Whether a format reads its pairs from two aligned files. */
export function isAligned(format: CorpusFormat): boolean {
  return format === 'aligned';
}
