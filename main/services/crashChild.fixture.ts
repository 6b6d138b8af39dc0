/**
 * The child process of the crash-safety test (checkpoints.crash.test.ts): a training
 * loop that persists through the real runs/checkpoint code and is SIGKILLed at random.
 *
 * Two parts, so the fake can be swapped for the real trainer later:
 *   - `StepTrainer`: what a trainer must offer (init from a checkpoint, one step, snapshot).
 *     `FakeTrainer` implements it with deterministic random tensors of a few MB.
 *   - `trainWithPersistence`: resume planning, metrics, periodic checkpoints, retention and
 *     run.json updates, in the order that makes a kill at any instant recoverable.
 *
 * Run: node --import tsx main/services/crashChild.fixture.ts --home DIR --run ID
 *        [--max-steps N] [--step-ms MS]
 * Prints "ready <fromStep>", then "ckpt <step>" after each checkpoint, "done <step>" at the end.
 */
import { pathToFileURL } from 'node:url';
import type { MetricRecord, RunInfo } from '../../shared/types';
import {
  readCheckpoint,
  writeCheckpoint,
  type LoadedCheckpoint,
  type TokenizerRef,
  type TrainingPosition,
} from '../training/checkpointIO';
import { fakeTensors, rng } from '../training/checkpointIO.fixture';
import type { NamedTensor } from '../training/namedTensors';
import { sha256File } from './atomicFs';
import { applyRetention, tokenizerPathFor } from './checkpoints';
import { MetricsWriter } from './metricsLog';
import { RunsService, type ResumeOverrides, type ResumePlan } from './runs';

/** What `trainWithPersistence` needs from a trainer (the fake here, the engine later). */
export interface StepTrainer {
  /** Prepares the model: fresh (`from` null) or from a loaded checkpoint of plan.fromStep. */
  init(plan: ResumePlan, from: LoadedCheckpoint | null): Promise<void>;
  /** Runs optimiser step `step` (1-based) and returns its metric records. */
  step(step: number): Promise<MetricRecord[]>;
  /** Everything needed to continue exactly after `step`. */
  snapshot(step: number): Promise<{
    weights: NamedTensor[];
    optimizer: NamedTensor[];
    position: TrainingPosition;
    validLoss?: number;
  }>;
}

/** Fake weights of a few MB: 4 matrices of 512x512 float32 (4 MiB), Adam moments twice that. */
export const FAKE_SHAPES: Record<string, number[]> = {
  'encoder.layers.0.self_attn.w_q': [512, 512],
  'encoder.layers.0.self_attn.w_k': [512, 512],
  'decoder.layers.0.cross_attn.w_v': [512, 512],
  shared_embedding: [512, 512],
};

/** The fake loss curve: a pure function of the step, so a resumed run must reproduce it. */
export function fakeLoss(step: number): number {
  return 8 / Math.sqrt(step) + rng(step * 7919)() * 0.1;
}

/** The fake validation loss recorded on checkpoints (not monotonic, so "best" moves). */
export function fakeValidLoss(step: number): number {
  return 5 / Math.sqrt(step) + 0.3 * Math.sin(step / 7);
}

/** Fake weights after `step`: a deterministic function of the step. */
export function fakeWeights(step: number): NamedTensor[] {
  return fakeTensors(step, FAKE_SHAPES);
}

/**
 * A stand-in trainer. The weights after step s are random tensors of a few MB seeded by s,
 * made when a checkpoint needs them (making them every step would only burn the CPU the
 * test shares). Resuming checks that the loaded weights and position are exactly those of
 * the checkpoint's step: the fake's version of "same state as an uninterrupted run".
 */
export class FakeTrainer implements StepTrainer {
  constructor(private readonly stepMs: number) {}

  async init(plan: ResumePlan, from: LoadedCheckpoint | null): Promise<void> {
    if (from === null) return;
    const expected = fakeWeights(plan.fromStep);
    const same = from.weights.every(
      (t, i) => t.name === expected[i]?.name && t.data.every((v, j) => v === expected[i]!.data[j]),
    );
    if (!same || from.state.position?.rngState[0] !== plan.fromStep) {
      throw new Error(
        `Checkpoint ${from.info.id} does not hold the state of step ${plan.fromStep}.`,
      );
    }
  }

