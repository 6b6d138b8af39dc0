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

/**
 * Appends a live point to a step-ordered series, keeping it under `max` points with an even
 * spacing: a new point replaces the newest one while that one is closer than range / (max/2)
 * steps to the point before it (so the newest value always shows), and the series is halved
 * when it still grows past `max`. Points not after the last step are dropped (a repeat of
 * the last step replaces it).
 */
export function appendCapped<T extends { step: number }>(points: T[], p: T, max = MAX_POINTS): T[] {
  const last = points[points.length - 1];
  if (last && p.step <= last.step) {
    return p.step === last.step ? [...points.slice(0, -1), p] : points;
  }
  const first = points[0];
  const prev = points[points.length - 2];
  const gap = first ? (p.step - first.step) / (max / 2) : 0;
  const out =
    last && prev && last.step - prev.step < gap ? [...points.slice(0, -1), p] : [...points, p];
  return out.length > max ? decimate(out, max) : out;
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

/**
 * Memoises a derivation of an array by the array's identity: the store replaces a series'
 * array only when it changes, so charts of unchanged series keep the same points and skip
 * their re-render.
 */
export function derived<T, R>(tag: string): (source: T[], fn: (source: T[]) => R) => R {
  const cache = new WeakMap<T[], { tag: string; value: R }>();
  return (source, fn) => {
    const hit = cache.get(source);
    if (hit && hit.tag === tag) return hit.value;
    const value = fn(source);
    cache.set(source, { tag, value });
    return value;
  };
}

/** Most rows a chart draws; more are thinned evenly (the last row always kept). */
export const MAX_DRAWN = 800;

export function thin<T>(rows: T[], max = MAX_DRAWN): T[] {
  if (rows.length <= max) return rows;
  const stride = rows.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(rows[Math.floor(i * stride)] as T);
  out.push(rows[rows.length - 1] as T);
  return out;
}
