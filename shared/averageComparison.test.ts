import { describe, expect, it } from 'vitest';
import { compareAverage, describeAverage } from './averageComparison';
import type { CheckpointInfo } from './types';

function ckpt(id: string, step: number, extra: Partial<CheckpointInfo> = {}): CheckpointInfo {
  return {
    id,
    runId: 'r',
    step,
    createdAt: '2026-01-01T00:00:00Z',
    bytes: 1,
    best: false,
    ...extra,
  };
}

const trained = [
  ckpt('10', 10, { validLoss: 3.3, bleu: 1.2 }),
  ckpt('20', 20, { validLoss: 3.12, bleu: 1.5 }),
];

describe('compareAverage', () => {
  it('sets the average against the best of the checkpoints it averages', () => {
    const avg = ckpt('avg-10-20', 20, { averagedFrom: [10, 20], validLoss: 3.052, bleu: 1.9 });
    const cmp = compareAverage(avg, [...trained, avg]);
    expect(cmp?.sources.map((s) => s.checkpoint?.id)).toEqual(['10', '20']);
    expect(cmp?.validLoss).toMatchObject({
      average: 3.052,
      best: 3.12,
      bestStep: 20,
      helped: true,
    });
    expect(cmp?.validLoss?.delta).toBeCloseTo(-0.068, 10);
    expect(cmp?.bleu).toMatchObject({ best: 1.5, bestStep: 20, helped: true });
    expect(cmp?.bleu?.delta).toBeCloseTo(0.4, 10);
  });

  it('takes trained checkpoints only, names deleted ones, and is undefined for a trained one', () => {
    // Another average ends at step 20 too; it is not one of the averaged checkpoints.
    const other = ckpt('avg-20', 20, { averagedFrom: [10, 20], validLoss: 1 });
    const avg = ckpt('avg-10-20-30', 30, { averagedFrom: [10, 20, 30], validLoss: 3.5 });
    const cmp = compareAverage(avg, [...trained, other, avg]);
    expect(cmp?.sources).toEqual([
      { step: 10, checkpoint: trained[0] },
      { step: 20, checkpoint: trained[1] },
      { step: 30 },
    ]);
    expect(cmp?.validLoss).toMatchObject({ best: 3.12, helped: false });
    expect(cmp?.bleu).toBeUndefined();
    expect(compareAverage(trained[0]!, trained)).toBeUndefined();
  });
});

describe('describeAverage', () => {
  it('says whether averaging helped, metric by metric', () => {
    const avg = ckpt('avg-10-20', 20, {
      averagedFrom: [10, 20],
      validLoss: 3.052,
      bleu: 1.4,
      bleuSentences: 20,
    });
    expect(describeAverage(avg, [...trained, avg])).toBe(
      "Validation loss 3.052, lower than the best averaged checkpoint's 3.120 (step 20): averaging helped. " +
        "BLEU on 20 sentences 1.40, lower than the best averaged checkpoint's 1.50 (step 20): averaging did not help.",
    );
  });

  it('calls equal what rounds to the same number', () => {
    const avg = ckpt('avg-10-20', 20, { averagedFrom: [10, 20], validLoss: 3.1201 });
    expect(describeAverage(avg, trained)).toBe(
      'Validation loss 3.120, the same as the best averaged checkpoint (step 20).',
    );
  });

  it('says when there is nothing to compare with, and why an average has no scores', () => {
    const bare = [ckpt('10', 10), ckpt('20', 20)];
    const avg = ckpt('avg-10-20', 20, { averagedFrom: [10, 20], validLoss: 2.5 });
    expect(describeAverage(avg, bare)).toBe(
      'Validation loss 2.500 (the averaged checkpoints have none to compare with).',
    );
    const note = 'avg-10-20 has no validation loss or BLEU: the dataset is gone.';
    expect(
      describeAverage(ckpt('avg-10-20', 20, { averagedFrom: [10, 20], scoreNote: note }), bare),
    ).toBe(note);
    expect(describeAverage(ckpt('avg-10-20', 20, { averagedFrom: [10, 20] }), bare)).toBe(
      'avg-10-20 has no validation loss or BLEU: it was made before averages were scored; delete it and average again to score it.',
    );
  });
});
