/**
 * `npm run translate -- --run DIR [--checkpoint STEP|best|last] [--beam 4] [--alpha 0.6]
 * [--nbest 3] "sentence" ...`, or one sentence per line on stdin. Prints one line per input;
 * with --nbest above 1, Moses-style n-best lines `i ||| text ||| score ||| logprob`.
 */
import { parseBackend, parseCommandArgs, parseIntArg } from './args';
import { findRun, openDecoder, parseNumberArg, pickCheckpoint, reportFailure } from './runDecoder';
import { AppError, ErrorCode } from '../../../shared/errors';

const USAGE = `Usage: npm run translate -- --run DIR [options] ["sentence" ...]

  Translates the sentences given, or one sentence per line from stdin.

  --run DIR             the run's folder (runs/<id> under the studio home), or a run id
  --checkpoint C        a step (e.g. 3000), an averaged id, best or last (default best)
  --beam B              beam width (default 4; 1 is greedy decoding)
  --alpha A             length penalty ((5 + len) / 6)^A (default 0.6)
  --nbest N             hypotheses per sentence, at most B (default 1); N > 1 prints
                        "index ||| text ||| score ||| logprob" lines
  --no-cache            decode without the key/value cache (slower; the reference)
  --backend NAME        auto, tensorflow-gpu, tensorflow, wasm or cpu (default auto)
`;

const OPTIONS = {
  run: { type: 'string' },
  checkpoint: { type: 'string' },
  beam: { type: 'string' },
  alpha: { type: 'string' },
  nbest: { type: 'string' },
  'no-cache': { type: 'boolean' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface TranslateArgs {
  run: string;
  checkpoint: string;
  beam: number;
  alpha: number;
  nbest: number;
  cache: boolean;
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
  const beam = parseIntArg('beam', values.beam, 1) ?? 4;
  const nbest = parseIntArg('nbest', values.nbest, 1) ?? 1;
  if (nbest > beam) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `--nbest ${nbest} needs a beam at least as wide; got --beam ${beam}.`,
    );
  }
  return {
    run: values.run,
    checkpoint: values.checkpoint ?? 'best',
    beam,
    alpha: parseNumberArg('alpha', values.alpha) ?? 0.6,
    nbest,
    cache: values['no-cache'] !== true,
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
      const { translations, truncated } = await decoder.translateMany(sentences, {
        mode: args.beam === 1 ? 'greedy' : 'beam',
        beamSize: args.beam,
        alpha: args.alpha,
        nbest: args.nbest,
        cache: args.cache,
      });
      if (truncated > 0) {
        process.stderr.write(
          `${truncated} input line(s) were longer than the model reads and were cut.\n`,
        );
      }
      const out: string[] = [];
      translations.forEach((t, i) => {
        if (args.nbest === 1) {
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
