/**
 * One optimiser step at a time: teacher forcing (the decoder sees `<s>` + target and predicts
 * target + `</s>`), label-smoothed loss, Adam with the warm-up schedule and gradient clipping
 * (paper 5.3, 5.4). Everything that decides what a step computes (weights, optimiser moments,
 * step number, data position, dropout seed) is exported as plain data, so a restored trainer
 * produces exactly the losses an uninterrupted one would.
 */
import * as tf from '@tensorflow/tfjs';
import { trainConfigIssues } from '../../shared/config';
import { AppError, ErrorCode } from '../../shared/errors';
import type { ModelConfig, TrainConfig } from '../../shared/types';
import { paddingMask } from '../model/masks';
import { hashSeed } from '../model/random';
import { createTransformer } from '../model/transformer';
import type { Transformer } from '../model/transformer';
import { Adam } from './adam';
import type { Batch, DataOrderState, TokenizedPair } from './batching';
import { PAD_ID, TokenBatcher } from './batching';
import { labelSmoothedLoss, lossSums } from './loss';
import type { NamedTensor } from '../../shared/namedTensor';
import { learningRate } from './schedule';

export interface TrainStepResult {
  /** The step just taken (1 after the first). */
  step: number;
  /** Label-smoothed cross-entropy per target token of this batch. */
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Non-padding target tokens in the batch. */
  tokens: number;
}

export interface EvalResult {
  /** Negative log-likelihood per target token (no smoothing): the loss perplexity comes from. */
  loss: number;
  /** exp(loss) */
  perplexity: number;
  /** Label-smoothed cross-entropy per token (the training criterion), for comparison with training loss. */
  smoothedLoss: number;
  tokens: number;
}

/** The JSON half of a trainer snapshot. */
export interface TrainerState {
  version: 1;
  /** Optimiser steps taken. */
  step: number;
  data: DataOrderState;
  /** Dropout masks of step s are seeded by hashSeed(dropoutSeed, s). */
  dropoutSeed: number;
  model: ModelConfig;
  train: TrainConfig;
}

/** Everything a resumed run needs: weights and optimiser moments as named tensors, the rest as JSON. */
export interface TrainerSnapshot {
  tensors: NamedTensor[];
  state: TrainerState;
}

export class Trainer {
  readonly model: Transformer;
  private readonly optimizer: Adam;
  private readonly batcher: TokenBatcher;
  private readonly paramByVarName: Map<string, string>;
  private readonly dropoutSeed: number;
  private readonly validBatchers = new WeakMap<readonly TokenizedPair[], TokenBatcher>();
  /** Set for a run with a time budget: the lr of a step, in place of the step schedule. */
  private learningRateAt: ((step: number) => number) | undefined;

  /**
   * @param modelConfig the model to build (seeded by trainConfig.seed)
   * @param trainConfig batching, schedule, optimiser, clipping, seed
   * @param trainPairs tokenized training pairs (pad 0, bos 1, eos 2, unk 3)
   */
  constructor(
    readonly modelConfig: ModelConfig,
    readonly trainConfig: TrainConfig,
    trainPairs: readonly TokenizedPair[],
  ) {
    const issues = trainConfigIssues(trainConfig);
    if (issues.length > 0) {
      throw new AppError(ErrorCode.InvalidConfig, issues.map((i) => i.message).join(' '));
    }
    this.model = createTransformer(modelConfig, trainConfig.seed);
    this.batcher = new TokenBatcher(trainPairs, {
      batchTokens: trainConfig.batchTokens,
      maxLength: Math.min(trainConfig.maxLength, modelConfig.maxPositions),
      seed: trainConfig.seed,
    });
    const named = this.model.namedVariables();
    this.paramByVarName = new Map(named.map(([name, v]) => [v.name, name]));
    this.optimizer = new Adam(named, {
      beta1: trainConfig.adamBeta1,
      beta2: trainConfig.adamBeta2,
      epsilon: trainConfig.adamEpsilon,
    });
    this.dropoutSeed = hashSeed(trainConfig.seed, 'dropout');
  }

  /** Optimiser steps taken so far. */
  get step(): number {
    return this.optimizer.step;
  }

  /**
   * Takes each step's lr from `schedule` (a time-budget run, whose lr depends on elapsed
   * time) instead of the step schedule of paper 5.3.
   */
  useSchedule(schedule: (step: number) => number): void {
    this.learningRateAt = schedule;
  }

  /** Training pairs left out by the length filter. */
  get droppedPairs(): number {
    return this.batcher.dropped;
  }

  /** Where the data order stands. */
  get dataState(): DataOrderState {
    return this.batcher.state;
  }

