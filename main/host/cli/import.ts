/**
 * `npm run import -- FILES... [--name N] [options]`: imports a parallel corpus into the
 * studio home from a terminal and prints its statistics. Progress goes to stderr, the
 * result to stdout, so the output can be piped.
 */
import { parseArgs } from 'node:util';
import { parseSettings } from '../../../shared/config';
import { AppError, ErrorCode } from '../../../shared/errors';
import {
  CLEANING_FIELDS,
  DEFAULT_SPLIT,
  IMPORT_FIELDS,
  importOptionsSchema,
  SPLIT_FIELDS,
  type CleaningOptions,
  type CorpusFormat,
} from '../../../shared/schema/importOptions';
import type { DatasetStats, SideStats } from '../../../shared/types';
import { defaultHome } from '../services/home';
import { DatasetService } from '../services/datasets';
import type { ImportOptions, ImportProgress } from '../services/datasets';
import { flagFields, flagHelp, flagOptions, parseFlags } from './settingFlags';

const CORPUS_FLAGS = flagFields(IMPORT_FIELDS.format);
const SPLIT_FLAGS = flagFields(SPLIT_FIELDS.fraction, SPLIT_FIELDS.seed);
const VOCAB_FLAGS = flagFields(IMPORT_FIELDS.vocabSize, IMPORT_FIELDS.sharedVocab);
const CLEANING_FLAGS = flagFields(
  CLEANING_FIELDS.minLength,
  CLEANING_FIELDS.maxLength,
  CLEANING_FIELDS.lengthUnit,
  CLEANING_FIELDS.maxRatio,
  CLEANING_FIELDS.dedupe,
  CLEANING_FIELDS.dropIdentical,
);

const USAGE = `Usage: npm run import -- FILES... [options]

  FILES                 two aligned text files (source first, e.g. train.en train.de),
                        or one TSV, CSV or JSONL file; any of them may be gzipped

  --name N              dataset name (default: from the file names)
  --home DIR            studio home (default: the desktop app's)
${flagHelp(CORPUS_FLAGS, { defaultNote: 'detected' })}
  --columns A,B         TSV/CSV: source and target column numbers, from 1;
                        JSONL: field names (e.g. en,de or translation.en,translation.de)
  --header / --no-header  TSV/CSV: first row is column names (default: guessed)
  --src-lang L, --tgt-lang L   language codes (default: guessed from names)
  --valid FILES         own validation files, comma-separated (default: a seeded share)
${flagHelp(SPLIT_FLAGS)}
${flagHelp(VOCAB_FLAGS)}
${flagHelp(CLEANING_FLAGS)}
  --quiet               no progress on stderr
`;

function parse(argv: string[]): {
  files: string[];
  home: string;
  options: ImportOptions;
  quiet: boolean;
} {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      home: { type: 'string' },
      columns: { type: 'string' },
      header: { type: 'boolean' },
      'no-header': { type: 'boolean' },
      'src-lang': { type: 'string' },
      'tgt-lang': { type: 'string' },
      valid: { type: 'string' },
      ...flagOptions([...CORPUS_FLAGS, ...SPLIT_FLAGS, ...VOCAB_FLAGS, ...CLEANING_FLAGS]),
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || positionals.length === 0)
    throw new AppError(ErrorCode.InvalidArgument, USAGE);
  const options: ImportOptions = {
    ...parseFlags<{ format: CorpusFormat }>(CORPUS_FLAGS, values),
    ...parseFlags<{ vocabSize: number; sharedVocab: boolean }>(VOCAB_FLAGS, values),
    cleaning: parseFlags<CleaningOptions>(CLEANING_FLAGS, values),
  };
  if (values.name !== undefined) options.name = values.name;
  if (values.columns !== undefined) {
    const parts = values.columns.split(',').map((s) => s.trim());
    if (parts.length !== 2)
      throw new AppError(
        ErrorCode.InvalidArgument,
        `--columns needs two columns separated by a comma, e.g. 2,4; got "${values.columns}".`,
      );
    const asNum = parts.map(Number);
    const [a, b] = asNum.every((n) => Number.isInteger(n) && n >= 1)
      ? asNum.map((n) => n - 1)
      : parts;
    options.columns = { src: a!, tgt: b! };
  }
  if (values.header === true) options.header = true;
  if (values['no-header'] === true) options.header = false;
  if (values['src-lang'] !== undefined) options.srcLang = values['src-lang'];
  if (values['tgt-lang'] !== undefined) options.tgtLang = values['tgt-lang'];
  const split = parseFlags<{ fraction: number; seed: number }>(SPLIT_FLAGS, values);
  if (values.valid !== undefined) options.validation = { files: values.valid.split(',') };
  else if (Object.keys(split).length > 0)
    options.validation = { fraction: DEFAULT_SPLIT.fraction, ...split };
  return {
    files: positionals,
    home: values.home ?? defaultHome(),
    // The defaults are filled in here, where the arguments arrive.
    options: parseSettings(importOptionsSchema, options) as ImportOptions,
    quiet: values.quiet === true,
  };
}

