import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../shared/types';
import { ImportProgressReporter } from './importProgress';

describe('ImportProgressReporter', () => {
  it('fills 70% by bytes while reading, then the phases’ own share, at most every 200 ms', () => {
    let now = 1000;
    const seen: ImportProgress[] = [];
    const p = new ImportProgressReporter(
      2000,
      (x) => seen.push(x),
      () => now,
    );
    p.bytes = 500;
    p.lines = 10;
    p.emit('reading');
    now += 100;
    p.bytes = 1000;
    p.emit('reading'); // too soon: dropped
    now += 150;
    p.emit('reading');
    p.bytes = 2000;
    p.emit('validation', true);
    p.setPercent(72 + 13 / 3);
    p.emit('tokenizer', true);
    p.setPercent(100);
    p.emit('done', true);
    expect(seen.map((s) => [s.phase, s.percent])).toEqual([
      ['reading', 17.5],
      ['reading', 35],
      ['validation', 70],
      ['tokenizer', 76.3],
      ['done', 100],
    ]);
    expect(seen[0]).toEqual({
      phase: 'reading',
      lines: 10,
      bytes: 500,
      totalBytes: 2000,
      percent: 17.5,
    });
  });

  it('reads 0% of an empty corpus', () => {
    const seen: number[] = [];
    new ImportProgressReporter(0, (x) => seen.push(x.percent)).emit('reading', true);
    expect(seen).toEqual([0]);
  });
});
