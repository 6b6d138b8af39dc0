/** Which checkpoint an Inside request names: best (else the newest), last, or an id. */
import { describe, expect, it } from 'vitest';
import type { CheckpointInfo, RunInfo } from '../../../shared/types';
import { chooseCheckpoint } from './inside';

const run = { name: 'tiny', train: { checkpointEvery: 100 } } as RunInfo;
const ckpt = (id: string, best = false): CheckpointInfo =>
  ({ id, runId: 'r', step: Number(id), createdAt: '', bytes: 1, best }) as CheckpointInfo;

describe('chooseCheckpoint', () => {
  it('resolves best, last and ids', () => {
    const list = [ckpt('100'), ckpt('200', true), ckpt('300')];
    expect(chooseCheckpoint(run, list, 'best').id).toBe('200');
    expect(chooseCheckpoint(run, list, 'last').id).toBe('300');
    expect(chooseCheckpoint(run, list, '100').id).toBe('100');
    expect(chooseCheckpoint(run, [ckpt('100'), ckpt('200')], 'best').id).toBe('200');
  });

  it('says what the run has when the checkpoint is missing', () => {
    expect(() => chooseCheckpoint(run, [ckpt('100')], '500')).toThrow(
      'Run "tiny" has no checkpoint 500; it has 100.',
    );
    expect(() => chooseCheckpoint(run, [], 'best')).toThrow(/no checkpoint yet.*every 100 steps/);
  });
});
