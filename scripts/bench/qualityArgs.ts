/**
 * quality.ts's command line: its flags, their --help text, and the settings they resolve to
 * (defaults, and a usage error with exit code 2 for a bad value).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, ErrorCode } from '../../shared/errors';
import { PRESET_NAMES, type PresetName } from '../../shared/schema/presets';
import { ROOT } from './childRun';

/** quality.ts's usage text, printed by --help and after a malformed flag. */
export const QUALITY_HELP = `npm run bench:quality -- --minutes M [flags]

Quality per minute on Multi30k EN->DE: imports the corpus into a temporary studio home with
the studio's importer, trains the studio for M minutes (\`train --minutes M\`), then trains a
PyTorch peer (scripts/bench/peer/torch_quality.py, nn.Transformer of the same size, on the
studio's own token ids) for the same M minutes, one after the other; decodes the Multi30k
validation set with beam search on both and prints both sacreBLEU scores (the studio's
evaluator, main/eval, on both hypothesis sets), the steps and target tokens each trained, and
the same scores from the real sacreBLEU when a Python with it is there.

Data and vocabulary
  --data DIR             Multi30k folder with train.{en,de}.gz and val.{en,de}.gz, read in
                         place (default ../shared/data/multi30k)
  --vocab N              the studio's shared BPE vocabulary, specials included (default 8000)
  --valid-limit N        decode only the first N validation sentences (default 0 = all 1,014)

The studio (train's own flags; see npm run train -- --help)
  --minutes M            training budget of each side, in minutes (default 10)
  --preset NAME          the studio's preset, which fixes the model size (default small:
                         d_model 256, 3+3 layers, 4 heads, d_ff 1,024, the reference size)
  --batch-tokens N       target tokens per batch (default 4096)
  --warmup N             warm-up steps (default 300)
  --peak-lr X            peak learning rate (default 2e-3); train takes it as
                         --lr-factor = X * sqrt(d_model) * sqrt(warmup)
  --checkpoint-every N, --valid-every N, --bleu-every N
                         passed to train when given (default: the preset's)
  --backend NAME         the studio's backend (default auto)

The PyTorch peer (its own recipe: inverse square root after a linear warm-up)
  --python PATH          interpreter whose torch is the peer (default /usr/bin/python3)
  --threads N            torch threads (default 2)
  --peer-batch-tokens N  padded tokens per batch (default 4096)
  --peer-warmup N        warm-up steps (default 300)
  --peer-lr X            peak learning rate (default 2e-3)
  --no-peer              train and score the studio alone

Decoding and scoring
  --beam N               beam width of both sides (default 4)
  --alpha X              length penalty ((5 + |Y|) / 6)^alpha of both sides (default 0.6)
  --sacrebleu-python P   a Python with the sacrebleu module, for the independent check
                         (default $SACREBLEU_PYTHON, else python3)
  --out FILE             where the figures go as JSON (default bench-results/quality.json)
  --keep                 keep the temporary studio home (its path is printed)
  --help                 this text

Figures are printed, never asserted. Run it on an otherwise idle machine: both sides get the
same wall-clock budget, so anything else running takes steps from whichever side it overlaps.`;

/** Every setting of one benchmark run. */
export interface QualitySettings {
  data: string;
  vocab: number;
  validLimit: number;
  minutes: number;
  preset: PresetName;
  batchTokens: number;
  warmup: number;
  peakLr: number;
  /** Flags handed to train as they are (checkpoint, validation and BLEU intervals). */
  trainPassThrough: string[];
  backend?: string;
  python: string;
  threads: number;
  peerBatchTokens: number;
  peerWarmup: number;
  peerLr: number;
  peer: boolean;
  beam: number;
  alpha: number;
  sacrebleuPython: string;
  out: string;
  keep: boolean;
}

