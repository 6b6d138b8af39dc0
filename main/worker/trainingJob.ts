/**
 * One training run inside the engine worker: loads the dataset and tokenizer, builds (or
 * restores) the Trainer, runs the loop, and owns the run folder's growing files while it
 * trains: metrics.jsonl (appended every step) and checkpoints/ (every N steps and at stop).
 * Metrics of a step are on disk before any checkpoint of that step, so a run killed at any
 * moment resumes from its last checkpoint with its metrics intact.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode, toErrorData } from '../../shared/errors';
import type { CheckpointInfo, MetricRecord, TrainProgress } from '../../shared/types';
import type { Transformer } from '../model/transformer';
import { applyRetention } from '../runFolder/retention';
import { MetricsWriter } from '../runFolder/metricsLog';
import { BpeTokenizer } from '../text/tokenizer';
import type { TokenizedPair } from '../training/batching';
import { readCheckpoint, writeCheckpoint, type TokenizerRef } from '../runFolder/checkpointIO';
import { runTraining, type StepProgress } from '../training/loop';
import { Trainer, type TrainerState } from '../training/trainer';
import type { EngineEvent, TrainCommand, TrainEndStatus, TrainJobSpec } from '../protocol/engine';

/** Scores a model on validation pairs by decoding (BLEU and chrF); supplied by the worker. */
export type BleuEvaluator = (
  model: Transformer,
  tokenizers: { src: BpeTokenizer; tgt: BpeTokenizer },
  sample: { src: string[]; ref: string[] },
) => Promise<{ bleu: number; chrf: number }>;

export interface Tokenizers {
  src: BpeTokenizer;
  tgt: BpeTokenizer;
  ref: TokenizerRef;
}

