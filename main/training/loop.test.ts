import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/types';
import { Rng } from '../model/random';
import { useTestBackend } from '../testing/tfBackend';
import { tinyTestConfig } from '../model/testUtil';
import type { TokenizedPair } from './batching';
import type { StepProgress, ValidProgress } from './loop';
import { runTraining } from './loop';
import { Trainer } from './trainer';

beforeAll(useTestBackend);

function pairs(n: number, seed: number): TokenizedPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const seq = Array.from({ length: 2 + rng.int(4) }, () => 4 + rng.int(16));
    return { src: seq, tgt: seq };
  });
}

describe('runTraining', () => {
  it('reports every step and validation through callbacks, to maxSteps', async () => {
    const trainer = new Trainer(
      tinyTestConfig(),
      { ...PRESETS.tiny.train, batchTokens: 40, maxSteps: 5, validEvery: 2 },
      pairs(30, 1),
    );
    const steps: StepProgress[] = [];
    const valids: ValidProgress[] = [];
    const result = await runTraining(
      trainer,
      { validPairs: pairs(8, 2) },
      {
        onStep: (p) => void steps.push(p),
        onValid: (v) => void valids.push(v),
      },
    );
    expect(result).toEqual({ step: 5, stopped: false });
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(valids.map((v) => v.step)).toEqual([2, 4, 5]);
    const last = steps[4] as StepProgress;
    expect(last.totalSteps).toBe(5);
    expect(last.etaSec).toBe(0);
    expect(last.tokensPerSec).toBeGreaterThan(0);
    expect(steps.every((s) => Number.isFinite(s.loss) && s.lr > 0)).toBe(true);
    trainer.dispose();
  });

  it('stops between steps when asked, and waits while paused', async () => {
    const trainer = new Trainer(
      tinyTestConfig(),
      { ...PRESETS.tiny.train, batchTokens: 40, maxSteps: 50 },
      pairs(30, 1),
    );
    let paused = true;
    let waits = 0;
    let resume: () => void = () => {};
    const stepsSeen: number[] = [];
    const done = runTraining(
      trainer,
      {},
      {
        waitIfPaused: () => {
          waits += 1;
          return paused ? new Promise<void>((r) => (resume = r)) : Promise.resolve();
        },
        shouldStop: () => stepsSeen.length >= 3,
        onStep: (p) => void stepsSeen.push(p.step),
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(stepsSeen).toEqual([]); // paused before the first step
    paused = false;
    resume();
    const result = await done;
    expect(result).toEqual({ step: 3, stopped: true });
    expect(waits).toBe(4);
    trainer.dispose();
  });
});
