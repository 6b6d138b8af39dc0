/**
 * One training step's progress, typed once: the training loop reports it, the engine worker
 * sends it (with the run id and the latest validation loss), the host throttles it to the
 * renderer, and the charts and the CLI's progress line read it. A metrics.jsonl training
 * record is the part of it that is kept on disk.
 */

/** What the training loop reports after every step. */
export interface StepProgress {
  step: number;
  totalSteps: number;
  /** Label-smoothed cross-entropy of this step's batch, per target token. */
  loss: number;
  /** The learning rate this step used. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Non-padding target tokens in this step's batch. */
  tokens: number;
  /** Target tokens per second over the recent steps (time in callbacks and validation excluded). */
  tokensPerSec: number;
  /** Seconds left at the recent speed (validation excluded). */
  etaSec: number;
}

/** A step's progress as it leaves the engine: which run, and its latest validation loss. */
export interface TrainProgress extends StepProgress {
  runId: string;
  validLoss?: number;
}

/** The part of a step kept in metrics.jsonl and drawn on the training charts. */
export type TrainPoint = Pick<StepProgress, 'step' | 'loss' | 'lr' | 'gradNorm' | 'tokensPerSec'>;

/** One line of metrics.jsonl. `kind` says which fields are present. */
export type MetricRecord =
  | ({
      kind: 'train';
      time: number;
      /** Non-padding target tokens of this step's batch (absent in runs logged before it was kept). */
      tokens?: number;
      /**
       * Target tokens trained on up to this step, added by the host when it reads the log
       * (the sum of `tokens`; runMetrics decimates after summing). Never on disk.
       */
      tokensSeen?: number;
    } & TrainPoint)
  | { kind: 'valid'; step: number; time: number; loss: number; perplexity: number }
  | { kind: 'bleu'; step: number; time: number; bleu: number; chrf: number; samples: number };
