/**
 * From a click on a chart to a checkpoint: the clicked row and curve, the step that point
 * was logged at (whatever the x-axis shows: step, wall-clock or tokens seen), and the run's
 * checkpoint at that step or the nearest one saved before it.
 */
import type { CheckpointInfo } from '../../../shared/types';
import type { XAxisMode } from './axis';
import { onAxis, stepToX, type AxisSource } from './runAxis';
import type { Row } from './series';

/** A chart point: `step` is its x; `at`, when the x is a time or a token count, its step. */
export interface AxisPoint {
  step: number;
  value: number;
  at?: number;
}

/** `points` (x = step) placed on `mode`, each remembering its step so a click maps back. */
export function placeOnAxis(
  points: AxisPoint[],
  train: readonly AxisSource[],
  mode: XAxisMode,
): AxisPoint[] {
  if (mode === 'step') return points;
  return onAxis(
    points.map((p) => ({ ...p, at: p.step })),
    stepToX(train, mode),
  );
}

/** The step a chart point was logged at. */
export function loggedStep(p: AxisPoint): number {
  return p.at ?? p.step;
}

/** A curve of the chart, as far as a click needs it. */
export interface ClickableCurve {
  key: string;
  points: readonly AxisPoint[];
}

/**
 * The curve and point a click picked: the row under the pointer (`x`, as the tooltip shows
 * it), then among the curves with a value in that row the one drawn nearest the pointer's
 * `pointerY` (`toPixel` maps a value to its y; without either, the first such curve).
 */
export function clickedPoint(
  row: Row | undefined,
  curves: readonly ClickableCurve[],
  pointerY?: number,
  toPixel?: (value: number) => number | undefined,
): { key: string; point: AxisPoint } | undefined {
  if (!row) return undefined;
  let best: { key: string; point: AxisPoint; distance: number } | undefined;
  for (const c of curves) {
    const value = row[c.key];
    if (value === undefined) continue;
    const point = c.points.find((p) => p.step === row.step);
    if (!point) continue;
    const y = pointerY === undefined ? undefined : toPixel?.(value);
    const distance = y === undefined || pointerY === undefined ? 0 : Math.abs(y - pointerY);
    if (!best || distance < best.distance) best = { key: c.key, point, distance };
  }
  return best && { key: best.key, point: best.point };
}

/**
 * The trained checkpoint saved at `step`, else the latest saved before it; averaged
 * checkpoints stand for no single step and are never picked. Undefined when none is at or
 * before `step`.
 */
export function checkpointAtOrBefore(
  list: readonly CheckpointInfo[],
  step: number,
): CheckpointInfo | undefined {
  let best: CheckpointInfo | undefined;
  for (const c of list) {
    if (c.averagedFrom !== undefined || c.step > step) continue;
    if (!best || c.step > best.step) best = c;
  }
  return best;
}

/** What the Playground says about a checkpoint opened from the point at `step`. */
export function openedNote(step: number, checkpoint: CheckpointInfo): string {
  return checkpoint.step === step
    ? `Opened from the curves: checkpoint ${checkpoint.id}, saved at step ${step}.`
    : `Opened from the curves: step ${step} has no checkpoint, so this is checkpoint ${checkpoint.id}, the nearest saved before it (step ${checkpoint.step}).`;
}

/** Why a click on the point at `step` of run `runName` opened nothing. */
export function noCheckpointNote(
  runName: string,
  step: number,
  list: readonly CheckpointInfo[],
): string {
  const steps = list.filter((c) => c.averagedFrom === undefined).map((c) => c.step);
  return steps.length > 0
    ? `“${runName}” has no checkpoint at or before step ${step}: its first is at step ${Math.min(...steps)}. Click a later point.`
    : `“${runName}” has no checkpoint yet: click a point again once one is saved.`;
}
