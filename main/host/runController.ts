/**
 * The main-thread half of training: starts, pauses, resumes and stops the one active run
 * through EngineHost, keeps run.json's status and step current, relays progress to the UI
 * throttled to a few events a second (full detail is in metrics.jsonl), and turns an engine
 * crash into a failed run that can be resumed. No tfjs here.
 */
import { join } from 'node:path';
import { memoryIssue } from '../../shared/config';
import { AppError, ErrorCode } from '../../shared/errors';
import type { RunEnd, RunInfo, TrainProgress } from '../../shared/types';
import type { EngineHost } from './EngineHost';
import type { EngineEvent } from '../protocol/engine';
import type { EventHub } from './events';
import { tokenizerPathFor } from './services/checkpoints';
import { runEndOf } from './services/runEnd';
import type { ResumeOptions, ResumeOverrides } from './services/resumePlan';
import type { RunsService } from './services/runs';

/** Progress events reach the renderer at most this often. */
export const PROGRESS_INTERVAL_MS = 250;

export class RunController {
  private active: { runId: string; startedAt: number } | undefined;
  private lastProgressAt = 0;
  private pendingProgress: TrainProgress | undefined;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly endWaiters = new Map<string, ((run: RunInfo) => void)[]>();

  constructor(
    private readonly home: string,
    private readonly runs: RunsService,
    private readonly engine: EngineHost,
    private readonly events: EventHub,
  ) {
    engine.onEvent((event) => void this.onEngineEvent(event));
    engine.onStatus((status) => {
      if (status.state === 'crashed' && this.active) {
        const { runId } = this.active;
        void this.finish(runId, {
          status: 'failed',
          error: `${status.message ?? 'The engine stopped unexpectedly.'} Resume the run to continue from its last checkpoint.`,
        });
      }
    });
  }

  /** The run training now, if any. */
  get activeRunId(): string | undefined {
    return this.active?.runId;
  }

  /**
   * Starts a created run, or continues a stopped / failed / completed one from its newest
   * complete checkpoint (explicit overrides such as a new maxSteps are logged in run.json).
   * Damaged checkpoints are set aside and named in the 'resumed' history entry's note; when
   * none can be resumed it refuses unless `opts.fromScratch` (RunsService.prepareResume).
   */
  async start(
    runId: string,
    overrides: ResumeOverrides = {},
    opts: ResumeOptions = {},
  ): Promise<RunInfo> {
    if (this.active) {
      const other = await this.runs.get(this.active.runId).catch(() => undefined);
      throw new AppError(
        ErrorCode.Busy,
        `Run "${other?.name ?? this.active.runId}" is training; one run trains at a time. Stop it before starting another.`,
      );
    }
    const run = await this.runs.get(runId);
    if (run.status === 'running' || run.status === 'paused') {
      throw new AppError(ErrorCode.Busy, `Run "${run.name}" is already ${run.status}.`);
    }
    this.active = { runId, startedAt: Date.now() };
    try {
      // Before anything is written and the worker builds the model: a run too big for this
      // backend is refused (a resume changes neither the model nor the batch size).
      const info = await this.engine.start();
      const memory = memoryIssue(run.model, run.train, info.backend);
      if (memory)
        throw new AppError(ErrorCode.InvalidConfig, memory.message, { field: memory.field });
      const plan = await this.runs.prepareResume(runId, overrides, opts);
      await this.engine.call('trainStart', {
        runId,
        runDir: plan.runDir,
        datasetDir: join(this.home, 'datasets', plan.run.datasetId),
        tokenizerPath: await tokenizerPathFor(this.home, plan.run),
        datasetId: plan.run.datasetId,
        model: plan.model,
        train: plan.train,
        resumeFrom: plan.checkpoint?.id ?? null,
      });
      const updated = await this.runs.update(runId, {
        status: 'running',
        step: plan.fromStep,
        backend: info.backend,
      });
      this.events.emit('runStatus', updated);
      return updated;
    } catch (err) {
      this.active = undefined;
      throw err;
    }
  }

  /** Resolves once the loop has parked between two steps, with the step it paused at. */
  async pause(runId: string): Promise<RunInfo> {
    const { step } = await this.control(runId, 'pause');
    this.flushProgress();
    const run = await this.runs.update(runId, { status: 'paused', step });
    this.events.emit('runStatus', run);
    return run;
  }

