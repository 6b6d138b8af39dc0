import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { listCheckpoints, readCheckpoint, writeCheckpoint } from '../../runFolder/checkpointStore';
import {
  fakeCheckpoint,
  TEST_MODEL,
  TEST_TOKENIZER_JSON,
  TEST_TRAIN,
} from '../../runFolder/checkpoint.fixture';
import { sha256 } from '../../runFolder/atomicFs';
import { averageCheckpoints } from '../../runFolder/averaging';
import { applyRetention } from '../../runFolder/retention';
import { exportCheckpoint, importCheckpoint, readExport } from './checkpoints';
import { RunsService, RUN_TOKENIZER_FILE } from './runs';

const SHA = sha256(TEST_TOKENIZER_JSON);
let home: string;
let runs: RunsService;

beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'ckpts-'));
  runs = new RunsService(home);
  await fsp.mkdir(path.join(home, 'datasets', 'ds-1'), { recursive: true });
  await fsp.writeFile(path.join(home, 'datasets', 'ds-1', 'tokenizer.json'), TEST_TOKENIZER_JSON);
});
afterEach(async () => {
  await fsp.rm(home, { recursive: true, force: true });
});

async function newRun(): Promise<{ id: string; dir: string }> {
  const run = await runs.create({
    name: 'r',
    datasetId: 'ds-1',
    preset: 'tiny',
    model: TEST_MODEL,
    train: TEST_TRAIN,
  });
  return { id: run.id, dir: runs.runDir(run.id) };
}

describe('retention', () => {
  it('keeps the last N and the best, by BLEU or by validation loss', async () => {
    const { dir } = await newRun();
    const results: [number, number, number][] = [
      [100, 4.0, 5],
      [200, 3.0, 20], // best BLEU
      [300, 2.0, 15], // best loss
      [400, 2.5, 10],
      [500, 2.6, 11],
      [600, 2.7, 12],
    ];
    for (const [step, validLoss, bleu] of results) {
      await writeCheckpoint(dir, fakeCheckpoint(step, SHA, undefined, { validLoss, bleu }));
    }
    expect(await applyRetention(dir, { keepLast: 2, metric: 'bleu' })).toEqual([
      '100',
      '300',
      '400',
    ]);
    expect((await listCheckpoints(dir)).map((c) => c.id)).toEqual(['200', '500', '600']);
    // Of 200 (loss 3.0), 500 (2.6), 600 (2.7): 500 is best by loss, 600 the last.
    expect(await applyRetention(dir, { keepLast: 1, metric: 'valid_loss' })).toEqual(['200']);
    expect((await listCheckpoints(dir)).map((c) => c.id)).toEqual(['500', '600']);
    expect((await fsp.readdir(path.join(dir, 'checkpoints'))).sort()).toEqual(['500', '600']);
  });
});

describe('averaging', () => {
  it('averaging two known checkpoints gives their element-wise mean', async () => {
    const { dir } = await newRun();
    const a = fakeCheckpoint(100, SHA);
    const b = fakeCheckpoint(200, SHA);
    await writeCheckpoint(dir, a);
    await writeCheckpoint(dir, b);
    const info = await averageCheckpoints(dir, { last: 2 });
    expect(info).toMatchObject({ id: 'avg-100-200', step: 200, averagedFrom: [100, 200] });
    const avg = await readCheckpoint(dir, info.id);
    expect(avg.state.resumable).toBe(false);
    expect(avg.weights.map((t) => t.name)).toEqual(a.weights.map((t) => t.name));
    for (const [i, t] of avg.weights.entries()) {
      const x = a.weights[i]!.data;
      const y = b.weights[i]!.data;
      expect(t.shape).toEqual(a.weights[i]!.shape);
      // (x + y) / 2 rounded to float32: exactly what Math.fround gives.
      expect(Array.from(t.data)).toEqual(Array.from(x, (v, j) => Math.fround((v + y[j]!) / 2)));
    }
    // Listed with the trained ones, never mistaken for step 200 itself.
    expect((await listCheckpoints(dir)).map((c) => c.id)).toEqual(['100', '200', 'avg-100-200']);
    await expect(averageCheckpoints(dir, { refs: [100, 200] })).rejects.toMatchObject({
      code: ErrorCode.AlreadyExists,
    });
  });

  it('averages chosen checkpoints and refuses unknown or mismatched ones', async () => {
    const { dir } = await newRun();
    for (const s of [100, 200, 300]) await writeCheckpoint(dir, fakeCheckpoint(s, SHA));
    const info = await averageCheckpoints(dir, { refs: [100, 300] });
    expect(info.id).toBe('avg-100-300');
    const avg = await readCheckpoint(dir, info.id);
    const first = fakeCheckpoint(100, SHA).weights[0]!.data;
    const third = fakeCheckpoint(300, SHA).weights[0]!.data;
    expect(avg.weights[0]!.data[5]).toBe(Math.fround((first[5]! + third[5]!) / 2));
    await expect(averageCheckpoints(dir, { refs: [100, 999] })).rejects.toThrow(
      /999 is not a trained checkpoint/,
    );
    await writeCheckpoint(dir, fakeCheckpoint(400, SHA, { other: [2, 2] }));
    await expect(averageCheckpoints(dir, { refs: [300, 400] })).rejects.toThrow(
      /do(es)? not match|different/,
    );
  });
});

