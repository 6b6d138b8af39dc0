import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { WordCounter } from '../text/bpeTrainer';
import { pairs } from './importFixtures.testUtil';
import { checkVocabSize, trainTokenizers } from './trainBpe';

function counters(): [WordCounter, WordCounter] {
  const src = new WordCounter();
  const tgt = new WordCounter();
  for (const [s, t] of pairs(500)) {
    src.add(s);
    tgt.add(t);
  }
  return [src, tgt];
}

describe('trainTokenizers', () => {
  it('trains one shared tokenizer, or one per side, of the asked size', () => {
    const [src, tgt] = counters();
    const shared = trainTokenizers(src, tgt, { vocabSize: 80, shared: true });
    expect(shared.shared).toBe(true);
    expect(shared.source).toBe(shared.target);
    expect(shared.source.vocabSize).toBe(80);
    expect(shared.source.tokenToId('▁Hund')).toBeDefined();
    const apart = trainTokenizers(src, tgt, { vocabSize: 60, shared: false });
    expect(apart.source).not.toBe(apart.target);
    expect(apart.source.tokenToId('▁Hund')).toBeUndefined();
    expect(apart.target.tokenToId('▁Hund')).toBeDefined();
  });

  it('reports progress from 0 to 1 over both halves of separate vocabularies', () => {
    const [src, tgt] = counters();
    const seen: number[] = [];
    trainTokenizers(src, tgt, { vocabSize: 2000, shared: false, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);
    // Each side fills half the bar: no report of either side goes past 0.5.
    expect(Math.max(...seen)).toBeLessThanOrEqual(0.5);
  });

  it('stops when cancelled', () => {
    const [src, tgt] = counters();
    const ctl = new AbortController();
    ctl.abort();
    expect(() =>
      trainTokenizers(src, tgt, { vocabSize: 80, shared: true, signal: ctl.signal }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.Cancelled }));
  });
});

describe('checkVocabSize', () => {
  it('defaults to 8,000 and refuses sizes below 5 or not whole', () => {
    expect(checkVocabSize(undefined)).toBe(8000);
    expect(checkVocabSize(5)).toBe(5);
    expect(() => checkVocabSize(4)).toThrow(/at least 5 .*got 4\.$/);
    expect(() => checkVocabSize(10.5)).toThrow(/got 10\.5\.$/);
  });
});
