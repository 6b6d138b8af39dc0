/**
 * The charts' x-axis: step, wall-clock time since the run's first step, or target tokens
 * seen (as TensorBoard's and W&B's step / relative / custom x), with evenly spaced ticks at
 * round values and no tick repeated.
 */
import { formatCount, formatInt } from './format';

export type XAxisMode = 'step' | 'time' | 'tokens';

export const X_AXIS_LABEL: Record<XAxisMode, string> = {
  step: 'step',
  time: 'wall-clock time',
  tokens: 'tokens seen',
};

/** A point's x on each axis; wall-clock in seconds since the run's first logged step. */
export interface XCoordinates {
  step: number;
  time?: number;
  tokens?: number;
}

/** The x of a point on `mode`, or undefined when the run did not log it. */
export function xOf(c: XCoordinates, mode: XAxisMode): number | undefined {
  return mode === 'step' ? c.step : mode === 'time' ? c.time : c.tokens;
}

/** 1, 2 or 5 times a power of ten: the nearest round step at or above `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/**
 * About `target` ticks at round, evenly spaced values covering [min, max], each once. A
 * single point (min = max) gets the round ticks from 0 (or below it) up to it, never the
 * same label five times. Whole numbers only when `integer`.
 */
export function niceTicks(min: number, max: number, target = 6, integer = true): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (lo === hi) {
    if (hi > 0) lo = 0;
    else if (hi < 0) hi = 0;
    else hi = 1;
  }
  let step = niceStep((hi - lo) / Math.max(1, target - 1));
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < hi + step * 0.5; v += step) {
    // Rounded to the step's precision, so 0.1 + 0.2 reads 0.3.
    const rounded = Number(v.toPrecision(12));
    if (ticks[ticks.length - 1] !== rounded) ticks.push(rounded);
  }
  return ticks;
}

/** Round wall-clock steps, in seconds: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, days. */
const CLOCK_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
];

/** Ticks for `mode`: round numbers, or round clock times for wall-clock. */
export function ticksFor(mode: XAxisMode, min: number, max: number, target = 6): number[] {
  if (mode !== 'time' || !(max > min)) return niceTicks(min, max, target);
  const raw = (max - min) / Math.max(1, target - 1);
  const step = CLOCK_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400) * 86_400;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v < max + step * 0.5; v += step) ticks.push(v);
  return ticks;
}

/** "45 s", "12:05" (minutes:seconds) or "3:20:00" (hours). */
export function formatClock(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A tick's label on `mode`. */
export function formatX(mode: XAxisMode, v: number): string {
  return mode === 'time' ? formatClock(v) : mode === 'tokens' ? formatCount(v) : formatInt(v);
}
