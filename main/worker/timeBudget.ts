/**
 * The clock of a run with a time budget (`train --minutes M`). What counts is the time the
 * run spends running: training steps and the validation, BLEU and checkpoints due during
 * them, because a person who has an hour means the wall clock. What does not count: time
 * paused, time between a kill and its resume, and the averaging and evaluation after the
 * deadline. The elapsed time is stored in every checkpoint's position (`extra.elapsedMs`),
 * so a resumed run continues the schedule with the remaining budget.
 */
import type { LoopCallbacks, StepProgress } from '../training/loop';

/** Where the elapsed training time rides in a checkpoint's `position.extra`. */
export const ELAPSED_KEY = 'elapsedMs';

/** The elapsed time a checkpoint position recorded; 0 when it has none (a step-based run). */
export function elapsedFromPosition(extra: Record<string, unknown> | undefined): number {
  const v = extra?.[ELAPSED_KEY];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

export class TimeBudget {
  private readonly startedAt: number;
  private pausedMs = 0;
  private pauseStart: number | undefined;

  /**
   * @param budgetMs the whole budget
   * @param alreadyElapsedMs what earlier sessions of the run used (a resume's checkpoint)
   * @param now the clock in ms (injected by tests)
   */
  constructor(
    readonly budgetMs: number,
    private readonly alreadyElapsedMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Time the run has spent running, this session and earlier ones. */
  get elapsedMs(): number {
    const pausedNow = this.pauseStart === undefined ? 0 : this.now() - this.pauseStart;
    return this.alreadyElapsedMs + this.now() - this.startedAt - this.pausedMs - pausedNow;
  }

  /** The elapsed share of the budget, in [0, 1]. */
  get fraction(): number {
    return Math.min(1, this.elapsedMs / this.budgetMs);
  }

  /** Seconds left before the deadline (the ETA a budget run shows). */
  get remainingSec(): number {
    return Math.max(0, this.budgetMs - this.elapsedMs) / 1000;
  }

  /** True once the deadline has passed: no further step starts. */
  get expired(): boolean {
    return this.elapsedMs >= this.budgetMs;
  }

  /** Waits in `wait` (a pause) without counting it. */
  async excluding(wait: () => Promise<void>): Promise<void> {
    this.pauseStart = this.now();
    try {
      await wait();
    } finally {
      this.pausedMs += this.now() - this.pauseStart;
      this.pauseStart = undefined;
    }
  }
}

/**
 * The loop's callbacks for a budget run: no step starts once the deadline has passed (so
 * the run ends within one step of it), paused time is not counted, and every progress
 * event's ETA is the time left in the budget.
 */
export function withTimeBudget(callbacks: LoopCallbacks, budget: TimeBudget): LoopCallbacks {
  const { shouldStop, waitIfPaused, onStep } = callbacks;
  return {
    ...callbacks,
    shouldStop: () => budget.expired || shouldStop?.() === true,
    waitIfPaused: () => budget.excluding(() => waitIfPaused?.() ?? Promise.resolve()),
    onStep: (p: StepProgress) => onStep?.({ ...p, etaSec: budget.remainingSec }),
  };
}
