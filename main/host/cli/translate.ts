/**
 * `npm run translate -- --run DIR [--checkpoint STEP|best|last] [--beam B] [--alpha A]
 * [--nbest N] "sentence" ...`, or one sentence per line on stdin. Prints one line per input;
 * with --nbest above 1, Moses-style n-best lines `i ||| text ||| score ||| logprob`.
 */
import { parseBackend, parseCommandArgs } from './args';
import { findRun, openDecoder, pickCheckpoint, reportFailure } from './runDecoder';
import { DECODE_FLAGS, parseDecodeFlags, type CliDecodeSettings } from './decodeFlags';
import { flagHelp, flagOptions } from './settingFlags';
import { AppError, ErrorCode } from '../../../shared/errors';
import { DEFAULT_CHECKPOINT_REF } from '../../../shared/schema/decode';

const FLAGS = [DECODE_FLAGS.beamSize, DECODE_FLAGS.alpha, DECODE_FLAGS.nbest, DECODE_FLAGS.cache];

const USAGE = `Usage: npm run translate -- --run DIR [options] ["sentence" ...]

  Translates the sentences given, or one sentence per line from stdin. With --nbest above 1
  it prints "index ||| text ||| score ||| logprob" lines.

  --run DIR             the run's folder (runs/<id> under the studio home), or a run id
  --checkpoint C        a step (e.g. 3000), an averaged id, best or last (default ${DEFAULT_CHECKPOINT_REF})
${flagHelp(FLAGS)}
  --backend NAME        auto, tensorflow-gpu, tensorflow, wasm or cpu (default auto)
`;

const OPTIONS = {
  run: { type: 'string' },
  checkpoint: { type: 'string' },
  ...flagOptions(FLAGS),
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface TranslateArgs {
  run: string;
  checkpoint: string;
  /** Complete: the defaults are filled in here, where the arguments arrive. */
  settings: CliDecodeSettings;
  backend: ReturnType<typeof parseBackend>;
  sentences: string[] | null;
}

/** Parses the arguments; AppError(InvalidArgument) with one sentence when they are wrong. */
export function parseTranslateArgs(argv: string[]): TranslateArgs | 'help' {
  const { values, positionals } = parseCommandArgs('translate', argv, OPTIONS, true);
  if (values.help === true) return 'help';
  if (values.run === undefined) {
    throw new AppError(ErrorCode.InvalidArgument, 'translate: --run DIR is required (see --help).');
  }
  return {
    run: values.run,
    checkpoint: values.checkpoint ?? DEFAULT_CHECKPOINT_REF,
    settings: parseDecodeFlags(FLAGS, values),
    backend: parseBackend(values.backend),
    sentences: positionals.length > 0 ? positionals : null,
  };
}

async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Runs the translate command; returns the exit code (0 ok, 1 failure, 2 bad arguments or input). */
export async function runTranslateCommand(argv: string[]): Promise<number> {
  let args: TranslateArgs | 'help';
  try {
    args = parseTranslateArgs(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const loc = await findRun(args.run);
    const picked = await pickCheckpoint(loc, args.checkpoint);
    if (picked.note !== undefined) process.stderr.write(`${picked.note}\n`);
    const sentences = args.sentences ?? (await readStdinLines());
    const { decoder } = await openDecoder(loc, picked.info.id, args.backend);
    try {
      const { translations, truncated } = await decoder.translateMany(sentences, args.settings);
      if (truncated > 0) {
        process.stderr.write(
          `${truncated} input line(s) were longer than the model reads and were cut.\n`,
        );
      }
      const out: string[] = [];
      translations.forEach((t, i) => {
        if (args.settings.nbest === 1) {
          out.push(t.hypotheses[0]?.text ?? '');
          return;
        }
        for (const h of t.hypotheses) {
          out.push(`${i} ||| ${h.text} ||| ${h.score.toFixed(4)} ||| ${h.logProb.toFixed(4)}`);
        }
      });
      process.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
    } finally {
      decoder.dispose();
    }
    return 0;
  } catch (err) {
    return reportFailure('translate', err);
  }
}
