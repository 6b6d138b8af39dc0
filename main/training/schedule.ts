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
