import { describe, expect, it } from 'vitest';
import { WordCounter } from '../text/bpeTrainer';
import { corpusFile, lines, pairs, scratch } from './importFixtures.testUtil';
import { tokenStats } from './tokenStats';
import { trainTokenizers } from './trainBpe';

const dir = scratch('token-stats-');

describe('tokenStats', () => {
  it('counts each side’s tokens as the tokenizer encodes them', async () => {
    const ps = pairs(300);
    const words = { src: new WordCounter(), tgt: new WordCounter() };
    for (const [s, t] of ps) {
      words.src.add(s);
      words.tgt.add(t);
    }
    const tokenizers = trainTokenizers(words.src, words.tgt, { vocabSize: 70, shared: true });
    const d = dir.next();
    const files = [
      await corpusFile(d, 'train.src', lines(ps.map((p) => p[0]))),
      await corpusFile(d, 'train.tgt', lines(ps.map((p) => p[1]))),
    ] as const;
    const progress: number[] = [];
    const stats = await tokenStats([...files], tokenizers, { src: 'en', tgt: 'de' }, words, {
      onPairs: (n) => progress.push(n),
    });
    const lengths = ps.map((p) => tokenizers.source.encode(p[0]).length);
    expect(stats.src.lang).toBe('en');
    expect(stats.src.tokens).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(stats.src.maxLength).toBe(Math.max(...lengths));
    expect(stats.src.meanLength).toBeCloseTo(stats.src.tokens / 300, 10);
    expect(stats.tgt.histogram.counts.reduce((a, b) => a + b, 0)).toBe(300);
    // "the" starts every source sentence: it is among the most frequent tokens.
    expect(stats.src.topTokens.some((t) => t.token === '▁the' && t.count >= 300)).toBe(true);
    expect(stats.src.vocabulary).toBe(words.src.size);
    expect(progress.at(-1)).toBe(300);
  });
});
