/**
 * The column overview a person picks from before an import: the columns of a TSV/CSV file or
 * the text fields of a JSONL file, each with sample values, a header guess and a suggested
 * pick. Pure: it reads the first lines (TSV, JSONL) or rows already split (CSV, split by
 * csv-parse in main/importer/csvRows.ts), never a file.
 */
import type { ColumnInfo, ColumnPick, ColumnsOverview } from '../../shared/types';
import {
  getPath,
  guessLanguageFromName,
  isAnkiHeader,
  parseDelimitedLine,
  stringFieldPaths,
} from './corpusFormats';

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
 * Columns of a TSV file or fields of a JSONL file from its first lines, each with sample
 * values, a header guess and a suggested pick. Lines that do not parse are skipped here;
 * the import names them. (A CSV file's rows are split first: see `describeRows`.)
 */
export function describeColumns(
  format: 'tsv' | 'jsonl',
  lines: readonly string[],
  /** TSV: whether the first row is a header; default: guessed. */
  forceHeader?: boolean,
): ColumnsOverview {
  if (format === 'jsonl') return describeJsonFields(lines);
  const rows: string[][] = [];
  for (const line of lines) {
    if (rows.length === 0 && isAnkiHeader(line)) continue;
    if (line.trim() === '') continue;
    rows.push(parseDelimitedLine(line, '\t', false).fields);
  }
  return describeRows(rows, forceHeader);
}

/**
 * Columns of a table from its first rows (blank rows and Anki `#key:value` lines already
 * left out): sample values, whether the first row is a header (names, no sentences), and
 * a suggested pick that skips numeric id columns (Tatoeba's "id, sentence, id, sentence").
 */
export function describeRows(
  rows: readonly (readonly string[])[],
  /** Whether the first row is a header; default: guessed. */
  forceHeader?: boolean,
): ColumnsOverview {
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
  const textual = columns.filter(
    (col) => !isNumericOrEmpty(body.map((r) => r[col.ref as number] ?? '')),
  );
  return { columns, header, suggested: suggest(textual.length >= 2 ? textual : columns) };
}

/** Text fields of JSONL objects (one level of nesting deep), in order of first appearance. */
function describeJsonFields(lines: readonly string[]): ColumnsOverview {
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

function suggest(columns: readonly ColumnInfo[]): ColumnPick | undefined {
  const withLang = columns.filter((c) => c.lang !== undefined);
  const pick = withLang.length >= 2 ? withLang : columns;
  const [a, b] = pick;
  return a !== undefined && b !== undefined ? { src: a.ref, tgt: b.ref } : undefined;
}
