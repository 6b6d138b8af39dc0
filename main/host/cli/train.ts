/**
 * `train`: trains headless with one live progress line and writes a run folder as in
 * DESIGN.md (run.json, metrics.jsonl, checkpoints/). With no arguments it trains `tiny` on the
 * sample corpus in resources/sample so a new user sees it learn in about a minute.
 * Ctrl+C stops after the current step and writes a checkpoint; `--resume RUN_DIR` continues.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, ErrorCode } from '../../../shared/errors';
import {
  PRESETS,
  type MetricRecord,
  type PresetName,
  type RunInfo,
  type TrainConfig,
  type TrainProgress,
} from '../../../shared/types';
import { IMPORT_FIELDS } from '../../../shared/schema/importOptions';
import { RESUME_OVERRIDABLE, TRAIN_FIELDS } from '../../../shared/schema/train';
import { defaultHome } from '../services/home';
import { createStudio, type Studio } from '../studio';
import { parseBackend, parseCommandArgs, parseIntArg } from './args';
import { describeRunEnd } from '../services/runEnd';
import { asFlag, flagFields, flagHelp, flagOptions, parseFlags } from './settingFlags';

/** The training settings train takes as flags, on top of the preset's. */
const TRAIN_FLAGS = flagFields(
  TRAIN_FIELDS.maxSteps,
  TRAIN_FIELDS.minutes,
  TRAIN_FIELDS.batchTokens,
  TRAIN_FIELDS.lrFactor,
  TRAIN_FIELDS.warmupSteps,
  TRAIN_FIELDS.checkpointEvery,
  TRAIN_FIELDS.validEvery,
  TRAIN_FIELDS.bleuEvery,
  TRAIN_FIELDS.patience,
  TRAIN_FIELDS.earlyStoppingMetric,
);
/** The import's vocabulary size, as train names it; its default here is the preset's. */
const VOCAB_FLAG = asFlag(IMPORT_FIELDS.vocabSize, 'vocab');
const RESUME_FLAGS = TRAIN_FLAGS.filter((f) =>
  (RESUME_OVERRIDABLE as readonly string[]).includes(f.key),
);
const PRESET_DEFAULT = { defaultNote: "the preset's", indent: 26 };

export const TRAIN_HELP = `Usage: npm run train -- [--src FILE --tgt FILE] [--valid-src FILE --valid-tgt FILE]
                        [--preset tiny|small|base] [--max-steps N] [--minutes M]
                        [--batch-tokens N]
                        [--out HOME] [--backend NAME] [--name NAME]
                        [--checkpoint-every N] [--valid-every N] [--bleu-every N]
                        [--patience N] [--early-stop-on bleu|valid_loss]
                        [--progress-every-ms MS]
       npm run train -- --resume RUN_DIR [--max-steps N] [--lr-factor X] [--from-scratch]

Trains an encoder-decoder Transformer headless and prints one live progress line.
With no --src/--tgt it trains on the sample corpus in resources/sample.
  --src, --tgt            aligned source and target files (one sentence per line; .gz ok)
  --valid-src, --valid-tgt  your own validation files (default: a seeded 5% of the pairs)
  --preset                tiny (default), small or base (the paper's base model)
${flagHelp(TRAIN_FLAGS, PRESET_DEFAULT)}
  --progress-every-ms MS  without a terminal, print the progress line at most this often
                          (default 5000; 0 = every progress event)
${flagHelp([VOCAB_FLAG], PRESET_DEFAULT)}
  --out HOME              the studio home to write datasets/ and runs/ into
                          (default: the desktop app's, so the studio shows the run)
  --backend               auto (default), tensorflow-gpu, tensorflow, wasm or cpu
  --resume RUN_DIR        continue a run from its newest good checkpoint (explicit overrides
                          allowed); damaged checkpoints are named and set aside in
                          checkpoints/.damaged. Of the settings above, a resume may change
                          ${RESUME_FLAGS.map((f) => `--${f.flag}`).join(', ')}
  --from-scratch          with --resume: when no checkpoint can be resumed, train again from
                          step 0 instead of refusing`;

/** resources/sample, from source (main/cli) or a build (out/main). */
export function sampleCorpus(): { src: string; tgt: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'resources', 'sample');
    if (existsSync(join(candidate, 'sample.en'))) {
      return { src: join(candidate, 'sample.en'), tgt: join(candidate, 'sample.de') };
    }
    dir = dirname(dir);
  }
  throw new AppError(
    ErrorCode.FileUnreadable,
    'The sample corpus (resources/sample) was not found; pass --src and --tgt.',
  );
}

