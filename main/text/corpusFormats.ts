/**
 * The file formats a parallel corpus arrives in, one line at a time: TSV rows (RFC 4180
 * quoting when a field is quoted, otherwise quotes are text), JSONL objects with picked
 * (dotted) fields, format sniffing, and language guesses from file names. CSV records,
 * whose quoted fields may span lines, are parsed by csv-parse in main/importer/csvRows.ts;
 * here a CSV line is only split to sniff the format. Pure: no I/O; errors are AppErrors
 * naming the file and line.
 */
import { AppError, ErrorCode } from '../../shared/errors';

import type { CorpusFormat } from '../../shared/types';

export type { CorpusFormat };

export { CORPUS_FORMATS } from '../../shared/schema/importOptions';

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

// ---------------------------------------------------------------------------
// File names

/** Strips `.gz` (any case): `train.en.gz` -> `train.en`. */
export function stripGz(name: string): string {
  return name.replace(/\.gz$/i, '');
}

/** The last path component, for messages and meta.json (never a full path). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

const LANG_RE = /^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$/;
/** Extensions that look like language codes but name formats. */
const NOT_LANGS = new Set([
  'txt',
  'tsv',
  'csv',
  'gz',
  'zip',
  'tar',
  'xml',
  'tmx',
  'doc',
  'pdf',
  'dat',
  'raw',
  'tok',
  'bpe',
  'src',
  'tgt',
  'ref',
  'out',
  'log',
  'md',
  'py',
  'js',
  'ts',
  'bin',
]);

/** A language code from a file name: `train.en`, `x.en-de.en`, `europarl-v7.de-en.de(.gz)`, `news_en.txt`. */
export function guessLanguageFromName(name: string): string | undefined {
  const base = stripGz(baseName(name));
  const parts = base.split('.');
  // `train.en` / `x.en-de.en`: the last extension is the language.
  const last = parts.length > 1 ? parts[parts.length - 1] : undefined;
  if (last !== undefined && LANG_RE.test(last) && !NOT_LANGS.has(last.toLowerCase())) return last;
  // `news_en.txt`, `corpus-de.txt`: a trailing _xx / -xx before the extension.
  const stem = parts.length > 1 ? parts.slice(0, -1).join('.') : base;
  const m = /[._-]([a-z]{2,3})$/.exec(stem);
  if (m?.[1] !== undefined && !NOT_LANGS.has(m[1])) return m[1];
  return undefined;
}

/** A language pair from a single file's name: `deu-eng.tsv`, `en-de.jsonl`, `fra.txt` (Anki: eng + fra). */
export function guessLanguagePairFromName(name: string): [string, string] | undefined {
  const base = stripGz(baseName(name)).toLowerCase();
  const m = /(?:^|[._-])([a-z]{2,3})[-_]([a-z]{2,3})(?:$|[._-])/.exec(base);
  if (m?.[1] !== undefined && m[2] !== undefined && !NOT_LANGS.has(m[1]) && !NOT_LANGS.has(m[2]))
    return [m[1], m[2]];
  return undefined;
}

/** The format a file name suggests, or undefined (`.txt`, `train.en`: text). */
export function formatFromName(name: string): CorpusFormat | undefined {
  const base = stripGz(baseName(name)).toLowerCase();
  if (base.endsWith('.tsv') || base.endsWith('.tab')) return 'tsv';
  if (base.endsWith('.csv')) return 'csv';
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson') || base.endsWith('.json')) return 'jsonl';
  return undefined;
}

/**
 * The format of a single dropped file, from its name and then its first lines.
 * Text needs two files, so a single file is TSV, CSV or JSONL.
 */
export function sniffSingleFileFormat(
  name: string,
  sample: readonly string[],
): CorpusFormat | undefined {
  const byName = formatFromName(name);
  if (byName !== undefined) return byName;
  const lines = sample.filter((l) => l.trim() !== '' && !isAnkiHeader(l)).slice(0, 50);
  if (lines.length === 0) return undefined;
  if (lines.every((l) => l.trimStart().startsWith('{'))) return 'jsonl';
  if (lines.filter((l) => l.includes('\t')).length >= Math.ceil(lines.length * 0.9)) return 'tsv';
  const csvCounts = lines.map((l) => {
    const r = parseDelimitedLine(l, ',', true);
    return r.complete ? r.fields.length : 0;
  });
  const first = csvCounts[0] ?? 0;
  if (first >= 2 && csvCounts.filter((c) => c === first).length >= Math.ceil(lines.length * 0.9))
    return 'csv';
  return 'aligned';
}

// ---------------------------------------------------------------------------
// TSV / CSV

/** Anki's "Notes in Plain Text" export opens with lines like `#separator:tab`, `#html:false`. */
export function isAnkiHeader(line: string): boolean {
  return /^#[a-z ]+:/i.test(line);
}

export interface DelimitedResult {
  fields: string[];
  /** False when a quoted field is still open at the end of the line (CSV: continues on the next line). */
  complete: boolean;
}

/**
 * Splits one row on a delimiter.
 *
 * A field that starts with `"` and whose closing `"` is followed by the delimiter or the
 * end of the row is RFC 4180-quoted: the quotes go and `""` becomes `"`. Any other quote
 * is text, so Tatoeba's `"Hi," he said.` stays as written. With `multiline` (CSV, for
 * sniffing only), an unterminated quoted field reports `complete: false`; without it
 * (TSV), the field is taken as text.
 */
export function parseDelimitedLine(
  line: string,
  delimiter: string,
  multiline: boolean,
): DelimitedResult {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      // Try a quoted field.
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < n) {
        const q = line.indexOf('"', j);
        if (q < 0) break;
        if (line.charCodeAt(q + 1) === 34) {
          value += line.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        value += line.slice(j, q);
        j = q + 1;
        closed = true;
        break;
      }
      if (closed && (j === n || line.startsWith(delimiter, j))) {
        fields.push(value);
        if (j === n) return { fields, complete: true };
        i = j + delimiter.length;
        continue;
      }
      if (!closed && multiline) return { fields, complete: false };
      // Not a well-formed quoted field: the quote is text.
    }
    const d = line.indexOf(delimiter, i);
    if (d < 0) {
      fields.push(line.slice(i));
      return { fields, complete: true };
    }
    fields.push(line.slice(i, d));
    i = d + delimiter.length;
  }
}

// ---------------------------------------------------------------------------
// JSONL

/** Reads a dotted path (`translation.en`) from a parsed JSON value; undefined when absent. */
export function getPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Every string-valued field of an object, as dotted paths, one level of nesting deep (`translation.en`). */
export function stringFieldPaths(value: unknown): string[] {
  const out: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') out.push(k);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
        if (typeof v2 === 'string') out.push(`${k}.${k2}`);
      }
    }
  }
  return out;
}

/** Parses one JSONL line into an object, or throws an AppError naming the file, line and JSON problem. */
export function parseJsonObjectLine(
  line: string,
  file: string,
  lineNo: number,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AppError(
      ErrorCode.CorpusInvalid,
      `${file} line ${formatInt(lineNo)} is not valid JSON (${why}); each line of a JSONL file must be one JSON object such as {"en": "...", "de": "..."}.`,
      { file, line: lineNo, byte: null },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError(
      ErrorCode.CorpusInvalid,
      `${file} line ${formatInt(lineNo)} is JSON but not an object (it is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}); each line of a JSONL file must be one object such as {"en": "...", "de": "..."}.`,
      { file, line: lineNo, byte: null },
    );
  }
  return value as Record<string, unknown>;
}
