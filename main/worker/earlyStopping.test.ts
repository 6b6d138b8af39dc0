import { describe, expect, it } from 'vitest';
import { EarlyStopping, earlyStoppingReason } from './earlyStopping';

/** Feeds the values in order; returns shouldStop after each. */
function decisions(patience: number, values: number[]): boolean[] {
  const es = new EarlyStopping(patience);
  return values.map((v) => es.note(v));
}

describe('EarlyStopping', () => {
  it('stops after `patience` evaluations in a row without a new best', () => {
    // BLEU 10, 12 (best), 11, 11.5, 12 (equal: no improvement) -> third miss with patience 3.
    expect(decisions(3, [10, 12, 11, 11.5, 12])).toEqual([false, false, false, false, true]);
  });

  it('starts counting again at every new best', () => {
    // Validation losses 3.0, 2.8, 2.9, 2.7, 2.75, 2.71, 2.72 fed negated (higher is better):
    // misses after 2.8: one; new best 2.7 resets; then three misses.
    const losses = [3.0, 2.8, 2.9, 2.7, 2.75, 2.71, 2.72];
    expect(
      decisions(
        3,
        losses.map((l) => -l),
      ),
    ).toEqual([false, false, false, false, false, false, true]);
  });

  it('stays stopped once it has decided, even if a later value improves', () => {
    const es = new EarlyStopping(1);
    expect([es.note(5), es.note(4), es.note(9)]).toEqual([false, true, true]);
    expect(es.shouldStop).toBe(true);
  });

  it('never stops with patience 0', () => {
    expect(decisions(0, [5, 4, 3, 2, 1, 0])).toEqual([false, false, false, false, false, false]);
  });

  it('treats the first value as the first best, however low', () => {
    expect(decisions(1, [-1e9, -1e9])).toEqual([false, true]);
  });

  it('says which metric did not improve and for how long', () => {
    expect(earlyStoppingReason('bleu', 4)).toBe(
      'Early stopping: BLEU did not improve for 4 evaluations.',
    );
    expect(earlyStoppingReason('valid_loss', 2)).toBe(
      'Early stopping: validation loss did not improve for 2 evaluations.',
    );
  });
});
