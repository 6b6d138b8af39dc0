import { describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '../../shared/types';
import { bestCheckpoint, markBest, selectCheckpoint } from './checkpointSelection';

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
