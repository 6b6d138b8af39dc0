/**
 * One training run inside the engine worker: loads the dataset and tokenizer, builds (or
 * restores) the Trainer, runs the loop, and owns the run folder's growing files while it
 * trains: metrics.jsonl (appended every step) and checkpoints/ (every N steps and at stop).
 * Metrics of a step are on disk before any checkpoint of that step, so a run killed at any
 * moment resumes from its last checkpoint with its metrics intact.
 *
 * The parts: datasetFiles.ts (tokenizers, splits), evaluator.ts and earlyStopping.ts
 * (validation loss, BLEU on a sample, patience), checkpointPolicy.ts (when to write, what
 * goes in, retention), loopAdapter.ts (pause/stop and the loop's callbacks as protocol events).
 */
import { AppError, ErrorCode, toErrorData } from '../../shared/errors';
import type { CheckpointInfo, RunEndKind } from '../../shared/types';
import type { Transformer } from '../model/transformer';
import type { TokenizerRef } from '../runFolder/checkpointFormat';
import { readCheckpoint } from '../runFolder/checkpointStore';
import { MetricsWriter } from '../runFolder/metricsLog';
import type { TokenizedPair } from '../training/batching';
import { runTraining } from '../training/loop';
import { budgetLearningRate } from '../training/schedule';
import { Trainer, type TrainerState } from '../training/trainer';
import type { EngineEvent, TrainCommand, TrainEndStatus, TrainJobSpec } from '../protocol/engine';
import { CheckpointPolicy } from './checkpointPolicy';
import { loadTokenizers, readSplit, tokenize } from './datasetFiles';
import { earlyStoppingReason } from './earlyStopping';
import { bleuSample, Evaluator, type BleuEvaluator } from './evaluator';
import { WatchRecorder } from './inside/watchRecorder';
import { averageAndEvaluate } from './finalAverage';
import { loopCallbacks, metricRecorder, RunControl, type RunState } from './loopAdapter';
import { elapsedFromPosition, TimeBudget, withTimeBudget } from './timeBudget';

/** Where a resumed run starts: the restored trainer and what its checkpoint recorded. */
interface ResumePoint {
  trainer: Trainer;
  /** The checkpoint's step (it is on disk: no need to write it again). */
  checkpointStep: number;
  /** The validation loss the checkpoint recorded, if any. */
  validLoss?: number;
  /** Time the run had spent running when the checkpoint was taken (a budget run's). */
  elapsedMs: number;
}

/** The parts a prepared job runs with. */
interface Prepared {
  trainer: Trainer;
  evaluator: Evaluator;
  checkpoints: CheckpointPolicy;
  /** Translates the pinned sentences at validation points (the Inside screen's strip). */
  watch: WatchRecorder;
  /** The step training starts from (a resume's checkpoint step, else 0). */
  startStep: number;
  /** Time spent running before this session (a resumed budget run's). */
  elapsedMs: number;
}

export class TrainingJob {
  private prepared: Prepared | undefined;
  private readonly runControl = new RunControl();

  constructor(
    readonly spec: TrainJobSpec,
    private readonly emit: (event: EngineEvent) => void,
    private readonly evaluateBleu?: BleuEvaluator,
    /** The clock a time budget is measured on, in ms (injected by tests). */
    private readonly clock: () => number = Date.now,
  ) {}

  get runId(): string {
    return this.spec.runId;
  }

  /** The model being trained, for translate requests served between steps. */
  get model(): Transformer | undefined {
    return this.prepared?.trainer.model;
  }

  get state(): RunState {
    return this.runControl.state;
  }

