/**
 * A run's steps on the other x-axes: the wall-clock time and the tokens seen of its logged
 * training steps, interpolated for the steps in between (validation and BLEU points).
 */
import type { XAxisMode } from './axis';

/** What a run's training points tell about time and tokens (both optional in old logs). */
export interface AxisSource {
  step: number;
  /** Milliseconds since the epoch when the step was logged. */
  time?: number;
  tokensSeen?: number;
}

/** Linear interpolation of `y(step)` over points sorted by step; undefined outside or without data. */
function interpolate(
  points: readonly AxisSource[],
  y: (p: AxisSource) => number | undefined,
  step: number,
): number | undefined {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid]!.step <= step) lo = mid;
    else hi = mid - 1;
  }
  const a = points[lo]!;
  const ya = y(a);
  if (ya === undefined || a.step > step) return undefined;
  if (a.step === step) return ya;
  const b = points[lo + 1];
  const yb = b ? y(b) : undefined;
  if (!b || yb === undefined) return undefined;
  return ya + ((yb - ya) * (step - a.step)) / (b.step - a.step);
}

/**
 * The x of `step` on `mode` for a run whose training points are `train` (sorted by step):
 * the step itself, seconds since its first logged step, or tokens seen. Undefined when the
 * run did not log what the axis needs at that step.
 */
export function stepToX(
  train: readonly AxisSource[],
  mode: XAxisMode,
): (step: number) => number | undefined {
  if (mode === 'step') return (step) => step;
  if (mode === 'tokens') return (step) => interpolate(train, (p) => p.tokensSeen, step);
  const t0 = train.find((p) => p.time !== undefined)?.time;
  return (step) => {
    const t = interpolate(train, (p) => p.time, step);
    return t === undefined || t0 === undefined ? undefined : (t - t0) / 1000;
  };
}

/** `points` with their x on `mode` in place of the step; points without one are left out. */
export function onAxis<P extends { step: number }>(
  points: readonly P[],
  toX: (step: number) => number | undefined,
): P[] {
  const out: P[] = [];
  for (const p of points) {
    const x = toX(p.step);
    if (x !== undefined) out.push({ ...p, step: x });
  }
  return out;
}