/** Reads the run's tokenizer(s): one shared tokenizer.json, or tokenizer.src.json + tokenizer.tgt.json. */
export async function loadTokenizers(
  tokenizerPath: string,
  datasetId: string,
): Promise<Tokenizers> {
  const read = async (file: string): Promise<string | undefined> => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const shared = await read(tokenizerPath);
  if (shared !== undefined) {
    const tokenizer = BpeTokenizer.fromJSON(shared);
    return { src: tokenizer, tgt: tokenizer, ref: { datasetId, sha256: sha256(shared) } };
  }
  const dir = tokenizerPath.replace(/tokenizer\.json$/, '');
  const [src, tgt] = await Promise.all([
    read(join(dir, 'tokenizer.src.json')),
    read(join(dir, 'tokenizer.tgt.json')),
  ]);
  if (src === undefined || tgt === undefined) {
    throw new AppError(
      ErrorCode.NotFound,
      `No tokenizer was found at ${tokenizerPath} (nor a source/target pair beside it).`,
    );
  }
  return {
    src: BpeTokenizer.fromJSON(src),
    tgt: BpeTokenizer.fromJSON(tgt),
    ref: { datasetId, sha256: sha256(src + tgt) },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function readSplit(
  datasetDir: string,
  split: 'train' | 'valid',
): Promise<{ src: string[]; tgt: string[] }> {
  const [src, tgt] = await Promise.all([
    readLines(join(datasetDir, `${split}.src`)),
    readLines(join(datasetDir, `${split}.tgt`)),
  ]);
  if (src.length !== tgt.length) {
    throw new AppError(
      ErrorCode.CorpusLineCountMismatch,
      `The stored ${split} split of ${datasetDir} is damaged: ${src.length} source lines but ${tgt.length} target lines.`,
    );
  }
  return { src, tgt };
}

function tokenize(split: { src: string[]; tgt: string[] }, tk: Tokenizers): TokenizedPair[] {
  return split.src.map((s, i) => ({
    src: tk.src.encode(s),
    tgt: tk.tgt.encode(split.tgt[i] ?? ''),
  }));
}

/** A fixed, evenly spaced sample of the validation set for BLEU (the same every evaluation). */
function bleuSample(
  valid: { src: string[]; tgt: string[] },
  n: number,
): { src: string[]; ref: string[] } {
  const count = Math.min(n, valid.src.length);
  const src: string[] = [];
  const ref: string[] = [];
  for (let k = 0; k < count; k++) {
    const i = Math.floor((k * valid.src.length) / count);
    src.push(valid.src[i] ?? '');
    ref.push(valid.tgt[i] ?? '');
  }
  return { src, ref };
}

export class TrainingJob {
  private trainer: Trainer | undefined;
  private tokenizers: Tokenizers | undefined;
  private validPairs: TokenizedPair[] = [];
  private bleuPairs: { src: string[]; ref: string[] } = { src: [], ref: [] };
  private paused = false;
  private resumeWaiters: (() => void)[] = [];
  /** Callers of pause, answered when the loop parks. */
  private parkWaiters: (() => void)[] = [];
  private parked = false;
  private ended = false;
  private stopRequested = false;
  private lastCheckpointStep = -1;
  private lastValid: { step: number; loss: number } | undefined;
  private lastBleu: { step: number; bleu: number } | undefined;
  private best: number | undefined;
  private evalsWithoutImprovement = 0;
  private earlyStopped = false;

  constructor(
    readonly spec: TrainJobSpec,
    private readonly emit: (event: EngineEvent) => void,
    private readonly evaluateBleu?: BleuEvaluator,
  ) {}

  get runId(): string {
    return this.spec.runId;
  }

  /** The model being trained, for translate requests served between steps. */
  get model(): Transformer | undefined {
    return this.trainer?.model;
  }

  get state(): 'running' | 'paused' | 'stopping' {
    return this.stopRequested ? 'stopping' : this.paused ? 'paused' : 'running';
  }

  /** Loads data and tokenizer, builds or restores the trainer. */
  async prepare(): Promise<{ step: number; pairs: number }> {
    const { spec } = this;
    this.tokenizers = await loadTokenizers(spec.tokenizerPath, spec.datasetId);
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
    const trainPairs = tokenize(train, this.tokenizers);
    this.validPairs = tokenize(valid, this.tokenizers);
    this.bleuPairs = bleuSample(valid, spec.train.bleuSamples);
    if (spec.resumeFrom === null) {
      this.trainer = new Trainer(spec.model, spec.train, trainPairs);
    } else {
      const ckpt = await readCheckpoint(spec.runDir, spec.resumeFrom);
      const trainerState = ckpt.state.position?.extra?.trainer as TrainerState | undefined;
      if (!trainerState) {
        throw new AppError(
          ErrorCode.CheckpointInvalid,
          `Checkpoint ${spec.resumeFrom} of run ${spec.runId} holds no training position; it can be used to translate but not resumed.`,
        );
      }
      if (ckpt.state.tokenizer.sha256 !== this.tokenizers.ref.sha256) {
        throw new AppError(
          ErrorCode.CheckpointInvalid,
          `Checkpoint ${spec.resumeFrom} was trained with a different tokenizer than the one at ${spec.tokenizerPath}; it cannot be resumed on this dataset.`,
        );
      }
      this.trainer = Trainer.restore(
        { tensors: [...ckpt.weights, ...ckpt.optimizer], state: trainerState },
        trainPairs,
        spec.train,
      );
      this.lastCheckpointStep = ckpt.state.step;
      if (ckpt.state.validLoss !== undefined)
        this.lastValid = { step: ckpt.state.step, loss: ckpt.state.validLoss };
    }
    return { step: this.trainer.step, pairs: trainPairs.length };
  }

  /**
   * Pause resolves once the loop is parked between two steps (so nothing more is trained
   * until resume); resume and stop answer at once (stop ends with a trainEnded event).
   */
  async control(
    command: TrainCommand,
  ): Promise<{ state: 'running' | 'paused' | 'stopping'; step: number }> {
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
    return { state: this.state, step: this.trainer?.step ?? 0 };
  }

  private wake(): void {
    for (const resolve of this.resumeWaiters.splice(0)) resolve();
  }

  /** Runs to the end; never throws: the outcome is a trainEnded event. */
  async run(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) throw new Error('TrainingJob.run() before prepare().');
    const { spec } = this;
    const c = spec.train;
    let metrics: MetricsWriter | undefined;
    let status: TrainEndStatus = 'completed';
    let error: ReturnType<typeof toErrorData> | undefined;
    let reason: string | undefined;
    const started = Date.now();
    try {
      metrics = await MetricsWriter.open(spec.runDir);
      const writer = metrics;
      const record = async (r: MetricRecord, sync = false) => {
        await writer.append([r]);
        if (sync) await writer.sync();
        if (r.kind !== 'train') this.emit({ type: 'trainMetric', runId: spec.runId, record: r });
      };

      const result = await runTraining(
        trainer,
        { maxSteps: c.maxSteps, validEvery: 0, validateAtEnd: false },
        {
          shouldStop: () => this.stopRequested || this.earlyStopped,
          waitIfPaused: async () => {
            if (!this.paused || this.stopRequested) return;
            this.parked = true;
            for (const resolve of this.parkWaiters.splice(0)) resolve();
            await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
            this.parked = false;
          },
          onStep: async (p: StepProgress) => {
            await record({
              kind: 'train',
              step: p.step,
              time: Date.now(),
              loss: p.loss,
              lr: p.lr,
              gradNorm: p.gradNorm,
              tokensPerSec: p.tokensPerSec,
            });
            const progress: TrainProgress = {
              runId: spec.runId,
              step: p.step,
              totalSteps: p.totalSteps,
              loss: p.loss,
              lr: p.lr,
              gradNorm: p.gradNorm,
              tokensPerSec: p.tokensPerSec,
              etaSec: p.etaSec,
              ...(this.lastValid ? { validLoss: this.lastValid.loss } : {}),
            };
            this.emit({ type: 'trainProgress', progress });
            await this.afterStep(p.step, record, writer);
          },
        },
      );
      // The last step: validate if it was not just validated, and always checkpoint.
      if (this.lastValid?.step !== result.step && this.validPairs.length > 0 && result.step > 0) {
        await this.validate(result.step, record);
      }
      if (this.lastCheckpointStep !== result.step && result.step > 0)
        await this.checkpoint(result.step, writer);
      if (result.stopped) {
        status = 'stopped';
        reason = this.earlyStopped
          ? `Early stopping: ${c.earlyStoppingMetric === 'bleu' ? 'BLEU' : 'validation loss'} did not improve for ${c.patience} evaluations.`
          : 'Stopped by the user.';
      }
    } catch (err) {
      status = 'failed';
      error = toErrorData(err);
    } finally {
      this.ended = true;
      for (const resolve of this.parkWaiters.splice(0)) resolve();
      await metrics?.sync().catch(() => undefined);
      await metrics?.close().catch(() => undefined);
    }
    this.emit({
      type: 'trainEnded',
      runId: spec.runId,
      status,
      step: trainer.step,
      ...(error ? { error } : {}),
      ...(reason
        ? { reason }
        : {
            reason: `Trained ${trainer.step} steps in ${Math.round((Date.now() - started) / 1000)} s.`,
          }),
    });
  }

  private async afterStep(
    step: number,
    record: (r: MetricRecord, sync?: boolean) => Promise<void>,
    writer: MetricsWriter,
  ): Promise<void> {
    const c = this.spec.train;
    if (c.validEvery > 0 && step % c.validEvery === 0 && this.validPairs.length > 0)
      await this.validate(step, record);
    if (c.bleuEvery > 0 && step % c.bleuEvery === 0) await this.bleu(step, record);
    if (step % c.checkpointEvery === 0) await this.checkpoint(step, writer);
  }

  private async validate(
    step: number,
    record: (r: MetricRecord, sync?: boolean) => Promise<void>,
  ): Promise<void> {
    const trainer = this.trainer!;
    const r = trainer.evaluate(this.validPairs);
    this.lastValid = { step, loss: r.loss };
    await record(
      { kind: 'valid', step, time: Date.now(), loss: r.loss, perplexity: r.perplexity },
      true,
    );
    if (this.spec.train.earlyStoppingMetric === 'valid_loss') this.noteForEarlyStopping(-r.loss);
  }

  private async bleu(
    step: number,
    record: (r: MetricRecord, sync?: boolean) => Promise<void>,
  ): Promise<void> {
    if (!this.evaluateBleu || this.bleuPairs.src.length === 0 || !this.tokenizers) return;
    const { bleu, chrf } = await this.evaluateBleu(
      this.trainer!.model,
      this.tokenizers,
      this.bleuPairs,
    );
    this.lastBleu = { step, bleu };
    await record(
      { kind: 'bleu', step, time: Date.now(), bleu, chrf, samples: this.bleuPairs.src.length },
      true,
    );
    if (this.spec.train.earlyStoppingMetric === 'bleu') this.noteForEarlyStopping(bleu);
  }

  /** Higher is better; stops after `patience` evaluations without a new best. */
  private noteForEarlyStopping(value: number): void {
    if (this.best === undefined || value > this.best) {
      this.best = value;
      this.evalsWithoutImprovement = 0;
      return;
    }
    this.evalsWithoutImprovement += 1;
    const patience = this.spec.train.patience;
    if (patience > 0 && this.evalsWithoutImprovement >= patience) this.earlyStopped = true;
  }

  private async checkpoint(step: number, writer: MetricsWriter): Promise<CheckpointInfo> {
    const trainer = this.trainer!;
    // Every metric of this step is durable before the checkpoint that covers it exists.
    await writer.sync();
    const snapshot = trainer.exportState();
    const weights = snapshot.tensors.filter((t) => !t.name.startsWith('optimizer.'));
    const optimizer = snapshot.tensors.filter((t) => t.name.startsWith('optimizer.'));
    const info = await writeCheckpoint(this.spec.runDir, {
      weights,
      optimizer,
      runId: this.spec.runId,
      state: {
        step,
        position: {
          optimizerStep: snapshot.state.step,
          scheduleStep: snapshot.state.step,
          epoch: snapshot.state.data.epoch,
          batchInEpoch: snapshot.state.data.index,
          rngState: [snapshot.state.data.seed, snapshot.state.dropoutSeed],
          extra: { trainer: snapshot.state },
        },
        model: snapshot.state.model,
        train: snapshot.state.train,
        tokenizer: this.tokenizers!.ref,
        ...(this.lastValid?.step === step ? { validLoss: this.lastValid.loss } : {}),
        ...(this.lastBleu?.step === step ? { bleu: this.lastBleu.bleu } : {}),
      },
    });
    this.lastCheckpointStep = step;
    await applyRetention(this.spec.runDir, {
      keepLast: this.spec.train.keepLast,
      metric: this.spec.train.earlyStoppingMetric,
    });
    this.emit({ type: 'trainCheckpoint', runId: this.spec.runId, checkpoint: info });
    return info;
  }

  dispose(): void {
    this.trainer?.dispose();
    this.trainer = undefined;
  }
}
