/**
 * The learning-rate schedule of paper 5.3: linear warm-up, then decay with the inverse
 * square root of the step: lrate = factor * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5).
 */

/**
 * @param step optimiser step, counted from 1 (0 is treated as 1)
 * @param dModel d_model
 * @param warmupSteps warm-up steps (paper: 4000)
 * @param factor multiplier, default 1
 */
export function learningRate(
  step: number,
  dModel: number,
  warmupSteps: number,
  factor = 1,
): number {
  const s = Math.max(1, step);
  return (
    factor * Math.pow(dModel, -0.5) * Math.min(Math.pow(s, -0.5), s * Math.pow(warmupSteps, -1.5))
  );
}

/** The budget schedule's warm-up never takes more than this share of the budget. */
export const BUDGET_WARMUP_MAX_FRACTION = 0.1;
/** Where the budget schedule's cool-down ends, as a share of the peak lr. */
export const BUDGET_FLOOR = 0.1;

/**
 * The schedule of a run with a time budget: progress is the elapsed share of the budget
 * `f` in [0, 1], not the step, so the lr reaches its floor exactly at the deadline however
 * fast the machine is.
 *
 *   lr = peak · warm · (floor + (1 − floor) · (1 + cos(π·f)) / 2)
 *   peak = factor · d_model^-0.5 · warmup^-0.5   (the step schedule's peak, so lrFactor keeps its meaning)
 *   warm = min(1, max(step / warmup, f / 0.1))   (linear; ends after `warmup` steps or 10% of the budget, whichever is first)
 *
 * Cosine rather than linear cool-down: on a short CPU budget most of the learning happens
 * early, and the cosine stays near the peak longer there (0.98 of it at 10%, 0.82 at 30%,
 * linear 0.91 and 0.73), then flattens near the floor, so the last checkpoints (which are
 * averaged at the end) are taken while the weights move slowly and average well. The floor
 * is 10% of the peak rather than 0 so the last minutes still train.
 *
 * @param step optimiser step, counted from 1 (0 is treated as 1)
 * @param fraction elapsed share of the budget; clamped to [0, 1]
 * @param dModel d_model
 * @param warmupSteps warm-up steps
 * @param factor multiplier, default 1
 */
export function budgetLearningRate(
  step: number,
  fraction: number,
  dModel: number,
  warmupSteps: number,
  factor = 1,
): number {
  const s = Math.max(1, step);
  const f = Math.min(1, Math.max(0, fraction));
  const peak = factor * Math.pow(dModel, -0.5) * Math.pow(warmupSteps, -0.5);
  const warm = Math.min(1, Math.max(s / warmupSteps, f / BUDGET_WARMUP_MAX_FRACTION));
  const coolDown = BUDGET_FLOOR + ((1 - BUDGET_FLOOR) * (1 + Math.cos(Math.PI * f))) / 2;
  return peak * warm * coolDown;
}
