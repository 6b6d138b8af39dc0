/**
 * `npm run evaluate -- --run DIR --src FILE --ref FILE [--beam B]`: translates a test set,
 * writes the hypotheses (one line per source line) and prints corpus BLEU and chrF with
 * their sacreBLEU signatures. On a terminal, a progress line with an ETA goes to stderr.
 */
import * as fsp from 'node:fs/promises';
import { AppError, ErrorCode } from '../../../shared/errors';
import { corpusBleu, formatBleu } from '../../eval/bleu';
import { corpusChrf, formatChrf } from '../../eval/chrf';
import { DEFAULT_CHECKPOINT_REF } from '../../../shared/schema/decode';
import { parseBackend, parseCommandArgs } from './args';
import { DECODE_FLAGS, parseDecodeFlags, type CliDecodeSettings } from './decodeFlags';
import { evaluateProgressLine, progressWriter } from './evaluateProgress';
import { findRun, openDecoder, pickCheckpoint, reportFailure } from './runDecoder';
import { flagHelp, flagOptions } from './settingFlags';

const FLAGS = [DECODE_FLAGS.beamSize, DECODE_FLAGS.alpha, DECODE_FLAGS.cache];

const USAGE = `Usage: npm run evaluate -- --run DIR --src FILE --ref FILE [options]

  Translates FILE (one sentence per line), writes the translations and prints corpus BLEU
  (13a, exp smoothing) and chrF2, as sacreBLEU computes them, with their signatures.

  --run DIR             the run's folder (runs/<id> under the studio home), or a run id
  --src FILE            source sentences, one per line (UTF-8)
  --ref FILE            reference translations, line by line with --src
  --out FILE            where to write the translations (default FILE.hyp next to --src)
  --checkpoint C        a step (e.g. 3000), an averaged id, best or last (default ${DEFAULT_CHECKPOINT_REF})
${flagHelp(FLAGS)}
  --backend NAME        auto, tensorflow-gpu, tensorflow, wasm or cpu (default auto)
`;

const OPTIONS = {
  run: { type: 'string' },
  src: { type: 'string' },
  ref: { type: 'string' },
  out: { type: 'string' },
  checkpoint: { type: 'string' },
  ...flagOptions(FLAGS),
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface EvaluateArgs {
  run: string;
  src: string;
  ref: string;
  out: string;
  checkpoint: string;
  /** Complete: the defaults are filled in here, where the arguments arrive. */
  settings: CliDecodeSettings;
  backend: ReturnType<typeof parseBackend>;
}

/** Parses the arguments; AppError(InvalidArgument) with one sentence when they are wrong. */
export function parseEvaluateArgs(argv: string[]): EvaluateArgs | 'help' {
  const { values, positionals } = parseCommandArgs('evaluate', argv, OPTIONS, true);
  if (values.help === true) return 'help';
  if (positionals.length > 0) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `evaluate: unexpected argument "${positionals[0]}"; give the files with --src and --ref (see --help).`,
    );
  }
  for (const flag of ['run', 'src', 'ref'] as const) {
    if (values[flag] === undefined) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `evaluate: --${flag} is required (see --help).`,
      );
    }
  }
  const src = values.src as string;
  return {
    run: values.run as string,
    src,
    ref: values.ref as string,
    out: values.out ?? `${src}.hyp`,
    checkpoint: values.checkpoint ?? DEFAULT_CHECKPOINT_REF,
    settings: parseDecodeFlags(FLAGS, values),
    backend: parseBackend(values.backend),
  };
}

async function readLines(file: string, what: string): Promise<string[]> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new AppError(
      ErrorCode.FileUnreadable,
      `Cannot read the ${what} file ${file} (${(err as Error).message}).`,
      { file },
    );
  }
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Runs the evaluate command; returns the exit code (0 ok, 1 failure, 2 bad arguments or input). */
export async function runEvaluateCommand(argv: string[]): Promise<number> {
  let args: EvaluateArgs | 'help';
  try {
    args = parseEvaluateArgs(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const sources = await readLines(args.src, 'source');
    const references = await readLines(args.ref, 'reference');
    if (sources.length !== references.length) {
      throw new AppError(
        ErrorCode.CorpusLineCountMismatch,
        `${args.src} has ${sources.length} lines but ${args.ref} has ${references.length}; they must be aligned line by line.`,
      );
    }
    const loc = await findRun(args.run);
    const picked = await pickCheckpoint(loc, args.checkpoint);
    if (picked.note !== undefined) process.stderr.write(`${picked.note}\n`);
    const { decoder, engine } = await openDecoder(loc, picked.info.id, args.backend);
    const started = Date.now();
    let hypotheses: string[];
    const progress = progressWriter((text) => process.stderr.write(text));
    try {
      const tty = process.stderr.isTTY;
      if (tty) progress.line(evaluateProgressLine(0, sources.length, 0));
      const { translations, truncated } = await decoder.translateMany(
        sources,
        args.settings,
        (done, total) => {
          if (tty) progress.line(evaluateProgressLine(done, total, (Date.now() - started) / 1000));
        },
      );
      progress.end();
      if (truncated > 0) {
        process.stderr.write(
          `${truncated} source line(s) were longer than the model reads and were cut.\n`,
        );
      }
      hypotheses = translations.map((t) => t.hypotheses[0]?.text ?? '');
    } finally {
      // A failure's message then starts on a line of its own.
      progress.end();
      decoder.dispose();
    }
    const seconds = (Date.now() - started) / 1000;
    await fsp.writeFile(args.out, hypotheses.map((h) => `${h}\n`).join(''), 'utf8');
    const bleu = corpusBleu(hypotheses, [references]);
    const chrf = corpusChrf(hypotheses, [references]);
    process.stdout.write(
      [
        formatBleu(bleu),
        formatChrf(chrf),
        `run ${loc.run.id}, checkpoint ${picked.info.id}, ${args.settings.mode === 'greedy' ? 'greedy' : `beam ${args.settings.beamSize}, alpha ${args.settings.alpha}`}, ${sources.length} sentences in ${seconds.toFixed(1)} s on ${engine.backend}`,
        `hypotheses written to ${args.out}`,
      ].join('\n') + '\n',
    );
    return 0;
  } catch (err) {
    return reportFailure('evaluate', err);
  }
}
