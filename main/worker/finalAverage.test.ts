import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NamedTensor } from '../../shared/namedTensor';
import { fakeCheckpoint } from '../runFolder/checkpoint.fixture';
import { listCheckpoints, writeCheckpoint } from '../runFolder/checkpointStore';
import { averageAndEvaluate } from './finalAverage';

let runDir: string;
beforeEach(async () => {
  runDir = path.join(await mkdtemp(path.join(tmpdir(), 'final-average-')), 'run-1');
});
afterEach(async () => {
  await rm(path.dirname(runDir), { recursive: true, force: true });
});

/** A model that holds whatever weights are loaded, and an evaluator that scores them. */
function fakes(trained: NamedTensor[]) {
  let weights = trained;
  const model = {
    exportWeights: () => weights,
    loadWeights: (w: readonly NamedTensor[]) => void (weights = [...w]),
  };
  // The "validation loss" is the first number of the first tensor: it shows what was scored.
  const evaluator = {
    score: async () => ({ validLoss: weights[0]!.data[0]!, bleu: 12.5, bleuSentences: 20 }),
  };
  return { trainer: { model } as never, evaluator, current: () => weights };
}

describe('averageAndEvaluate', () => {
  it('averages the newest checkpoints, scores the average and records its scores', async () => {
    const inputs = [100, 200, 300].map((s) => fakeCheckpoint(s, 'sha'));
    for (const c of inputs) await writeCheckpoint(runDir, c);
    const trained = inputs[2]!.weights;
    const f = fakes([...trained]);

    const info = await averageAndEvaluate(runDir, f.trainer, f.evaluator);

    const mean =
      (inputs[0]!.weights[0]!.data[0]! +
        inputs[1]!.weights[0]!.data[0]! +
        inputs[2]!.weights[0]!.data[0]!) /
      3;
    expect(info?.id).toBe('avg-100-200-300');
    expect(info?.averagedFrom).toEqual([100, 200, 300]);
    expect(info?.validLoss).toBeCloseTo(mean, 6);
    expect(info?.bleu).toBe(12.5);
    // Recorded in state.json: the listing (what the UI and `checkpoints list` show) has them.
    const listed = (await listCheckpoints(runDir)).find((c) => c.id === 'avg-100-200-300');
    expect(listed?.validLoss).toBeCloseTo(mean, 6);
    expect(listed?.bleu).toBe(12.5);
    // The trained weights are back in the model afterwards.
    expect(f.current()).toEqual(trained);
    // A second call (a resumed run that had already finished) does not fail.
    expect(await averageAndEvaluate(runDir, f.trainer, f.evaluator)).toBeUndefined();
  });

  it('averages at most the last 5', async () => {
    for (const s of [1, 2, 3, 4, 5, 6, 7]) await writeCheckpoint(runDir, fakeCheckpoint(s, 'sha'));
    const f = fakes(fakeCheckpoint(7, 'sha').weights);
    const info = await averageAndEvaluate(runDir, f.trainer, f.evaluator);
    expect(info?.averagedFrom).toEqual([3, 4, 5, 6, 7]);
  });

  it('does nothing with fewer than two checkpoints', async () => {
    await writeCheckpoint(runDir, fakeCheckpoint(100, 'sha'));
    const f = fakes(fakeCheckpoint(100, 'sha').weights);
    expect(await averageAndEvaluate(runDir, f.trainer, f.evaluator)).toBeUndefined();
    expect((await listCheckpoints(runDir)).map((c) => c.id)).toEqual(['100']);
  });
});