  async resume(runId: string): Promise<RunInfo> {
    await this.control(runId, 'resume');
    return this.setStatus(runId, 'running');
  }

  /** Asks the loop to stop after the current step; resolves once the final checkpoint is written. */
  async stop(runId: string): Promise<RunInfo> {
    const ended = this.waitForEnd(runId);
    await this.control(runId, 'stop');
    return ended;
  }

  /** Resolves when the run's training ends (completed, stopped or failed). */
  waitForEnd(runId: string): Promise<RunInfo> {
    return new Promise((resolve) => {
      const list = this.endWaiters.get(runId) ?? [];
      list.push(resolve);
      this.endWaiters.set(runId, list);
    });
  }

  private async control(
    runId: string,
    command: 'pause' | 'resume' | 'stop',
  ): Promise<{ state: string; step: number }> {
    if (this.active?.runId !== runId) {
      const run = await this.runs.get(runId);
      throw new AppError(
        ErrorCode.InvalidArgument,
        `Run "${run.name}" is not training (it is ${run.status}).`,
      );
    }
    return this.engine.call('trainControl', { runId, command });
  }

  private async setStatus(runId: string, status: RunInfo['status']): Promise<RunInfo> {
    const run = await this.runs.update(runId, { status });
    this.events.emit('runStatus', run);
    return run;
  }

  private async onEngineEvent(event: EngineEvent): Promise<void> {
    switch (event.type) {
      case 'trainProgress':
        this.throttleProgress(event.progress);
        break;
      case 'trainMetric':
        this.events.emit('metric', { runId: event.runId, record: event.record });
        break;
      case 'trainCheckpoint':
        await this.runs.update(event.runId, { step: event.checkpoint.step }).catch(() => undefined);
        this.events.emit('checkpoints', { runId: event.runId });
        break;
      case 'trainEnded':
        this.flushProgress();
        await this.finish(
          event.runId,
          event.status === 'failed'
            ? {
                status: 'failed',
                step: event.step,
                error: event.error?.message ?? 'Training failed.',
              }
            : { status: event.status, step: event.step },
          await this.endOf(event),
        );
        break;
      case 'log':
      case 'translateProgress':
        break;
    }
  }

  /** How the session of a trainEnded event ended, with the run's best scores (issue 14). */
  private async endOf(event: Extract<EngineEvent, { type: 'trainEnded' }>): Promise<RunEnd> {
    const kind =
      event.kind ??
      (event.status === 'completed'
        ? 'finished'
        : event.status === 'failed'
          ? 'failed'
          : 'stopped');
    const reason =
      event.status === 'failed'
        ? (event.error?.message ?? 'Training failed.')
        : (event.reason ?? `Trained ${event.step} steps.`);
    const records = await this.runs
      .readMetrics(event.runId)
      .then((m) => m.records)
      .catch(() => []);
    return runEndOf(
      {
        kind,
        step: event.step,
        reason,
        ...(event.elapsedSeconds !== undefined ? { elapsedSeconds: event.elapsedSeconds } : {}),
      },
      records,
    );
  }

  private async finish(
    runId: string,
    patch: { status: RunInfo['status']; step?: number; error?: string },
    end?: RunEnd,
  ): Promise<void> {
    if (this.active?.runId === runId) this.active = undefined;
    const run = await this.runs
      .update(runId, end === undefined ? patch : { ...patch, end })
      .catch(() => undefined);
    if (!run) return;
    this.events.emit('runStatus', run);
    this.events.emit('checkpoints', { runId });
    for (const resolve of this.endWaiters.get(runId) ?? []) resolve(run);
    this.endWaiters.delete(runId);
  }

  /** At most one progress event per interval; the latest one always gets through. */
  private throttleProgress(progress: TrainProgress): void {
    this.pendingProgress = progress;
    const wait = this.lastProgressAt + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.flushProgress();
    } else {
      this.progressTimer ??= setTimeout(() => this.flushProgress(), wait);
    }
  }

  private flushProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    if (!this.pendingProgress) return;
    this.events.emit('trainProgress', this.pendingProgress);
    this.pendingProgress = undefined;
    this.lastProgressAt = Date.now();
  }
}