function readable(flag: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new AppError(ErrorCode.FileUnreadable, `${flag} ${file}: no such file.`);
  }
  return path;
}

/** A duration for a progress line: 45s, 3m07s, 1h05m; ? when unknown. */
export function fmtDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** The one live progress line: step/total, loss, val loss, lr, tokens/s, ETA. */
export function progressLine(
  p: TrainProgress,
  valid: number | undefined,
  bleu: number | undefined,
): string {
  const width = String(p.totalSteps).length;
  return [
    `step ${String(p.step).padStart(width)}/${p.totalSteps}`,
    `loss ${p.loss.toFixed(3)}`,
    `val ${valid === undefined ? '  -  ' : valid.toFixed(3)}`,
    ...(bleu === undefined ? [] : [`BLEU ${bleu.toFixed(1)}`]),
    `lr ${p.lr.toExponential(2)}`,
    `${Math.round(p.tokensPerSec)} tok/s`,
    `ETA ${fmtDuration(p.etaSec)}`,
  ].join(' | ');
}

/** A dataset name that is the same for the same files (so a second run reuses the import). */
function datasetNameFor(files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    const st = statSync(f);
    hash.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return `${files.map((f) => basename(f)).join(' + ')} (${hash.digest('hex').slice(0, 6)})`;
}

async function trainAndReport(
  studio: Studio,
  run: RunInfo,
  progressEveryMs: number,
  resume?: { overrides: Partial<TrainConfig>; fromScratch: boolean },
): Promise<RunInfo> {
  const tty = process.stdout.isTTY === true;
  let valid: number | undefined;
  let bleu: number | undefined;
  let lastPrinted = 0;
  let last: TrainProgress | undefined;
  const offs = [
    studio.events.subscribe((event, payload) => {
      if (event === 'trainProgress') {
        last = payload as TrainProgress;
        const line = progressLine(last, valid, bleu);
        if (tty) process.stdout.write(`\r\x1b[2K${line}`);
        else if (Date.now() - lastPrinted >= progressEveryMs) {
          console.log(line);
          lastPrinted = Date.now();
        }
      } else if (event === 'metric') {
        const record = (payload as { record: MetricRecord }).record;
        if (record.kind === 'valid') valid = record.loss;
        if (record.kind === 'bleu') bleu = record.bleu;
      }
    }),
  ];
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stdout.write(
      '\nStopping after this step and writing a checkpoint (Ctrl+C again to quit at once)...\n',
    );
    void studio.controller.stop(run.id).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  try {
    const ended = studio.controller.waitForEnd(run.id);
    const started = await studio.controller.start(
      run.id,
      resume?.overrides ?? {},
      resume?.fromScratch === true ? { fromScratch: true } : {},
    );
    // What the resume rejected and set aside, or that it starts over (run.json keeps it too).
    const note = started.history?.at(-1)?.note;
    if (resume !== undefined && note !== undefined) console.warn(note);
    console.log(
      `Training "${started.name}" on ${started.backend} from step ${started.step} to ${started.train.maxSteps}` +
        ((started.train.minutes ?? 0) > 0
          ? ` or until its ${started.train.minutes}-minute budget is used`
          : '') +
        ` (${run.model.encoderLayers}+${run.model.decoderLayers} layers, d_model ${run.model.dModel}, ${run.model.heads} heads)`,
    );
    const final = await ended;
    if (tty) process.stdout.write('\n');
    if (last && !tty) console.log(progressLine(last, valid, bleu));
    return final;
  } finally {
    process.off('SIGINT', onSigint);
    offs.forEach((off) => off());
  }
}

