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
import { defaultHome } from '../services/home';
import { createStudio, type Studio } from '../studio';
import { parseBackend, parseCommandArgs, parseIntArg } from './args';

export const TRAIN_HELP = `Usage: npm run train -- [--src FILE --tgt FILE] [--valid-src FILE --valid-tgt FILE]
                        [--preset tiny|small|base] [--max-steps N] [--batch-tokens N]
                        [--out HOME] [--backend NAME] [--name NAME]
                        [--checkpoint-every N] [--valid-every N] [--bleu-every N]
                        [--progress-every-ms MS]
       npm run train -- --resume RUN_DIR [--max-steps N] [--lr-factor X]

Trains an encoder-decoder Transformer headless and prints one live progress line.
With no --src/--tgt it trains on the sample corpus in resources/sample.
  --src, --tgt            aligned source and target files (one sentence per line; .gz ok)
  --valid-src, --valid-tgt  your own validation files (default: a seeded 5% of the pairs)
  --preset                tiny (default), small or base (the paper's base model)
  --max-steps, --batch-tokens, --lr-factor, --warmup  override the preset
  --checkpoint-every, --valid-every, --bleu-every (0 = no BLEU)  override the preset
  --progress-every-ms MS  without a terminal, print the progress line at most this often
                          (default 5000; 0 = every progress event)
  --vocab N               BPE vocabulary size (default: the preset's)
  --out HOME              the studio home to write datasets/ and runs/ into
                          (default: the desktop app's, so the studio shows the run)
  --backend               auto (default), tensorflow-gpu, tensorflow, wasm or cpu
  --resume RUN_DIR        continue a run from its last checkpoint (explicit overrides allowed)`;

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

function fmtDuration(sec: number): string {
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
  overrides: Partial<TrainConfig>,
  progressEveryMs: number,
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
    const started = await studio.controller.start(run.id, overrides);
    console.log(
      `Training "${started.name}" on ${started.backend} from step ${started.step} to ${started.train.maxSteps}` +
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
    'max-steps': { type: 'string' },
    'batch-tokens': { type: 'string' },
    'lr-factor': { type: 'string' },
    warmup: { type: 'string' },
    vocab: { type: 'string' },
    out: { type: 'string' },
    home: { type: 'string' },
    backend: { type: 'string' },
    name: { type: 'string' },
    resume: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    'valid-every': { type: 'string' },
    'bleu-every': { type: 'string' },
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
  const overrides: Partial<TrainConfig> = {};
  const maxSteps = parseIntArg('max-steps', values['max-steps'], 1);
  if (maxSteps !== undefined) overrides.maxSteps = maxSteps;
  const batchTokens = parseIntArg('batch-tokens', values['batch-tokens'], 16);
  if (batchTokens !== undefined) overrides.batchTokens = batchTokens;
  const warmup = parseIntArg('warmup', values.warmup, 1);
  if (warmup !== undefined) overrides.warmupSteps = warmup;
  const checkpointEvery = parseIntArg('checkpoint-every', values['checkpoint-every'], 1);
  if (checkpointEvery !== undefined) overrides.checkpointEvery = checkpointEvery;
  const validEvery = parseIntArg('valid-every', values['valid-every'], 1);
  if (validEvery !== undefined) overrides.validEvery = validEvery;
  const bleuEvery = parseIntArg('bleu-every', values['bleu-every'], 0);
  if (bleuEvery !== undefined) overrides.bleuEvery = bleuEvery;
  const progressEveryMs = parseIntArg('progress-every-ms', values['progress-every-ms'], 0) ?? 5000;
  if (values['lr-factor'] !== undefined) {
    const lr = Number(values['lr-factor']);
    if (!(lr > 0))
      throw new AppError(
        ErrorCode.InvalidArgument,
        `--lr-factor must be a positive number; got ${values['lr-factor']}.`,
      );
    overrides.lrFactor = lr;
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
        overrides,
        progressEveryMs,
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
    parseIntArg('vocab', values.vocab, 8) ?? (sample ? 1000 : PRESETS[preset].vocabSize);

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
    const final = await trainAndReport(studio, run, {}, progressEveryMs);
    return report(final, studio.runs.runDir(run.id));
  } finally {
    await studio.dispose();
  }
}

function report(run: RunInfo, runDir: string): number {
  if (run.status === 'failed') {
    console.error(`Training failed at step ${run.step}: ${run.error ?? 'unknown error'}`);
    console.error(`Resume with: npm run train -- --resume ${runDir}`);
    return 1;
  }
  console.log(`Run ${run.status} at step ${run.step}: ${runDir}`);
  if (run.status === 'stopped') console.log(`Continue with: npm run train -- --resume ${runDir}`);
  console.log(`Translate with: npm run translate -- --run ${runDir} "your sentence"`);
  return 0;
}