  async step(step: number): Promise<MetricRecord[]> {
    await new Promise((r) => setTimeout(r, this.stepMs));
    return [
      {
        kind: 'train',
        step,
        time: Date.now() / 1000,
        loss: fakeLoss(step),
        lr: 1e-3,
        gradNorm: 1,
        tokensPerSec: 1000,
      },
    ];
  }

  async snapshot(step: number) {
    return {
      weights: fakeWeights(step),
      optimizer: [
        ...fakeTensors(step + 1_000_000, FAKE_SHAPES, 'optimizer.m.'),
        ...fakeTensors(step + 2_000_000, FAKE_SHAPES, 'optimizer.v.'),
      ],
      position: {
        optimizerStep: step,
        scheduleStep: step,
        epoch: 0,
        batchInEpoch: step,
        rngState: [step, 12345],
      },
      validLoss: fakeValidLoss(step),
    };
  }
}

/** The tokenizer reference of a fresh run: its dataset and the hash of its tokenizer.json. */
async function tokenizerRefFor(home: string, run: RunInfo): Promise<TokenizerRef> {
  const file = await tokenizerPathFor(home, run);
  // The fake trainer has no dataset; a real run without a tokenizer never gets this far.
  const hash = await sha256File(file).catch(() => '0'.repeat(64));
  return { datasetId: run.datasetId, sha256: hash };
}

/**
 * Trains run `runId` to its max steps, persisting as it goes:
 *   1. prepareResume: newest verified checkpoint, metrics truncated to it, overrides logged;
 *   2. each step: metrics appended (fsynced every `syncEvery` steps);
 *   3. every checkpointEvery steps and at the end: metrics fsynced, checkpoint written
 *      atomically, retention applied, run.json step updated.
 * Returns the last step trained.
 */
export async function trainWithPersistence(
  runs: RunsService,
  runId: string,
  trainer: StepTrainer,
  opts: { overrides?: ResumeOverrides; syncEvery?: number; log?: (line: string) => void } = {},
): Promise<number> {
  const log = opts.log ?? (() => undefined);
  const plan = await runs.prepareResume(runId, opts.overrides);
  const from = plan.checkpoint ? await readCheckpoint(plan.runDir, plan.checkpoint.id) : null;
  await trainer.init(plan, from);
  await runs.update(runId, { status: 'running' });
  const metrics = await MetricsWriter.open(plan.runDir);
  log(`ready ${plan.fromStep}`);
  const { train, model } = plan;
  const tokenizer = plan.state?.tokenizer ?? (await tokenizerRefFor(runs.home, plan.run));
  let step = plan.fromStep;
  try {
    while (step < train.maxSteps) {
      step += 1;
      await metrics.append(await trainer.step(step));
      if (step % (opts.syncEvery ?? 10) === 0) await metrics.sync();
      if (step % train.checkpointEvery === 0 || step === train.maxSteps) {
        // Metrics first: once a checkpoint of step s exists, the log holds every step <= s.
        await metrics.sync();
        const snap = await trainer.snapshot(step);
        await writeCheckpoint(plan.runDir, {
          weights: snap.weights,
          optimizer: snap.optimizer,
          state: {
            step,
            position: snap.position,
            model,
            train,
            tokenizer,
            ...(snap.validLoss !== undefined ? { validLoss: snap.validLoss } : {}),
          },
        });
        await applyRetention(plan.runDir, {
          keepLast: train.keepLast,
          metric: train.earlyStoppingMetric,
        });
        await runs.update(runId, { step });
        log(`ckpt ${step}`);
      }
    }
    await runs.update(runId, { status: 'completed', step });
    log(`done ${step}`);
    return step;
  } finally {
    await metrics.close();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const home = arg('home');
  const runId = arg('run');
  if (!home || !runId)
    throw new Error('Usage: crashChild --home DIR --run ID [--max-steps N] [--step-ms MS]');
  const maxSteps = arg('max-steps');
  const overrides: ResumeOverrides = maxSteps ? { maxSteps: Number(maxSteps) } : {};
  await trainWithPersistence(
    new RunsService(home),
    runId,
    new FakeTrainer(Number(arg('step-ms') ?? 10)),
    {
      overrides,
      log: (line) => process.stdout.write(`${line}\n`),
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
