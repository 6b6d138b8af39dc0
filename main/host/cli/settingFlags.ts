/**
 * CLI flags for settings, derived from their schema fields (shared/schema/): the parseArgs
 * options, the parsing with each field's range (the message names the flag), and the help
 * lines with the default and the range. A flag such as --beam is declared once, in the
 * schema, and every command that takes it uses the same declaration.
 */
import { AppError, ErrorCode } from '../../../shared/errors';
import { fieldIssue, type FieldEntry } from '../../../shared/schema/field';

/** A settings field a command takes as a flag. */
export type FlagField = FieldEntry & { flag: string };

/** Fields as flags, in the order given; a field without a flag is a programming error. */
export function flagFields(...fields: FieldEntry[]): FlagField[] {
  return fields.map((f) => {
    if (f.flag === undefined) throw new Error(`The setting ${f.key} has no CLI flag.`);
    return f as FlagField;
  });
}

/**
 * The same field under another flag name and without its default, for a command whose
 * default comes from elsewhere (train's --vocab is import's --vocab-size; a preset sets it).
 */
export function asFlag(field: FieldEntry, flag: string): FlagField {
  const { default: _default, ...rest } = field;
  return { ...rest, flag } as FlagField;
}

type FlagOption = { type: 'string' } | { type: 'boolean' };

/** parseArgs options for the fields: a string per number or choice, a boolean per switch. */
export function flagOptions(fields: readonly FlagField[]): Record<string, FlagOption> {
  const options: Record<string, FlagOption> = {};
  for (const f of fields) options[f.flag] = { type: f.kind === 'switch' ? 'boolean' : 'string' };
  return options;
}

function parseValue(f: FlagField, raw: string | boolean): number | string | boolean {
  if (f.kind === 'switch') return f.flagSets ?? true;
  const text = String(raw);
  // Text that is not a number stays text, so the message quotes what was typed.
  const n = text.trim() === '' ? NaN : Number(text);
  const value = f.kind === 'number' && !Number.isNaN(n) ? n : text;
  const problem = fieldIssue(f, value, `--${f.flag}`);
  if (problem !== undefined) throw new AppError(ErrorCode.InvalidArgument, problem);
  return value;
}

/**
 * The settings whose flags were given, by field key, each checked against its field's range.
 * Flags left out are left out: defaults are filled in by the settings' schema.
 * @throws AppError(InvalidArgument) naming the flag, the range and what was given
 */
export function parseFlags<T extends Record<string, unknown>>(
  fields: readonly FlagField[],
  values: Readonly<Record<string, string | boolean | undefined>>,
): Partial<T> {
  const out: Record<string, number | string | boolean> = {};
  for (const f of fields) {
    const raw = values[f.flag];
    if (raw === undefined || raw === false) continue;
    out[f.key] = parseValue(f, raw);
  }
  return out as Partial<T>;
}

function placeholder(f: FlagField): string {
  if (f.kind === 'switch') return '';
  if (f.kind === 'choice') return ` ${f.options.map((o) => o.value).join('|')}`;
  return f.integer ? ' N' : ' X';
}

/** 10,000,000 and 1e-6 read better in help than 10000000 and 0.000001. */
function readable(n: number): string {
  if (Math.abs(n) >= 10_000) return n.toLocaleString('en-US');
  if (n !== 0 && Math.abs(n) < 0.001) return n.toExponential();
  return String(n);
}

function details(f: FlagField, defaultNote: string | undefined): string {
  const parts: string[] = [];
  if (f.kind === 'number') {
    parts.push(`${readable(f.min)} to ${readable(f.max)}${f.zeroOff === true ? ', 0 = off' : ''}`);
  }
  if (f.kind !== 'switch') {
    const shown =
      f.default !== undefined
        ? typeof f.default === 'number'
          ? readable(f.default)
          : f.default
        : defaultNote && `: ${defaultNote}`;
    if (shown !== undefined) parts.unshift(`default${f.default !== undefined ? ' ' : ''}${shown}`);
  }
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

const HELP_WIDTH = 92;

/** How help lines are laid out: the column the text starts at, and the note for fields without a default. */
export interface HelpLayout {
  /** What to say for fields without a default, e.g. "the preset's". */
  defaultNote?: string;
  /** The column the help text starts at (default 24). */
  indent?: number;
}

/** A help sentence as the CLI writes it: lower-case start (unless an acronym), no full stop. */
function helpText(f: FlagField): string {
  const text = (f.flagHelp ?? f.help).replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function wrap(words: string[], first: string, indent: number): string {
  const lines: string[] = [];
  let line = first;
  for (const w of words) {
    if (line.length + 1 + w.length > HELP_WIDTH && line.trim().length > 0) {
      lines.push(line);
      line = ' '.repeat(indent - 1);
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Help lines for the fields: the flag, its help sentence, its default and range. */
export function flagHelp(fields: readonly FlagField[], layout: HelpLayout = {}): string {
  const indent = layout.indent ?? 24;
  return fields
    .map((f) => {
      const head = `  --${f.flag}${placeholder(f)}`;
      const words = `${helpText(f)}${details(f, layout.defaultNote)}`.split(' ');
      const first =
        head.length < indent - 1 ? head.padEnd(indent - 1) : `${head}\n${' '.repeat(indent - 1)}`;
      return wrap(words, first, indent);
    })
    .join('\n');
}
