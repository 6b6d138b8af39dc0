import { describe, expect, it } from 'vitest';
import { pairHash } from '../text/cleaning';
import { SeededSplit, checkValidation } from './split';
import type { PairSink } from './split';

class ArraySink implements PairSink {
  readonly rows: string[] = [];
  write(src: string, tgt: string): void {
    this.rows.push(`${src}|${tgt}`);
  }
  get pairs(): number {
    return this.rows.length;
  }
}

/** Splits `n` pairs `s<i>|t<i>`; returns the two sinks and the pairs counted for training. */
function run(
  n: number,
  split: { fraction: number; seed?: number; maxPairs?: number } | undefined,
): { train: string[]; valid: string[]; counted: number } {
  const train = new ArraySink();
  const valid = new ArraySink();
  let counted = 0;
  const s = new SeededSplit(train, valid, split, () => counted++);
  for (let i = 0; i < n; i++) s.add(`s${i}`, `t${i}`, pairHash(`s${i}`, `t${i}`));
  s.finish(n);
  return { train: train.rows, valid: valid.rows, counted };
}

describe('SeededSplit', () => {
  it('sends about the asked share to validation, the same for the same seed', () => {
    const a = run(10_000, { fraction: 0.1, seed: 3 });
    expect(a.train.length + a.valid.length).toBe(10_000);
    expect(a.valid.length).toBeGreaterThan(900);
    expect(a.valid.length).toBeLessThan(1100);
    expect(run(10_000, { fraction: 0.1, seed: 3 })).toEqual(a);
    expect(run(10_000, { fraction: 0.1, seed: 4 }).valid).not.toEqual(a.valid);
    // Training keeps the input order; every pair lands exactly once.
    expect([...a.train, ...a.valid].sort()).toEqual(
      Array.from({ length: 10_000 }, (_, i) => `s${i}|t${i}`).sort(),
    );
  });

  it('stops at the most validation pairs', () => {
    expect(run(10_000, { fraction: 0.5, maxPairs: 7 }).valid).toHaveLength(7);
  });

  it('gives a tiny corpus one validation pair from the held-back training pair', () => {
    // A fraction this small picks no pair by hash.
    const tiny = run(3, { fraction: 1e-9 });
    expect(tiny).toEqual({ train: ['s0|t0', 's1|t1'], valid: ['s2|t2'], counted: 3 });
    expect(run(1, { fraction: 1e-9 })).toEqual({ train: ['s0|t0'], valid: [], counted: 1 });
    expect(run(3, { fraction: 0 }).valid).toEqual([]);
  });

  it('sends everything to training when validation comes from files', () => {
    expect(run(50, undefined)).toMatchObject({ valid: [], counted: 50 });
  });
});

describe('checkValidation', () => {
  it('defaults to a 5% split and refuses fractions outside 0 to 0.5', () => {
    expect(checkValidation(undefined)).toEqual({ fraction: 0.05 });
    expect(checkValidation({ files: ['a'] })).toEqual({ files: ['a'] });
    expect(() => checkValidation({ fraction: 0.6 })).toThrow(
      'The validation fraction must be between 0 and 0.5; got 0.6.',
    );
  });
});
