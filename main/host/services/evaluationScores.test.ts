import { describe, expect, it } from 'vitest';
import { scoreTestSet } from './evaluationScores';

describe('scoreTestSet', () => {
  it('gives 100 for exact translations and keeps sacreBLEU’s signatures', () => {
    const refs = ['the cat sat on the mat .', 'a dog runs in the park .'];
    const s = scoreTestSet(['x', 'y'], refs, refs);
    expect(s.bleu).toBeCloseTo(100, 10);
    expect(s.chrf).toBeCloseTo(100, 10);
    expect(s.bleuSignature).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(s.chrfSignature).toMatch(
      /^chrF2\|nrefs:1\|case:mixed\|eff:yes\|nc:6\|nw:0\|space:no\|version:2\.6\.0$/,
    );
    expect(s.bleuLine).toMatch(/^BLEU\|nrefs:1.* = 100\.00 100\.0\/100\.0\/100\.0\/100\.0 /);
    for (const x of s.sentences) expect(x.bleu).toBeCloseTo(100, 10);
  });

  it('scores each sentence on its own, in test-file order', () => {
    const s = scoreTestSet(
      ['eins', 'zwei'],
      ['the cat sat on the mat .', 'a dog runs in the park .'],
      ['the cat sat on the mat .', 'completely different words here'],
    );
    expect(s.sentences[0]).toMatchObject({ index: 0, src: 'eins' });
    expect(s.sentences[0]!.bleu).toBeCloseTo(100, 10);
    expect(s.sentences[1]!.index).toBe(1);
    expect(s.sentences[1]!.bleu).toBeLessThan(10);
    expect(s.sentences[1]!.chrf).toBeLessThan(s.sentences[0]!.chrf);
    expect(s.bleu).toBeGreaterThan(0);
    expect(s.bleu).toBeLessThan(100);
  });
});
