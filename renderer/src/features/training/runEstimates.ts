/**
 * What the New run form says before a run starts: how long a step and the whole run should
 * take on this backend, and intervals that the number of steps never reaches.
 */
import type { BackendName, TrainConfig } from '../../../../shared/types';
import { formatInt } from '../../lib/format';

/**
 * Training FLOPs of one step: the usual 6 x parameters x tokens (a forward pass is 2 per
 * parameter and token, the backward pass twice that), the figure `npm run bench` uses.
 */
export function flopsPerStep(params: number, batchTokens: number): number {
  return 6 * params * batchTokens;
}

/**
 * Sustained training throughput assumed when no run has trained on a backend yet: wasm from
 * `npm run bench` on a 2-core machine (the small model, about 4 GFLOP/s), the others rough
 * orders of magnitude. A measured run replaces them.
 */
export const ASSUMED_GFLOPS: Readonly<Record<BackendName, number>> = {
  'tensorflow-gpu': 1000,
  tensorflow: 20,
  wasm: 4,
  cpu: 0.3,
};

/** A run that trained on the backend: its parameters and measured tokens per second. */
export interface MeasuredRun {
  name: string;
  params: number;
  tokensPerSec: number;
}

export interface StepTimeEstimate {
  secondsPerStep: number;
  /** The whole run's training steps (the time budget itself when one is set). */
  totalSeconds: number;
  /** Where the figure comes from, as shown under it. */
  source: string;
  measured: boolean;
}

/**
 * Time per step and in total for a model of `params` parameters trained with `train` on
 * `backend`: scaled by FLOPs from a run measured on the same backend when there is one,
 * else from the assumed throughput. Validation and BLEU add to the total.
 */
export function estimateStepTime(
  params: number,
  train: Pick<TrainConfig, 'batchTokens' | 'maxSteps' | 'minutes'>,
  backend: BackendName,
  measured?: MeasuredRun,
): StepTimeEstimate {
  const flops = flopsPerStep(params, train.batchTokens);
  const useMeasured = measured !== undefined && measured.tokensPerSec > 0 && measured.params > 0;
  const flopsPerSec = useMeasured
    ? flopsPerStep(measured.params, 1) * measured.tokensPerSec
    : ASSUMED_GFLOPS[backend] * 1e9;
  const secondsPerStep = flops / flopsPerSec;
  const totalSeconds = train.minutes > 0 ? train.minutes * 60 : secondsPerStep * train.maxSteps;
  const source = useMeasured
    ? `scaled by FLOPs (6 × parameters × tokens) from run “${measured.name}”, measured at ${formatInt(measured.tokensPerSec)} tokens/s on ${backend}`
    : `from the FLOP count (6 × parameters × tokens) at an assumed ${ASSUMED_GFLOPS[backend]} GFLOP/s for ${backend}; no run has trained on this backend yet`;
  return { secondsPerStep, totalSeconds, source, measured: useMeasured };
}

/**
 * Intervals longer than the run: what then happens, as sentences. Nothing for a time-budget
 * run, whose steps are planned to the deadline.
 */
export function intervalWarnings(
  train: Pick<TrainConfig, 'maxSteps' | 'minutes' | 'validEvery' | 'bleuEvery' | 'checkpointEvery'>,
): string[] {
  if (train.minutes > 0) return [];
  const steps = formatInt(train.maxSteps);
  const out: string[] = [];
  if (train.validEvery > train.maxSteps)
    out.push(
      `Validation every ${formatInt(train.validEvery)} steps, but the run has ${steps}: validation loss is measured only once, at the end, so there is no curve and early stopping cannot act.`,
    );
  if (train.bleuEvery > train.maxSteps)
    out.push(
      `BLEU every ${formatInt(train.bleuEvery)} steps, but the run has ${steps}: no BLEU is scored, and the best checkpoint is picked by validation loss.`,
    );
  if (train.checkpointEvery > train.maxSteps)
    out.push(
      `A checkpoint every ${formatInt(train.checkpointEvery)} steps, but the run has ${steps}: only the final checkpoint is written, so a crash loses the whole run.`,
    );
  return out;
}
