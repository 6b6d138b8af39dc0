import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NamedTensor } from '../../shared/namedTensor';
import { PRESETS } from '../../shared/types';
import { tinyTestConfig } from '../model/testUtil';
import { listCheckpoints, readCheckpoint } from '../runFolder/checkpointStore';
import type { TrainerSnapshot } from '../training/trainer';
import {
  checkpointContents,
  CheckpointPolicy,
  type CheckpointPolicyOptions,
} from './checkpointPolicy';

const MODEL = tinyTestConfig();
const TOKENIZER = { datasetId: 'ds-1', sha256: 'ab'.repeat(32) };

function tensor(name: string, values: number[]): NamedTensor {
  return { name, dtype: 'float32', shape: [values.length], data: Float32Array.from(values) };
}

/** A trainer snapshot at optimiser step `step`, epoch 2, batch 7, seeds 11 (data) and 12 (dropout). */
function snapshot(step: number): TrainerSnapshot {
  return {
    tensors: [
      tensor('encoder.layers.0.ffn.b_1', [step, 1]),
      tensor('optimizer.m.encoder.layers.0.ffn.b_1', [0.1, 0.2]),
      tensor('embedding.shared', [3, 4, 5]),
      tensor('optimizer.v.encoder.layers.0.ffn.b_1', [0.3, 0.4]),
    ],
    state: {
      version: 1,
      step,
      data: { epoch: 2, index: 7, seed: 11 } as TrainerSnapshot['state']['data'],
      dropoutSeed: 12,
      model: MODEL,
      train: PRESETS.tiny.train,
    },
  };
}

describe('checkpointContents', () => {
  it('splits weights from Adam moments and records the exact training position', () => {
    const snap = snapshot(40);
    const c = checkpointContents(snap, 40, 'run-1', TOKENIZER, { validLoss: 2.5 });
    expect(c.weights.map((t) => t.name)).toEqual(['encoder.layers.0.ffn.b_1', 'embedding.shared']);
    expect(c.optimizer.map((t) => t.name)).toEqual([
      'optimizer.m.encoder.layers.0.ffn.b_1',
      'optimizer.v.encoder.layers.0.ffn.b_1',
    ]);
    expect(c.runId).toBe('run-1');
    expect(c.state).toEqual({
      step: 40,
      position: {
        optimizerStep: 40,
        scheduleStep: 40,
        epoch: 2,
        batchInEpoch: 7,
        rngState: [11, 12],
        extra: { trainer: snap.state },
      },
      model: MODEL,
      train: PRESETS.tiny.train,
      tokenizer: TOKENIZER,
      validLoss: 2.5,
    });
  });

  it('records only the scores taken at this step', () => {
    const none = checkpointContents(snapshot(5), 5, 'r', TOKENIZER, {});
    expect('validLoss' in none.state || 'bleu' in none.state).toBe(false);
    const both = checkpointContents(snapshot(5), 5, 'r', TOKENIZER, { validLoss: 1, bleu: 30 });
    expect([both.state.validLoss, both.state.bleu]).toEqual([1, 30]);
  });
});

describe('CheckpointPolicy', () => {
  let runDir: string;
  beforeEach(async () => {
    runDir = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'ckpolicy-')), 'run-1');
    await fsp.mkdir(runDir);
  });
  afterEach(async () => {
    await fsp.rm(path.dirname(runDir), { recursive: true, force: true });
  });

  function policy(overrides: Partial<CheckpointPolicyOptions> = {}): CheckpointPolicy {
    return new CheckpointPolicy({
      runDir,
      runId: 'run-1',
      train: { checkpointEvery: 50, keepLast: 2, earlyStoppingMetric: 'valid_loss' },
      tokenizer: TOKENIZER,
      lastCheckpointStep: -1,
      ...overrides,
    });
  }

  it('is due every checkpointEvery steps', () => {
    const p = policy();
    expect([1, 49, 50, 51, 100, 150].map((s) => p.isDue(s))).toEqual([
      false,
      false,
      true,
      false,
      true,
      true,
    ]);
  });

  it('needs a final checkpoint unless the last step has one or nothing was trained', async () => {
    expect(policy().needsFinal(0)).toBe(false);
    expect(policy().needsFinal(37)).toBe(true);
    // A resumed run that trained no further already has its checkpoint.
    expect(policy({ lastCheckpointStep: 37 }).needsFinal(37)).toBe(false);
    const p = policy();
    await p.write(37, { exportState: () => snapshot(37) }, { sync: async () => undefined }, {});
    expect(p.needsFinal(37)).toBe(false);
  });

  it('syncs the metrics log before writing, and keeps the last keepLast plus the best', async () => {
    const p = policy();
    const events: string[] = [];
    const metrics = {
      sync: async () => {
        events.push(`sync, ${(await listCheckpoints(runDir)).length} on disk`);
      },
    };
    const losses: Record<number, number> = { 50: 1.0, 100: 2.0, 150: 3.0, 200: 4.0 };
    for (const step of [50, 100, 150, 200]) {
      const info = await p.write(step, { exportState: () => snapshot(step) }, metrics, {
        validLoss: losses[step],
      });
      expect(info).toMatchObject({ id: String(step), step, validLoss: losses[step] });
    }
    expect(events).toEqual([
      'sync, 0 on disk',
      'sync, 1 on disk',
      'sync, 2 on disk',
      'sync, 3 on disk',
    ]);
    // Last two (150, 200) plus the best by validation loss (50).
    expect((await listCheckpoints(runDir)).map((c) => c.id)).toEqual(['50', '150', '200']);
    const back = await readCheckpoint(runDir, 200);
    expect(back.weights.map((t) => t.name)).toEqual([
      'encoder.layers.0.ffn.b_1',
      'embedding.shared',
    ]);
    expect(back.state.position?.extra?.trainer).toEqual(snapshot(200).state);
  });
});
