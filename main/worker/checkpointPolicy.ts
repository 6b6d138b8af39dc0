/**
 * The checkpoint policy of a training run: when to write one (every `checkpointEvery` steps,
 * and after the last step when that step has none yet), what goes into it (weights, Adam
 * moments, the trainer's exact position and the scores of that step), and what is kept
 * afterwards (retention: the last `keepLast` plus the best by the early-stopping metric).
 * Every metric of a step is made durable before the checkpoint that covers it exists.
 */
import type { CheckpointInfo, TrainConfig } from '../../shared/types';
import type { TokenizerRef } from '../runFolder/checkpointFormat';
import { writeCheckpoint, type CheckpointInput } from '../runFolder/checkpointStore';
import { applyRetention } from '../runFolder/retention';
import type { MetricsWriter } from '../runFolder/metricsLog';
import type { Trainer, TrainerSnapshot } from '../training/trainer';
import { ELAPSED_KEY } from './timeBudget';

/** Scores taken at the checkpoint's step, recorded in its state.json. */
export interface CheckpointScores {
  validLoss?: number;
  bleu?: number;
  /** Sentences `bleu` was computed on, and whether they were the whole validation set. */
  bleuSentences?: number;
  bleuWholeSet?: boolean;
}

/** A time-budget run's elapsed training time at the checkpoint (see timeBudget.ts). */
export interface CheckpointClock {
  elapsedMs?: number;
}

/** Optimiser tensors are named `optimizer.<moment>.<weight>`; everything else is a weight. */
const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * What goes into the checkpoint of `step`: the snapshot's weights and Adam moments in their
 * two files, and a state.json with the training position (the whole trainer state rides in
 * `position.extra.trainer`: a resume restores from it alone), configs, tokenizer and scores.
 */
export function checkpointContents(
  snapshot: TrainerSnapshot,
  step: number,
  runId: string,
  tokenizer: TokenizerRef,
  scores: CheckpointScores,
  clock: CheckpointClock = {},
): CheckpointInput {
  const { state } = snapshot;
  return {
    weights: snapshot.tensors.filter((t) => !t.name.startsWith(OPTIMIZER_PREFIX)),
    optimizer: snapshot.tensors.filter((t) => t.name.startsWith(OPTIMIZER_PREFIX)),
    runId,
    state: {
      step,
      position: {
        optimizerStep: state.step,
        scheduleStep: state.step,
        epoch: state.data.epoch,
        batchInEpoch: state.data.index,
        rngState: [state.data.seed, state.dropoutSeed],
        extra: {
          trainer: state,
          ...(clock.elapsedMs !== undefined ? { [ELAPSED_KEY]: clock.elapsedMs } : {}),
        },
      },
      model: state.model,
      train: state.train,
      tokenizer,
      ...(scores.validLoss !== undefined ? { validLoss: scores.validLoss } : {}),
      ...(scores.bleu !== undefined ? { bleu: scores.bleu } : {}),
      ...(scores.bleuSentences !== undefined ? { bleuSentences: scores.bleuSentences } : {}),
      ...(scores.bleuWholeSet === true ? { bleuWholeSet: true } : {}),
    },
  };
}

export interface CheckpointPolicyOptions {
  runDir: string;
  runId: string;
  train: Pick<TrainConfig, 'checkpointEvery' | 'keepLast' | 'earlyStoppingMetric'>;
  tokenizer: TokenizerRef;
  /** The step of the newest checkpoint already on disk (a resume's), or -1. */
  lastCheckpointStep: number;
}

export class CheckpointPolicy {
  private lastStep: number;

  constructor(private readonly options: CheckpointPolicyOptions) {
    this.lastStep = options.lastCheckpointStep;
  }

  /** True when `step` is one of the periodic checkpoints. */
  isDue(step: number): boolean {
    return step % this.options.train.checkpointEvery === 0;
  }

  /** True when the run ending at `step` still needs its final checkpoint. */
  needsFinal(step: number): boolean {
    return this.lastStep !== step && step > 0;
  }

  /**
   * Syncs the metrics log, writes the checkpoint of `step` atomically, then applies retention.
   * @returns the new checkpoint's info
   */
  async write(
    step: number,
    trainer: Pick<Trainer, 'exportState'>,
    metrics: Pick<MetricsWriter, 'sync'>,
    scores: CheckpointScores,
    clock: CheckpointClock = {},
  ): Promise<CheckpointInfo> {
    const { runDir, runId, tokenizer, train } = this.options;
    // Every metric of this step is durable before the checkpoint that covers it exists.
    await metrics.sync();
    const contents = checkpointContents(
      trainer.exportState(),
      step,
      runId,
      tokenizer,
      scores,
      clock,
    );
    const info = await writeCheckpoint(runDir, contents);
    this.lastStep = step;
    await applyRetention(runDir, { keepLast: train.keepLast, metric: train.earlyStoppingMetric });
    return info;
  }
}
