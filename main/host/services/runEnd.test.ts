import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../../shared/types';
import { describeRunEnd, runEndOf, tokensSeen, withTokensSeen } from './runEnd';

const step = (n: number, tokens?: number): MetricRecord => ({
  kind: 'train',
  step: n,
  time: 1000 * n,
  loss: 5,
  lr: 1e-3,
  gradNorm: 1,
  tokensPerSec: 100,
  ...(tokens !== undefined ? { tokens } : {}),
});
const valid: MetricRecord = { kind: 'valid', step: 2, time: 2500, loss: 4, perplexity: 54.6 };

describe('tokens seen', () => {
  it('sums the batch tokens of every step into the run end and its line', () => {
    const records = [step(1, 900), step(2, 1100), valid, step(3, 1000)];
    expect(tokensSeen(records)).toBe(3000);
    const end = runEndOf({ kind: 'finished', step: 3, reason: 'Trained 3 steps.' }, records);
    expect(end.tokensSeen).toBe(3000);
    expect(describeRunEnd(end)).toContain('3,000 target tokens seen.');
  });

  it('is absent for a log written before tokens were kept', () => {
    expect(tokensSeen([step(1), step(2)])).toBeUndefined();
    expect(runEndOf({ kind: 'stopped', step: 2, reason: 'x' }, [step(1)])).not.toHaveProperty(
      'tokensSeen',
    );
  });

  it('gives each training record the running total for the charts', () => {
    const out = withTokensSeen([step(1, 900), valid, step(2, 1100)]);
    expect(out.map((r) => (r.kind === 'train' ? r.tokensSeen : r.kind))).toEqual([
      900,
      'valid',
      2000,
    ]);
  });
});
