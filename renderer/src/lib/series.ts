/** Chart series helpers: capping points, smoothing and merging several runs by step. */

/** Most points a series keeps in the store; above it, it is halved (the last point kept). */
export const MAX_POINTS = 2000;

/** Halves an array by keeping every other element (and always the last) until it fits. */
export function decimate<T>(points: T[], max = MAX_POINTS): T[] {
  let out = points;
  while (out.length > max) {
    const last = out[out.length - 1] as T;
    out = out.filter((_, i) => i % 2 === 0);
    if (out[out.length - 1] !== last) out.push(last);
  }
  return out;
}

/** Exponential moving average with bias correction (as TensorBoard's smoothing slider). */
export function ema(values: number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  const out: number[] = [];
  let last = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out.push(last / (1 - Math.pow(weight, n)));
  }
  return out;
}

export type Row = { step: number } & Record<string, number | undefined>;

/** Merges series of `{step, value}` under their keys into rows sorted by step. */
export function mergeByStep(
  series: { key: string; points: { step: number; value: number }[] }[],
): Row[] {
  const rows = new Map<number, Row>();
  for (const s of series) {
    for (const p of s.points) {
      let row = rows.get(p.step);
      if (!row) {
        row = { step: p.step } as Row;
        rows.set(p.step, row);
      }
      row[s.key] = p.value;
    }
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}
