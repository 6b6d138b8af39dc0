import { describe, expect, it } from 'vitest';
import type { CheckpointEvaluation, SentenceScore } from '../../../../shared/evaluation';
import { hypothesesFileName, hypothesesText, worstFirst } from './sentenceOrder';

const s = (index: number, bleu: number, chrf: number, hyp = `h${index}`): SentenceScore => ({
  index,
  src: `s${index}`,
  ref: `r${index}`,
  hyp,
  bleu,
  chrf,
});

describe('worstFirst', () => {
  it('orders by sentence BLEU, then chrF, then line', () => {
    const order = worstFirst([s(0, 40, 50), s(1, 0, 30), s(2, 0, 10), s(3, 0, 10), s(4, 100, 100)]);
    expect(order.map((x) => x.index)).toEqual([2, 3, 1, 0, 4]);
  });
});

describe('hypotheses download', () => {
  it('writes one line per sentence in test-file order', () => {
    const result = { sentences: [s(0, 1, 1, 'a b'), s(1, 1, 1, '')] } as CheckpointEvaluation;
    expect(hypothesesText(result)).toBe('a b\n\n');
    expect(hypothesesFileName('test.en', '400')).toBe('test.en.400.hyp');
  });
});
