import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../../shared/types';
import { estimateStepTime, flopsPerStep, intervalWarnings } from './runEstimates';

describe('estimateStepTime', () => {
  it('uses the assumed throughput when no run was measured, and says so', () => {
    // 1 M parameters x 1,000 tokens x 6 = 6 GFLOP; at 4 GFLOP/s that is 1.5 s a step.
    const e = estimateStepTime(1_000_000, { batchTokens: 1000, maxSteps: 400, minutes: 0 }, 'wasm');
    expect(flopsPerStep(1_000_000, 1000)).toBe(6e9);
    expect(e.secondsPerStep).toBeCloseTo(1.5, 10);
    expect(e.totalSeconds).toBeCloseTo(600, 10);
    expect(e.measured).toBe(false);
    expect(e.source).toMatch(/assumed 4 GFLOP\/s for wasm/);
  });

  it('scales a measured run by FLOPs: twice the parameters, twice the time per token', () => {
    const measured = { name: 'first', params: 500_000, tokensPerSec: 2000 };
    const e = estimateStepTime(
      1_000_000,
      { batchTokens: 1000, maxSteps: 10, minutes: 0 },
      'wasm',
      measured,
    );
    // The measured run does 2,000 tokens/s at half the size: 1,000 tokens/s here, 1 s a step.
    expect(e.secondsPerStep).toBeCloseTo(1, 10);
    expect(e.totalSeconds).toBeCloseTo(10, 10);
    expect(e.source).toMatch(/from run “first”, measured at 2,000 tokens\/s on wasm/);
  });

  it('takes a time budget as the total', () => {
    const e = estimateStepTime(1_000_000, { batchTokens: 1000, maxSteps: 400, minutes: 40 }, 'cpu');
    expect(e.totalSeconds).toBe(2400);
  });
});

describe('intervalWarnings', () => {
  it('is silent for the presets', () => {
    for (const p of ['tiny', 'small', 'base'] as const)
      expect(intervalWarnings(PRESETS[p].train)).toEqual([]);
  });

  it('names each interval the run never reaches', () => {
    const w = intervalWarnings({
      ...PRESETS.tiny.train,
      maxSteps: 40,
      validEvery: 50,
      bleuEvery: 200,
      checkpointEvery: 100,
    });
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/^Validation every 50 steps, but the run has 40:/);
    expect(w[1]).toMatch(/^BLEU every 200 steps/);
    expect(w[2]).toMatch(/^A checkpoint every 100 steps/);
    expect(intervalWarnings({ ...PRESETS.tiny.train, maxSteps: 40, minutes: 5 })).toEqual([]);
  });
});
