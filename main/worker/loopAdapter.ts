/**
 * The loop adapter: connects the training loop's callbacks (main/training/loop.ts) to the
 * worker protocol. Host commands (pause, resume, stop) become what the loop checks between
 * two steps; each step becomes a metrics.jsonl record and a trainProgress event; every
 * non-training record becomes a trainMetric event once it is on disk.
 */
import type { MetricRecord, TrainProgress } from '../../shared/types';
import type { EngineEvent, TrainCommand } from '../protocol/engine';
import type { MetricsWriter } from '../runFolder/metricsLog';
import type { LoopCallbacks, StepProgress } from '../training/loop';
import type { RecordMetric } from './evaluator';

/** Where a run stands, as trainControl answers it. */
export type RunState = 'running' | 'paused' | 'stopping';

/**
 * Pause, resume and stop between two steps. Pause answers once the loop is parked (so
 * nothing more is trained until resume); resume and stop answer at once.
 */
export class RunControl {
  private paused = false;
  private parked = false;
  private ended = false;
  private stopRequested = false;
  /** The parked loop, woken by resume or stop. */
  private resumeWaiters: (() => void)[] = [];
  /** Callers of pause, answered when the loop parks (or the run ends). */
  private parkWaiters: (() => void)[] = [];

  get state(): RunState {
    return this.stopRequested ? 'stopping' : this.paused ? 'paused' : 'running';
  }

  /** True once stop was asked for. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Applies a host command; pause resolves when the loop is parked or the run has ended. */
  async command(command: TrainCommand): Promise<void> {
    switch (command) {
      case 'pause':
        this.paused = true;
        if (!this.parked && !this.ended)
          await new Promise<void>((resolve) => this.parkWaiters.push(resolve));
        break;
      case 'resume':
        this.paused = false;
        this.wake();
        break;
      case 'stop':
        this.stopRequested = true;
        this.wake();
        break;
    }
  }

  /** The loop's side, before every step: parks while paused (unless a stop is pending). */
  async waitIfPaused(): Promise<void> {
    if (!this.paused || this.stopRequested) return;
    this.parked = true;
    for (const resolve of this.parkWaiters.splice(0)) resolve();
    await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
    this.parked = false;
  }

  /** The run is over: nothing will park any more, so waiting pauses are answered now. */
  end(): void {
    this.ended = true;
    for (const resolve of this.parkWaiters.splice(0)) resolve();
  }

  private wake(): void {
    for (const resolve of this.resumeWaiters.splice(0)) resolve();
  }
}

/**
 * Appends records to the open metrics log; a record that is not a training step is then
 * sent as a trainMetric event (steps travel as trainProgress instead).
 */
export function metricRecorder(
  writer: Pick<MetricsWriter, 'append' | 'sync'>,
  runId: string,
  emit: (event: EngineEvent) => void,
): RecordMetric {
  return async (record: MetricRecord, sync = false) => {
    await writer.append([record]);
    if (sync) await writer.sync();
    if (record.kind !== 'train') emit({ type: 'trainMetric', runId, record });
  };
}

/** A step as a metrics.jsonl line. */
export function stepRecord(p: StepProgress, time: number): MetricRecord {
  return {
    kind: 'train',
    step: p.step,
    time,
    loss: p.loss,
    lr: p.lr,
    gradNorm: p.gradNorm,
    tokensPerSec: p.tokensPerSec,
  };
}

/** A step as it leaves the engine: with the run id and the latest validation loss, if any. */
export function stepProgress(
  runId: string,
  p: StepProgress,
  validLoss: number | undefined,
): TrainProgress {
  return {
    runId,
    step: p.step,
    totalSteps: p.totalSteps,
    loss: p.loss,
    lr: p.lr,
    gradNorm: p.gradNorm,
    tokens: p.tokens,
    tokensPerSec: p.tokensPerSec,
    etaSec: p.etaSec,
    ...(validLoss !== undefined ? { validLoss } : {}),
  };
}

export interface LoopAdapterOptions {
  runId: string;
  control: RunControl;
  emit: (event: EngineEvent) => void;
  record: RecordMetric;
  /** True once early stopping has ended the run. */
  earlyStopped: () => boolean;
  /** The latest validation loss, sent with every step's progress. */
  lastValidLoss: () => number | undefined;
  /** After a step is on disk and reported: the evaluations and checkpoint due at it. */
  afterStep: (step: number) => Promise<void>;
}

/**
 * The loop's callbacks for one run. After each step, in this order: its record is appended,
 * its progress is sent (with the validation loss known before this step), then `afterStep`.
 */
export function loopCallbacks(o: LoopAdapterOptions): LoopCallbacks {
  return {
    shouldStop: () => o.control.stopping || o.earlyStopped(),
    waitIfPaused: () => o.control.waitIfPaused(),
    onStep: async (p: StepProgress) => {
      // The batch's tokens too: the host sums them into tokens seen (issue 14).
      const record = stepRecord(p, Date.now());
      await o.record(record.kind === 'train' ? { ...record, tokens: p.tokens } : record);
      o.emit({ type: 'trainProgress', progress: stepProgress(o.runId, p, o.lastValidLoss()) });
      await o.afterStep(p.step);
    },
  };
}