describe('export and import', () => {
  it('export -> import gives identical weights, configs and tokenizer in a new run', async () => {
    const { id, dir } = await newRun();
    const input = fakeCheckpoint(300, SHA, undefined, { validLoss: 1.5, bleu: 22 });
    await writeCheckpoint(dir, input);
    const out = path.join(home, 'exports', 'model.tstudio');
    const run = await runs.get(id);
    const { bytes } = await exportCheckpoint(home, run, 300, out);
    expect((await fsp.stat(out)).size).toBe(bytes);
    expect((await fsp.readdir(path.dirname(out))).length).toBe(1);

    const ex = await readExport(out);
    expect(ex.optimizer).toEqual([]);
    expect(ex.position).toBeUndefined();

    const imported = await importCheckpoint(runs, out, { name: 'copy' });
    expect(imported).toMatchObject({
      name: 'copy',
      datasetId: 'ds-1',
      model: TEST_MODEL,
      train: TEST_TRAIN,
      status: 'stopped',
      step: 300,
      history: [{ event: 'imported', step: 300 }],
    });
    expect(imported.id).not.toBe(id);
    const newDir = runs.runDir(imported.id);
    expect(await fsp.readFile(path.join(newDir, RUN_TOKENIZER_FILE), 'utf8')).toBe(
      TEST_TOKENIZER_JSON,
    );
    const [info] = await listCheckpoints(newDir);
    expect(info).toMatchObject({ id: '300', runId: imported.id, validLoss: 1.5, bleu: 22 });
    const back = await readCheckpoint(newDir, 300);
    expect(back.weights).toEqual(input.weights);
    expect(back.state).toMatchObject({
      model: TEST_MODEL,
      train: TEST_TRAIN,
      tokenizer: input.state.tokenizer,
    });
    expect(back.state.resumable).toBe(false);
    expect((await runs.list()).length).toBe(2);

    // The imported run exports again (its own tokenizer copy is used).
    await exportCheckpoint(home, imported, 300, path.join(home, 'exports', 'again.tstudio'));
  });

  it('with the optimiser state, the imported run can be resumed', async () => {
    const { id, dir } = await newRun();
    const input = fakeCheckpoint(300, SHA);
    await writeCheckpoint(dir, input);
    const out = path.join(home, 'full.tstudio');
    await exportCheckpoint(home, await runs.get(id), 300, out, { withOptimizer: true });
    const imported = await importCheckpoint(runs, out);
    const plan = await runs.prepareResume(imported.id);
    expect(plan.checkpoint?.id).toBe('300');
    const back = await readCheckpoint(plan.runDir, 300);
    expect(back.optimizer).toEqual(input.optimizer);
    expect(back.state.position).toEqual(input.state.position);
  });

  it('refuses a tokenizer that changed since training, and files that are not exports', async () => {
    const { id, dir } = await newRun();
    await writeCheckpoint(dir, fakeCheckpoint(100, SHA));
    await fsp.writeFile(path.join(home, 'datasets', 'ds-1', 'tokenizer.json'), '{}');
    await expect(
      exportCheckpoint(home, await runs.get(id), 100, path.join(home, 'x.tstudio')),
    ).rejects.toThrow(/is not the tokenizer checkpoint 100 was trained with/);
    const plain = path.join(dir, 'checkpoints', '100', 'model.safetensors');
    await expect(importCheckpoint(runs, plain)).rejects.toThrow(/not a Transformer Studio export/);
    expect((await runs.list()).length).toBe(1);
  });
});