  /** Mean loss of a batch's decoder outputs, and the rows that have a target. */
  private forward(batch: Batch, training: boolean, seed: number) {
    const src = tf.tensor2d(batch.src, [batch.size, batch.srcLen], 'int32');
    const tgtIn = tf.tensor2d(batch.tgtIn, [batch.size, batch.tgtLen], 'int32');
    const srcMask = paddingMask(src);
    // Only positions with a target go through the projection: padding costs no vocab-sized work.
    const rowIds: number[] = [];
    for (let i = 0; i < batch.tgtOut.length; i++) if (batch.tgtOut[i] !== PAD_ID) rowIds.push(i);
    const rows = tf.tensor1d(rowIds, 'int32');
    const targets = Int32Array.from(rowIds, (i) => batch.tgtOut[i] as number);
    const hidden = () =>
      tf.gather(
        this.model.forwardHidden(src, srcMask, tgtIn, { training, seed }),
        rows,
      ) as tf.Tensor2D; // [tokens, d]
    const dispose = () => tf.dispose([src, tgtIn, srcMask, rows]);
    return { hidden, targets, dispose };
  }

  /** Takes one optimiser step on the next batch. */
  trainStep(): TrainStepResult {
    const batch = this.batcher.next();
    const step = this.optimizer.step + 1;
    const c = this.trainConfig;
    const lr =
      this.learningRateAt?.(step) ??
      learningRate(step, this.modelConfig.dModel, c.warmupSteps, c.lrFactor);
    const f = this.forward(batch, true, hashSeed(this.dropoutSeed, step));
    const projection = this.model.outputProjection() as tf.Tensor as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(
      () => labelSmoothedLoss(f.hidden(), projection, f.targets, { smoothing: c.labelSmoothing }),
      this.model.trainableVariables(),
    );
    const byParam = new Map<string, tf.Tensor>();
    for (const [varName, g] of Object.entries(grads)) {
      byParam.set(this.paramByVarName.get(varName) ?? varName, g);
    }
    const gradNorm = this.optimizer.apply(byParam, lr, c.clipNorm);
    const loss = value.dataSync()[0] as number;
    tf.dispose([value, ...Object.values(grads)]);
    f.dispose();
    return { step, loss, lr, gradNorm, tokens: batch.tokens };
  }

  /**
   * Validation loss and perplexity over every pair (no dropout, no update).
   * @param validPairs tokenized pairs; those longer than the length limit are skipped
   */
  evaluate(validPairs: readonly TokenizedPair[]): EvalResult {
    let batcher = this.validBatchers.get(validPairs);
    if (batcher === undefined) {
      batcher = new TokenBatcher(validPairs, {
        batchTokens: this.trainConfig.batchTokens,
        maxLength: Math.min(this.trainConfig.maxLength, this.modelConfig.maxPositions),
        seed: 0,
        shuffle: false,
      });
      this.validBatchers.set(validPairs, batcher);
    }
    let nll = 0;
    let smoothed = 0;
    let tokens = 0;
    const projection = this.model.outputProjection() as tf.Tensor as tf.Tensor2D;
    for (const batch of batcher.all()) {
      const f = this.forward(batch, false, 0);
      const hidden = tf.tidy(() => f.hidden());
      const sums = lossSums(hidden, projection, f.targets, {
        smoothing: this.trainConfig.labelSmoothing,
      });
      hidden.dispose();
      f.dispose();
      nll += sums.nll;
      smoothed += sums.smoothed;
      tokens += batch.tokens;
    }
    const loss = nll / Math.max(1, tokens);
    return {
      loss,
      perplexity: Math.exp(loss),
      smoothedLoss: smoothed / Math.max(1, tokens),
      tokens,
    };
  }

  /** Weights, optimiser state and the JSON state that together resume this run exactly. */
  exportState(): TrainerSnapshot {
    return {
      tensors: [...this.model.exportWeights(), ...this.optimizer.exportState()],
      state: {
        version: 1,
        step: this.optimizer.step,
        data: this.batcher.state,
        dropoutSeed: this.dropoutSeed,
        model: { ...this.modelConfig },
        train: { ...this.trainConfig },
      },
    };
  }

  /**
   * A trainer that continues a snapshot exactly (same subsequent batches, dropout and updates).
   * @param trainPairs the same training pairs the snapshot was trained on
   * @param trainOverrides e.g. a new maxSteps; fields that change what a step computes must stay
   */
  static restore(
    snapshot: TrainerSnapshot,
    trainPairs: readonly TokenizedPair[],
    trainOverrides: Partial<TrainConfig> = {},
  ): Trainer {
    const { state } = snapshot;
    if (state.version !== 1) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `Trainer state version ${String(state.version)} is not supported.`,
      );
    }
    const trainer = new Trainer(state.model, { ...state.train, ...trainOverrides }, trainPairs);
    try {
      trainer.model.loadWeights(snapshot.tensors.filter((t) => !t.name.startsWith('optimizer.')));
      trainer.optimizer.loadState(snapshot.tensors);
      trainer.batcher.restore(state.data);
      if (trainer.optimizer.step !== state.step) {
        throw new AppError(
          ErrorCode.CheckpointInvalid,
          `The checkpoint says step ${state.step} but its optimiser state is at step ${trainer.optimizer.step}.`,
        );
      }
    } catch (err) {
      trainer.dispose();
      throw err;
    }
    return trainer;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