  /** Loads data and tokenizer, builds or restores the trainer. */
  async prepare(): Promise<{ step: number; pairs: number }> {
    const { spec } = this;
    const tokenizers = await loadTokenizers(spec.tokenizerPath, spec.datasetId);
    const [train, valid] = await Promise.all([
      readSplit(spec.datasetDir, 'train'),
      readSplit(spec.datasetDir, 'valid'),
    ]);
    if (train.src.length === 0) {
      throw new AppError(
        ErrorCode.CorpusEmpty,
        `The dataset ${spec.datasetId} has no training pairs.`,
      );
    }
    const trainPairs = tokenize(train, tokenizers);
    const validPairs = tokenize(valid, tokenizers);
    const bleuPairs = bleuSample(valid, spec.train.bleuSamples);
    const start: ResumePoint =
      spec.resumeFrom === null
        ? {
            trainer: new Trainer(spec.model, spec.train, trainPairs),
            checkpointStep: -1,
            elapsedMs: 0,
          }
        : await this.resume(spec.resumeFrom, tokenizers.ref, trainPairs);
    const { trainer } = start;
    this.prepared = {
      trainer,
      evaluator: new Evaluator(trainer, {
        train: spec.train,
        validPairs,
        bleuPairs,
        bleuWholeSet: bleuPairs.src.length >= valid.src.length,
        tokenizers,
        evaluateBleu: this.evaluateBleu,
        resumedValid:
          start.validLoss === undefined
            ? undefined
            : { step: start.checkpointStep, loss: start.validLoss },
      }),
      checkpoints: new CheckpointPolicy({
        runDir: spec.runDir,
        runId: spec.runId,
        train: spec.train,
        tokenizer: tokenizers.ref,
        lastCheckpointStep: start.checkpointStep,
      }),
      watch: new WatchRecorder(spec.runDir, tokenizers, (message) =>
        this.emit({ type: 'log', level: 'warn', message }),
      ),
      startStep: trainer.step,
      elapsedMs: start.elapsedMs,
    };
    return { step: trainer.step, pairs: trainPairs.length };
  }