function int(n: number): string {
  return n.toLocaleString('en-US');
}

function side(s: SideStats): string {
  const top = s.topTokens
    .slice(0, 10)
    .map((t) => t.token)
    .join(' ');
  return `  ${s.lang.padEnd(6)} ${int(s.tokens)} tokens, ${int(s.vocabulary)} distinct words, mean length ${s.meanLength.toFixed(1)}, longest ${s.maxLength}\n         most frequent: ${top}`;
}

/** The statistics as a few readable lines. */
export function formatStats(name: string, id: string, st: DatasetStats): string {
  const c = st.cleaning;
  const dropped = [
    ['empty', c.droppedEmpty],
    ['too short', c.droppedTooShort],
    ['too long', c.droppedTooLong],
    ['length ratio', c.droppedRatio],
    ['duplicates', c.droppedDuplicate],
    ['identical sides', c.droppedIdentical],
  ]
    .filter(([, n]) => (n as number) > 0)
    .map(([what, n]) => `${int(n as number)} ${what as string}`);
  return [
    `Imported "${name}" (${id})`,
    `  pairs: ${int(st.trainPairs)} train, ${int(st.validPairs)} validation; read ${int(c.read)}, kept ${int(c.kept)}${dropped.length > 0 ? `, dropped ${dropped.join(', ')}` : ''}`,
    `  BPE vocabulary: ${int(st.vocabSize)}${st.tgtVocabSize !== undefined ? ` (source), ${int(st.tgtVocabSize)} (target)` : ' (shared)'}`,
    side(st.src),
    side(st.tgt),
  ].join('\n');
}

/**
 * Runs the import command; returns the process exit code (0 ok, 1 import failed, 2 bad
 * arguments, 130 interrupted). Ctrl-C cancels cleanly: nothing is left behind.
 */
export async function runImportCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    if (!(err instanceof AppError && err.message === USAGE)) process.stderr.write(`\n${USAGE}`);
    return 2;
  }
  const service = new DatasetService(parsed.home);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const started = Date.now();
  let lastLine = '';
  const onProgress = (p: ImportProgress): void => {
    if (parsed.quiet || !process.stderr.isTTY) return;
    const line = `\r${p.phase.padEnd(10)} ${p.percent.toFixed(0).padStart(3)}%  ${int(p.lines)} pairs read`;
    if (line !== lastLine) process.stderr.write(line);
    lastLine = line;
  };
  try {
    const meta = await service.import(parsed.files, parsed.options, {
      onProgress,
      signal: controller.signal,
    });
    if (lastLine !== '') process.stderr.write('\n');
    const stats = await service.stats(meta.id);
    process.stdout.write(
      `${formatStats(meta.name, meta.id, stats)}\n  in ${((Date.now() - started) / 1000).toFixed(1)} s, stored in ${service.dir}\n`,
    );
    return 0;
  } catch (err) {
    if (lastLine !== '') process.stderr.write('\n');
    if (err instanceof AppError) {
      process.stderr.write(`Import failed [${err.code}]: ${err.message}\n`);
      return err.code === ErrorCode.Cancelled
        ? 130
        : err.code === ErrorCode.InvalidArgument
          ? 2
          : 1;
    }
    process.stderr.write(
      `Import failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
