/**
 * The training loop: runs a Trainer to maxSteps and reports through callbacks; it never
 * prints and does not know who listens. Stop and pause are checked between steps, and the
 * loop yields to the event loop after every step so those messages can arrive.
 */
import type { StepProgress } from '../../shared/progress';
import type { TokenizedPair } from './batching';
import type { Trainer } from './trainer';

export type { StepProgress };

export interface ValidProgress {
  step: number;
  /** Negative log-likelihood per token. */
  loss: number;
  perplexity: number;
  smoothedLoss: number;
}

export interface LoopCallbacks {
  /** After every step; awaited, so a listener may checkpoint here. */
  onStep?(progress: StepProgress): void | Promise<void>;
  /** After every validation. */
  onValid?(result: ValidProgress): void | Promise<void>;
  /** Checked before every step: true ends the loop. */
  shouldStop?(): boolean;
  /** Awaited before every step: resolves when the run is not (or no longer) paused. */
  waitIfPaused?(): Promise<void>;
}

export interface LoopOptions {
  /** Stop after this step (default trainer.trainConfig.maxSteps). */
  maxSteps?: number;
  /** Pairs for validation loss; none = no validation. */
  validPairs?: readonly TokenizedPair[];
  /** Validate every N steps (default trainer.trainConfig.validEvery). */
  validEvery?: number;
  /** Validate after the last step when it was not just validated. Default true. */
  validateAtEnd?: boolean;
  /** Steps the speed is averaged over. Default 20. */
  speedWindow?: number;
}

export interface LoopResult {
  /** The trainer's step at the end. */
  step: number;
  /** True when shouldStop() ended the loop before maxSteps. */
  stopped: boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains until maxSteps or until shouldStop() says so.
 */
export async function runTraining(
  trainer: Trainer,
  options: LoopOptions = {},
  callbacks: LoopCallbacks = {},
): Promise<LoopResult> {
  const maxSteps = options.maxSteps ?? trainer.trainConfig.maxSteps;
  const validEvery = options.validEvery ?? trainer.trainConfig.validEvery;
  const window = options.speedWindow ?? 20;
  const recent: { ms: number; tokens: number }[] = [];
  let lastValidStep = -1;

  const validate = async () => {
    if (options.validPairs === undefined || options.validPairs.length === 0) return;
    const r = trainer.evaluate(options.validPairs);
    lastValidStep = trainer.step;
    await callbacks.onValid?.({
      step: trainer.step,
      loss: r.loss,
      perplexity: r.perplexity,
      smoothedLoss: r.smoothedLoss,
    });
  };

  while (trainer.step < maxSteps) {
    if (callbacks.waitIfPaused !== undefined) await callbacks.waitIfPaused();
    if (callbacks.shouldStop?.() === true) return { step: trainer.step, stopped: true };
    const t0 = performance.now();
    const r = trainer.trainStep();
    const ms = performance.now() - t0;
    recent.push({ ms, tokens: r.tokens });
    if (recent.length > window) recent.shift();
    const totalMs = recent.reduce((a, b) => a + b.ms, 0);
    const totalTokens = recent.reduce((a, b) => a + b.tokens, 0);
    const msPerStep = totalMs / recent.length;
    await callbacks.onStep?.({
      step: r.step,
      totalSteps: maxSteps,
      loss: r.loss,
      lr: r.lr,
      gradNorm: r.gradNorm,
      tokens: r.tokens,
      tokensPerSec: totalMs > 0 ? (totalTokens * 1000) / totalMs : 0,
      etaSec: (Math.max(0, maxSteps - r.step) * msPerStep) / 1000,
    });
    if (validEvery > 0 && r.step % validEvery === 0) await validate();
    await yieldToEventLoop();
  }
  if (options.validateAtEnd !== false && lastValidStep !== trainer.step) await validate();
  return { step: trainer.step, stopped: false };
}