  /**
   * Resume: restores the trainer exactly as checkpoint `checkpointId` left it (weights, Adam
   * moments, data order, dropout seed), refusing a checkpoint without a training position or
   * one trained with a different tokenizer.
   */
  private async resume(
    checkpointId: string,
    tokenizer: TokenizerRef,
    trainPairs: readonly TokenizedPair[],
  ): Promise<ResumePoint> {
    const { spec } = this;
    const ckpt = await readCheckpoint(spec.runDir, checkpointId);
    const trainerState = ckpt.state.position?.extra?.trainer as TrainerState | undefined;
    if (!trainerState) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `Checkpoint ${checkpointId} of run ${spec.runId} holds no training position; it can be used to translate but not resumed.`,
      );
    }
    if (ckpt.state.tokenizer.sha256 !== tokenizer.sha256) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `Checkpoint ${checkpointId} was trained with a different tokenizer than the one at ${spec.tokenizerPath}; it cannot be resumed on this dataset.`,
      );
    }
    const trainer = Trainer.restore(
      { tensors: [...ckpt.weights, ...ckpt.optimizer], state: trainerState },
      trainPairs,
      spec.train,
    );
    return {
      trainer,
      checkpointStep: ckpt.state.step,
      elapsedMs: elapsedFromPosition(ckpt.state.position?.extra),
      ...(ckpt.state.validLoss !== undefined ? { validLoss: ckpt.state.validLoss } : {}),
    };
  }

  /**
   * Pause resolves once the loop is parked between two steps (so nothing more is trained
   * until resume); resume and stop answer at once (stop ends with a trainEnded event).
   */
  async control(command: TrainCommand): Promise<{ state: RunState; step: number }> {
    await this.runControl.command(command);
    return { state: this.state, step: this.prepared?.trainer.step ?? 0 };
  }

  /** Runs to the end; never throws: the outcome is a trainEnded event. */
  async run(): Promise<void> {
    if (!this.prepared) throw new Error('TrainingJob.run() before prepare().');
    const { trainer, evaluator, checkpoints, watch } = this.prepared;
    const { spec } = this;
    const c = spec.train;
    // A time budget (configs from before it existed have no `minutes`: by steps).
    const budget =
      (c.minutes ?? 0) > 0
        ? new TimeBudget(c.minutes * 60_000, this.prepared.elapsedMs, this.clock)
        : undefined;
    if (budget) {
      const { dModel } = trainer.modelConfig;
      trainer.useSchedule((step) =>
        budgetLearningRate(step, budget.fraction, dModel, c.warmupSteps, c.lrFactor),
      );
    }
    let metrics: MetricsWriter | undefined;
    let status: TrainEndStatus = 'completed';
    let error: ReturnType<typeof toErrorData> | undefined;
    let reason: string | undefined;
    let kind: RunEndKind = 'finished';
    const started = Date.now();
    try {
      metrics = await MetricsWriter.open(spec.runDir);
      const writer = metrics;
      const record = metricRecorder(writer, spec.runId, this.emit);
      const checkpoint = async (step: number): Promise<CheckpointInfo> => {
        const info = await checkpoints.write(
          step,
          trainer,
          writer,
          { ...evaluator.scoresAt(step), ...evaluator.bleuSampleAt(step) },
          budget ? { elapsedMs: budget.elapsedMs } : {},
        );
        this.emit({ type: 'trainCheckpoint', runId: spec.runId, checkpoint: info });
        return info;
      };

      const callbacks = loopCallbacks({
        runId: spec.runId,
        control: this.runControl,
        emit: this.emit,
        record,
        earlyStopped: () => evaluator.earlyStopped,
        lastValidLoss: () => evaluator.lastValidLoss,
        afterStep: async (step) => {
          await evaluator.afterStep(step, record);
          await watch.afterStep(step, c.validEvery, trainer.model);
          if (checkpoints.isDue(step)) await checkpoint(step);
        },
      });
      const result = await runTraining(
        trainer,
        { maxSteps: c.maxSteps, validEvery: 0, validateAtEnd: false },
        budget ? withTimeBudget(callbacks, budget) : callbacks,
      );
      // The deadline ends a budget run as completed, not stopped.
      const onTime =
        budget?.expired === true && !this.runControl.stopping && !evaluator.earlyStopped;
      // The last step: validate if it was not just validated, and always checkpoint.
      await evaluator.atEnd(result.step, record);
      if (checkpoints.needsFinal(result.step)) await checkpoint(result.step);
      if (result.stopped && !onTime) {
        status = 'stopped';
        kind = evaluator.earlyStopped ? 'early_stopped' : 'stopped';
        reason = evaluator.earlyStopped
          ? earlyStoppingReason(c.earlyStoppingMetric, c.patience)
          : 'Stopped by the user.';
      } else if (budget) {
        const averaged = await averageAndEvaluate(spec.runDir, trainer, evaluator);
        if (averaged) {
          this.emit({ type: 'trainCheckpoint', runId: spec.runId, checkpoint: averaged });
          reason = budgetReason(trainer.step - this.prepared.startStep, c.minutes, averaged);
        }
      }
    } catch (err) {
      status = 'failed';
      kind = 'failed';
      error = toErrorData(err);
    } finally {
      this.runControl.end();
      await metrics?.sync().catch(() => undefined);
      await metrics?.close().catch(() => undefined);
    }
    this.emit({
      type: 'trainEnded',
      runId: spec.runId,
      status,
      kind,
      step: trainer.step,
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
      ...(error ? { error } : {}),
      ...(reason
        ? { reason }
        : {
            reason: `Trained ${trainer.step} steps in ${Math.round((Date.now() - started) / 1000)} s.`,
          }),
    });
  }

  dispose(): void {
    this.prepared?.trainer.dispose();
    this.prepared = undefined;
  }
}

/** How a budget run ended, with its average's scores. */
function budgetReason(steps: number, minutes: number, averaged: CheckpointInfo): string {
  const scores = [
    ...(averaged.validLoss !== undefined
      ? [`validation loss ${averaged.validLoss.toFixed(3)}`]
      : []),
    ...(averaged.bleu !== undefined ? [`BLEU ${averaged.bleu.toFixed(1)}`] : []),
  ];
  return `Trained ${steps} steps in the ${minutes}-minute budget; ${averaged.id} averages steps ${(averaged.averagedFrom ?? []).join(', ')}${scores.length > 0 ? ` (${scores.join(', ')})` : ''}.`;
}