const OPTIONS = {
  data: { type: 'string' },
  vocab: { type: 'string', default: '8000' },
  'valid-limit': { type: 'string', default: '0' },
  minutes: { type: 'string', default: '10' },
  preset: { type: 'string', default: 'small' },
  'batch-tokens': { type: 'string', default: '4096' },
  warmup: { type: 'string', default: '300' },
  'peak-lr': { type: 'string', default: '2e-3' },
  'checkpoint-every': { type: 'string' },
  'valid-every': { type: 'string' },
  'bleu-every': { type: 'string' },
  backend: { type: 'string' },
  python: { type: 'string', default: '/usr/bin/python3' },
  threads: { type: 'string', default: '2' },
  'peer-batch-tokens': { type: 'string', default: '4096' },
  'peer-warmup': { type: 'string', default: '300' },
  'peer-lr': { type: 'string', default: '2e-3' },
  'no-peer': { type: 'boolean', default: false },
  beam: { type: 'string', default: '4' },
  alpha: { type: 'string', default: '0.6' },
  'sacrebleu-python': { type: 'string' },
  out: { type: 'string', default: 'bench-results/quality.json' },
  keep: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function usageError(message: string): AppError {
  return new AppError(ErrorCode.InvalidArgument, `${message} (npm run bench:quality -- --help)`);
}

/** A number flag within [min, max]; integers when `integer`. */
function num(flag: string, text: string, min: number, max: number, integer = false): number {
  const value = Number(text);
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  )
    throw usageError(
      `--${flag} ${text}: give ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    );
  return value;
}

/** The settings of argv, or 'help'; a bad flag is an AppError(InvalidArgument) saying which. */
export function parseQualityArgs(argv: string[]): QualitySettings | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (values.help) return 'help';
  const preset = values.preset as PresetName;
  if (!(PRESET_NAMES as readonly string[]).includes(preset))
    throw usageError(`--preset ${values.preset}: use ${PRESET_NAMES.join(', ')}`);
  const passThrough: string[] = [];
  for (const flag of ['checkpoint-every', 'valid-every', 'bleu-every'] as const) {
    const v = values[flag];
    if (v !== undefined) passThrough.push(`--${flag}`, String(num(flag, v, 0, 1e7, true)));
  }
  return {
    data: resolve(values.data ?? resolve(ROOT, '..', 'shared', 'data', 'multi30k')),
    vocab: num('vocab', values.vocab, 8, 200_000, true),
    validLimit: num('valid-limit', values['valid-limit'], 0, 1e7, true),
    minutes: num('minutes', values.minutes, 0.1, 100_000),
    preset,
    batchTokens: num('batch-tokens', values['batch-tokens'], 16, 1_048_576, true),
    warmup: num('warmup', values.warmup, 1, 1_000_000, true),
    peakLr: num('peak-lr', values['peak-lr'], 1e-7, 1),
    trainPassThrough: passThrough,
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
    python: values.python,
    threads: num('threads', values.threads, 1, 256, true),
    peerBatchTokens: num('peer-batch-tokens', values['peer-batch-tokens'], 16, 1_048_576, true),
    peerWarmup: num('peer-warmup', values['peer-warmup'], 1, 1_000_000, true),
    peerLr: num('peer-lr', values['peer-lr'], 1e-7, 1),
    peer: !values['no-peer'],
    beam: num('beam', values.beam, 1, 64, true),
    alpha: num('alpha', values.alpha, 0, 5),
    sacrebleuPython: values['sacrebleu-python'] ?? process.env['SACREBLEU_PYTHON'] ?? 'python3',
    out: resolve(values.out),
    keep: values.keep,
  };
}

/**
 * train's --lr-factor for a peak learning rate: the budget schedule peaks at
 * factor · d_model^-0.5 · warmup^-0.5 (main/training/schedule.ts).
 */
export function lrFactorFor(peakLr: number, dModel: number, warmup: number): number {
  return peakLr * Math.sqrt(dModel) * Math.sqrt(warmup);
}
