/**
 * Early stopping: a run ends once its early-stopping metric has gone `patience` evaluations
 * in a row without a new best. Decisions only; the evaluator feeds it and the loop asks it.
 */
import type { EarlyStoppingMetric } from '../../shared/types';

export class EarlyStopping {
  private best: number | undefined;
  private evalsWithoutImprovement = 0;
  private stopped = false;

  /** @param patience evaluations without a new best before stopping; 0 = never stop */
  constructor(private readonly patience: number) {}

  /** True once the run should stop; it stays true. */
  get shouldStop(): boolean {
    return this.stopped;
  }

  /**
   * Notes one evaluation. Higher is better: pass BLEU as it is and a loss negated.
   * The first value is the first best; a value equal to the best is no improvement.
   * @returns shouldStop after this evaluation
   */
  note(value: number): boolean {
    if (this.best === undefined || value > this.best) {
      this.best = value;
      this.evalsWithoutImprovement = 0;
      return this.stopped;
    }
    this.evalsWithoutImprovement += 1;
    if (this.patience > 0 && this.evalsWithoutImprovement >= this.patience) this.stopped = true;
    return this.stopped;
  }
}

/** The sentence a run's end reports when early stopping ended it. */
export function earlyStoppingReason(metric: EarlyStoppingMetric, patience: number): string {
  return `Early stopping: ${metric === 'bleu' ? 'BLEU' : 'validation loss'} did not improve for ${patience} evaluations.`;
}
