import { describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '../../shared/types';
import {
  bestCheckpoint,
  describeBestBy,
  hasStableBleu,
  markBest,
  rankingMetric,
  selectCheckpoint,
  STABLE_BLEU_SENTENCES,
} from './checkpointSelection';

function info(id: string, step: number, scores: Partial<CheckpointInfo> = {}): CheckpointInfo {
  return { id, runId: 'r', step, createdAt: '', bytes: 1, best: false, ...scores };
}

describe('best and last', () => {
  const list = [
    info('100', 100, { validLoss: 3, bleu: 10 }),
    info('200', 200, { validLoss: 2, bleu: 9 }),
    info('300', 300, { validLoss: 2 }),
    info('avg-200-300', 300, { averagedFrom: [200, 300] }),
  ];

  it('best is the highest BLEU, or the lowest loss (ties to the later one), last the final entry', () => {
    expect(bestCheckpoint(list, 'bleu')?.id).toBe('100');
    // 200 and 300 tie on loss 2: the later one has more training.
    expect(bestCheckpoint(list, 'valid_loss')?.id).toBe('300');
    const marked = list.map((c) => ({ ...c }));
    markBest(marked, 'bleu');
    expect(marked.filter((c) => c.best).map((c) => c.id)).toEqual(['100']);
    expect(selectCheckpoint(marked, 'best')).toEqual({ info: marked[0] });
    expect(selectCheckpoint(marked, 'last')?.info.id).toBe('avg-200-300');
    expect(selectCheckpoint(marked, '200')?.info.id).toBe('200');
    expect(selectCheckpoint(marked, 200)?.info.id).toBe('200');
    expect(selectCheckpoint(marked, '400')).toBeUndefined();
  });

  it('best falls back to the last with a note when nothing has a score; an empty list has neither', () => {
    const unscored = [info('100', 100), info('200', 200)];
    markBest(unscored, 'bleu');
    expect(selectCheckpoint(unscored, 'best')).toEqual({
      info: unscored[1],
      note: 'No checkpoint has a validation score yet; using the last (200).',
    });
    expect(selectCheckpoint([], 'best')).toBeUndefined();
    expect(selectCheckpoint([], 'last')).toBeUndefined();
  });
});

describe('the honest ranking: validation loss until BLEU is on enough sentences', () => {
  // The Multi30k run: BLEU on a 200-sentence sample starred step 50 over lower losses.
  const sampled = [
    info('50', 50, { validLoss: 5.96, bleu: 0.19, bleuSentences: 200 }),
    info('100', 100, { validLoss: 5.1, bleu: 0.12, bleuSentences: 200 }),
    info('112', 112, { validLoss: 5.3, bleu: 0.15, bleuSentences: 200 }),
  ];

  it('BLEU on 200 of many sentences does not rank: the lowest validation loss does', () => {
    expect(STABLE_BLEU_SENTENCES).toBe(500);
    expect(sampled.some(hasStableBleu)).toBe(false);
    expect(rankingMetric(sampled, 'bleu')).toBe('valid_loss');
    const marked = sampled.map((c) => ({ ...c }));
    markBest(marked, 'bleu');
    expect(marked.filter((c) => c.best).map((c) => c.id)).toEqual(['100']);
    expect(marked[1]?.bestBy).toEqual({ metric: 'valid_loss' });
    expect(marked[0]?.bestBy).toBeUndefined();
    expect(describeBestBy({ metric: 'valid_loss' })).toBe('validation loss');
  });

  it('BLEU on 500 sentences, or on the whole (smaller) validation set, ranks', () => {
    const stable = [
      info('100', 100, { validLoss: 5.1, bleu: 3, bleuSentences: 500 }),
      info('200', 200, { validLoss: 4.9, bleu: 2.5, bleuSentences: 500 }),
    ];
    const marked = stable.map((c) => ({ ...c }));
    markBest(marked, 'bleu');
    expect(marked.filter((c) => c.best).map((c) => c.id)).toEqual(['100']);
    expect(marked[0]?.bestBy).toEqual({ metric: 'bleu', sentences: 500 });
    expect(describeBestBy({ metric: 'bleu', sentences: 500 })).toBe('BLEU on 500 sentences');
    // 499 sentences is one short; the same 120 sentences as the whole validation set count.
    expect(hasStableBleu(info('1', 1, { bleu: 3, bleuSentences: 499 }))).toBe(false);
    expect(hasStableBleu(info('1', 1, { bleu: 3, bleuSentences: 120, bleuWholeSet: true }))).toBe(
      true,
    );
    // With the setting on validation loss, stable BLEU is not used.
    expect(bestCheckpoint(stable, 'valid_loss')?.id).toBe('200');
  });

  it('once BLEU is stable, checkpoints without stable BLEU are not candidates', () => {
    const mixed = [
      info('100', 100, { validLoss: 4, bleu: 9, bleuSentences: 100 }),
      info('200', 200, { validLoss: 5, bleu: 2, bleuSentences: 600 }),
      info('300', 300, { validLoss: 3 }),
    ];
    expect(rankingMetric(mixed, 'bleu')).toBe('bleu');
    expect(bestCheckpoint(mixed, 'bleu')?.id).toBe('200');
  });

  it('re-marking moves the star and its metric to exactly one checkpoint', () => {
    const list = sampled.map((c) => ({ ...c }));
    markBest(list, 'bleu');
    list.push(info('150', 150, { validLoss: 4, bleu: 1, bleuSentences: 200 }));
    markBest(list, 'bleu');
    expect(list.filter((c) => c.best).map((c) => c.id)).toEqual(['150']);
    expect(list.filter((c) => c.bestBy !== undefined).map((c) => c.id)).toEqual(['150']);
  });
});