export async function runTrainCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('train', argv, {
    src: { type: 'string' },
    tgt: { type: 'string' },
    'valid-src': { type: 'string' },
    'valid-tgt': { type: 'string' },
    preset: { type: 'string' },
    ...flagOptions([...TRAIN_FLAGS, VOCAB_FLAG]),
    out: { type: 'string' },
    home: { type: 'string' },
    backend: { type: 'string' },
    name: { type: 'string' },
    resume: { type: 'string' },
    'from-scratch': { type: 'boolean' },
    'progress-every-ms': { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(TRAIN_HELP);
    return 0;
  }
  const preset = (values.preset ?? 'tiny') as PresetName;
  if (!(preset in PRESETS)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `--preset ${values.preset} is not a preset; use tiny, small or base.`,
    );
  }
  // Each flag within its setting's range; the rest are the preset's.
  const overrides = parseFlags<TrainConfig>(TRAIN_FLAGS, values);
  const progressEveryMs = parseIntArg('progress-every-ms', values['progress-every-ms'], 0) ?? 5000;

  if (values['from-scratch'] === true && values.resume === undefined) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      '--from-scratch only applies to --resume RUN_DIR; a new run always starts at step 0.',
    );
  }
  if (values.resume !== undefined) {
    const runDir = resolve(values.resume);
    if (!existsSync(join(runDir, 'run.json'))) {
      throw new AppError(
        ErrorCode.FileUnreadable,
        `--resume ${values.resume}: no run.json there; pass a run folder (…/runs/<id>).`,
      );
    }
    const home = dirname(dirname(runDir));
    const studio = createStudio({ home, backend: parseBackend(values.backend) });
    try {
      await studio.recover();
      const final = await trainAndReport(
        studio,
        await studio.runs.get(basename(runDir)),
        progressEveryMs,
        { overrides, fromScratch: values['from-scratch'] === true },
      );
      return report(final, runDir);
    } finally {
      await studio.dispose();
    }
  }

  const sample = values.src === undefined && values.tgt === undefined ? sampleCorpus() : undefined;
  const src = sample?.src ?? readable('--src', values.src);
  const tgt = sample?.tgt ?? readable('--tgt', values.tgt);
  if (src === undefined || tgt === undefined) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      'Pass both --src and --tgt (or neither, for the sample corpus).',
    );
  }
  const validSrc = readable('--valid-src', values['valid-src']);
  const validTgt = readable('--valid-tgt', values['valid-tgt']);
  if ((validSrc === undefined) !== (validTgt === undefined)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      'Pass both --valid-src and --valid-tgt, or neither.',
    );
  }
  const vocab =
    parseFlags<{ vocabSize: number }>([VOCAB_FLAG], values).vocabSize ??
    (sample ? 1000 : PRESETS[preset].vocabSize);

  const home = resolve(values.out ?? values.home ?? defaultHome());
  const studio = createStudio({ home, backend: parseBackend(values.backend) });
  try {
    await studio.recover();
    const files = [src, tgt, ...(validSrc && validTgt ? [validSrc, validTgt] : [])];
    const datasetName = `${datasetNameFor(files)} v${vocab}`;
    let dataset = (await studio.datasets.list()).find((d) => d.name === datasetName);
    if (dataset) {
      console.log(`Using dataset "${dataset.name}" (${dataset.trainPairs} training pairs).`);
    } else {
      console.log(`Importing ${basename(src)} + ${basename(tgt)} ...`);
      dataset = await studio.datasets.import([src, tgt], {
        name: datasetName,
        vocabSize: vocab,
        ...(validSrc && validTgt ? { validation: { files: [validSrc, validTgt] } } : {}),
      });
      console.log(
        `Imported ${dataset.trainPairs} training and ${dataset.validPairs} validation pairs; vocabulary ${dataset.vocabSize}.`,
      );
    }
    const run = await studio.handlers.runCreate({
      datasetId: dataset.id,
      preset,
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(Object.keys(overrides).length > 0 ? { train: overrides } : {}),
    });
    const final = await trainAndReport(studio, run, progressEveryMs);
    return report(final, studio.runs.runDir(run.id));
  } finally {
    await studio.dispose();
  }
}

function report(run: RunInfo, runDir: string): number {
  if (run.end) console.log(describeRunEnd(run.end));
  if (run.status === 'failed') {
    console.error(`Training failed at step ${run.step}: ${run.error ?? 'unknown error'}`);
    console.error(`Resume with: npm run train -- --resume ${runDir}`);
    return 1;
  }
  console.log(`Run ${run.status} at step ${run.step}: ${runDir}`);
  if (run.end?.kind === 'early_stopped') {
    console.log(`Train past early stopping with: npm run train -- --resume ${runDir} --patience 0`);
  } else if (run.status === 'stopped') {
    console.log(`Continue with: npm run train -- --resume ${runDir}`);
  }
  console.log(`Translate with: npm run translate -- --run ${runDir} "your sentence"`);
  return 0;
}
