import { describe, expect, it } from 'vitest';
import { evaluateProgressLine, progressWriter } from './evaluateProgress';

describe('evaluateProgressLine', () => {
  it('has no ETA before the first batch is done', () => {
    expect(evaluateProgressLine(0, 500, 0)).toBe('translated 0/500 sentences    0%  ETA ?');
  });

  it('projects the time per sentence so far onto the sentences left', () => {
    // 30 s for 120 sentences: 0.25 s each, 380 left -> 95 s.
    expect(evaluateProgressLine(120, 500, 30)).toBe(
      'translated 120/500 sentences   24%  ETA 1m35s',
    );
    // 3600 s for 333: 667 left * 10.81 s = 7210.8 s -> 2 h 0 min.
    expect(evaluateProgressLine(333, 1000, 3600)).toBe(
      'translated 333/1000 sentences   33%  ETA 2h00m',
    );
    expect(evaluateProgressLine(7, 8, 3.5)).toBe('translated 7/8 sentences   87%  ETA 1s');
  });

  it('ends at 100% with nothing left', () => {
    expect(evaluateProgressLine(500, 500, 125)).toBe('translated 500/500 sentences  100%  ETA 0s');
  });
});

describe('progressWriter', () => {
  it('rewrites one line in place, blanking what a longer line left, and ends it once', () => {
    const out: string[] = [];
    const progress = progressWriter((text) => out.push(text));
    progress.line('abcdef');
    progress.line('abc');
    progress.line('abcdefgh');
    progress.end();
    progress.end();
    expect(out).toEqual(['\rabcdef', '\rabc   ', '\rabcdefgh', '\n']);
  });

  it('writes nothing at the end when no line was written (not a terminal)', () => {
    const out: string[] = [];
    progressWriter((text) => out.push(text)).end();
    expect(out).toEqual([]);
  });
});
