/**
 * Evaluation during training: validation loss and perplexity over the whole validation
 * split every `validEvery` steps, and BLEU and chrF of greedy translations of a fixed sample
 * every `bleuEvery` steps. Every score is appended to metrics.jsonl (synced) before anything
 * else happens, and the run's early-stopping metric is fed to early stopping.
 */
import type { MetricRecord, TrainConfig } from '../../shared/types';
import type { Transformer } from '../model/transformer';
import type { BpeTokenizer } from '../text/tokenizer';
import type { TokenizedPair } from '../training/batching';
import type { Trainer } from '../training/trainer';
import type { SplitLines } from './datasetFiles';
import type { CheckpointScores } from './checkpointPolicy';
import { EarlyStopping } from './earlyStopping';

/** Validation sentences and their references, the ones BLEU is scored on. */
export interface BleuSample {
  src: string[];
  ref: string[];
}

/** Scores a model on validation pairs by decoding (BLEU and chrF); supplied by the worker. */
export type BleuEvaluator = (
  model: Transformer,
  tokenizers: { src: BpeTokenizer; tgt: BpeTokenizer },
  sample: BleuSample,
) => Promise<{ bleu: number; chrf: number }>;

/** Appends a record to the run's metrics log (fsynced when `sync`) and reports it. */
export type RecordMetric = (record: MetricRecord, sync?: boolean) => Promise<void>;

/** The part of the Trainer evaluation uses. */
export type EvaluatedTrainer = Pick<Trainer, 'evaluate' | 'model'>;

/** A fixed, evenly spaced sample of the validation set for BLEU (the same every evaluation). */
export function bleuSample(valid: SplitLines, n: number): BleuSample {
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

export interface EvaluatorOptions {
  train: Pick<TrainConfig, 'validEvery' | 'bleuEvery' | 'patience' | 'earlyStoppingMetric'>;
  validPairs: readonly TokenizedPair[];
  bleuPairs: BleuSample;
  /** True when `bleuPairs` is the whole validation set (its BLEU ranks at any size). */
  bleuWholeSet?: boolean;
  tokenizers: { src: BpeTokenizer; tgt: BpeTokenizer };
  /** Absent: BLEU is never scored. */
  evaluateBleu?: BleuEvaluator | undefined;
  /** A resumed run: the validation loss its checkpoint recorded. */
  resumedValid?: { step: number; loss: number } | undefined;
}

export class Evaluator {
  private lastValid: { step: number; loss: number } | undefined;
  private lastBleu: { step: number; bleu: number } | undefined;
  private readonly earlyStopping: EarlyStopping;

  constructor(
    private readonly trainer: EvaluatedTrainer,
    private readonly options: EvaluatorOptions,
  ) {
    this.lastValid = options.resumedValid;
    this.earlyStopping = new EarlyStopping(options.train.patience);
  }

  /** The latest validation loss (shown with every step's progress). */
  get lastValidLoss(): number | undefined {
    return this.lastValid?.loss;
  }

  /** True once early stopping says the run should end. */
  get earlyStopped(): boolean {
    return this.earlyStopping.shouldStop;
  }

  /** The scores taken at `step`, for the checkpoint of that step. */
  scoresAt(step: number): { validLoss?: number; bleu?: number } {
    return {
      ...(this.lastValid?.step === step ? { validLoss: this.lastValid.loss } : {}),
      ...(this.lastBleu?.step === step ? { bleu: this.lastBleu.bleu } : {}),
    };
  }

  /**
   * With `scoresAt`, for the checkpoint of `step`: how many sentences its BLEU was on and
   * whether that was the whole validation set (the best-checkpoint rule needs both).
   */
  bleuSampleAt(step: number): Pick<CheckpointScores, 'bleuSentences' | 'bleuWholeSet'> {
    if (this.lastBleu?.step !== step) return {};
    const { bleuPairs, bleuWholeSet } = this.options;
    return {
      bleuSentences: bleuPairs.src.length,
      ...(bleuWholeSet === true ? { bleuWholeSet } : {}),
    };
  }

  /** The evaluations due after `step`: validation, then BLEU. */
  async afterStep(step: number, record: RecordMetric): Promise<void> {
    const { train, validPairs } = this.options;
    if (train.validEvery > 0 && step % train.validEvery === 0 && validPairs.length > 0)
      await this.validate(step, record);
    if (train.bleuEvery > 0 && step % train.bleuEvery === 0) await this.bleu(step, record);
  }

  /** After the last step: validates it unless it was just validated (or nothing was trained). */
  async atEnd(step: number, record: RecordMetric): Promise<void> {
    if (this.lastValid?.step !== step && this.options.validPairs.length > 0 && step > 0) {
      await this.validate(step, record);
    }
  }

  /**
   * Scores the model as it is now (an average loaded into it at the end of a budget run):
   * validation loss, and BLEU when a BLEU evaluator and sample exist. Nothing is recorded in
   * metrics.jsonl (its charts follow the trained steps) and early stopping is not fed.
   */
  async score(): Promise<CheckpointScores> {
    const { validPairs, evaluateBleu, bleuPairs, tokenizers, bleuWholeSet } = this.options;
    const validLoss = validPairs.length > 0 ? this.trainer.evaluate(validPairs).loss : undefined;
    const bleu =
      evaluateBleu && bleuPairs.src.length > 0
        ? (await evaluateBleu(this.trainer.model, tokenizers, bleuPairs)).bleu
        : undefined;
    return {
      ...(validLoss !== undefined ? { validLoss } : {}),
      ...(bleu !== undefined
        ? {
            bleu,
            bleuSentences: bleuPairs.src.length,
            ...(bleuWholeSet === true ? { bleuWholeSet } : {}),
          }
        : {}),
    };
  }

  private async validate(step: number, record: RecordMetric): Promise<void> {
    const r = this.trainer.evaluate(this.options.validPairs);
    this.lastValid = { step, loss: r.loss };
    await record(
      { kind: 'valid', step, time: Date.now(), loss: r.loss, perplexity: r.perplexity },
      true,
    );
    if (this.options.train.earlyStoppingMetric === 'valid_loss') this.earlyStopping.note(-r.loss);
  }

  private async bleu(step: number, record: RecordMetric): Promise<void> {
    const { evaluateBleu, bleuPairs, tokenizers } = this.options;
    if (!evaluateBleu || bleuPairs.src.length === 0) return;
    const { bleu, chrf } = await evaluateBleu(this.trainer.model, tokenizers, bleuPairs);
    this.lastBleu = { step, bleu };
    await record(
      { kind: 'bleu', step, time: Date.now(), bleu, chrf, samples: bleuPairs.src.length },
      true,
    );
    if (this.options.train.earlyStoppingMetric === 'bleu') this.earlyStopping.note(bleu);
  }
}
