import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { MetricRecord } from '../../../shared/types';
import { MODEL_FILE } from '../../runFolder/checkpointFormat';
import { writeCheckpoint, checkpointDir } from '../../runFolder/checkpointStore';
import {
  fakeCheckpoint,
  TEST_MODEL,
  TEST_TOKENIZER_JSON,
  TEST_TRAIN,
} from '../../runFolder/checkpoint.fixture';
import { sha256 } from '../../runFolder/atomicFs';
import {
  MetricsWriter,
  metricsFile,
  parseMetrics,
  readMetrics,
  truncateMetricsAfter,
} from '../../runFolder/metricsLog';
import { describeRunEnd, runEndOf } from './runEnd';
import { RunsService } from './runs';

const SHA = sha256(TEST_TOKENIZER_JSON);
let home: string;
let runs: RunsService;

beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'runs-'));
  runs = new RunsService(home);
});
afterEach(async () => {
  await fsp.rm(home, { recursive: true, force: true });
});

const spec = {
  name: 'de → en tiny',
  datasetId: 'ds-1',
  preset: 'tiny' as const,
  model: TEST_MODEL,
  train: TEST_TRAIN,
};

function train(step: number): MetricRecord {
  return {
    kind: 'train',
    step,
    time: step,
    loss: 10 / step,
    lr: 0.001,
    gradNorm: 1,
    tokensPerSec: 1000,
  };
}

describe('RunsService', () => {
  it('creates, lists, gets, updates, renames and deletes runs', async () => {
    const a = await runs.create(spec);
    expect(a.id).toMatch(/^\d{8}-\d{6}-de-en-tiny-[0-9a-f]{4}$/);
    expect(a).toMatchObject({
      status: 'created',
      step: 0,
      history: [{ event: 'created', step: 0 }],
    });
    const b = await runs.create({ ...spec, name: 'second' });
    expect((await runs.list()).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(await fsp.readdir(runs.runsDir)).not.toContain(expect.stringMatching(/^\./));

    await runs.update(a.id, { status: 'failed', error: 'The worker ran out of memory.' });
    expect(await runs.get(a.id)).toMatchObject({
      status: 'failed',
      error: 'The worker ran out of memory.',
    });
    // Concurrent updates are serialised, none is lost.
    await Promise.all([runs.update(a.id, { status: 'running' }), runs.update(a.id, { step: 42 })]);
    const got = await runs.get(a.id);
    expect(got).toMatchObject({ status: 'running', step: 42 });
    expect(got.error).toBeUndefined();

    expect((await runs.rename(a.id, '  renamed ')).name).toBe('renamed');
    await expect(runs.delete(a.id)).rejects.toMatchObject({ code: ErrorCode.InUse });
    await runs.update(a.id, { status: 'stopped' });
    await runs.delete(a.id);
    await expect(runs.get(a.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect((await runs.list()).map((r) => r.id)).toEqual([b.id]);
    expect(await fsp.readdir(runs.runsDir)).toEqual([b.id]);
  });

  it('marks runs left "running" by a crash of the studio as failed, with a resumable message', async () => {
    const a = await runs.create(spec);
    await runs.update(a.id, { status: 'running' });
    expect(await runs.recoverInterrupted()).toEqual([a.id]);
    expect(await runs.get(a.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/resume it/),
    });
  });

  it('prepares a resume from the newest verified checkpoint, truncating metrics and logging overrides', async () => {
    const run = await runs.create(spec);
    const dir = runs.runDir(run.id);
    for (let s = 1; s <= 35; s++) await runs.appendMetrics(run.id, [train(s)]);
    await writeCheckpoint(dir, fakeCheckpoint(10, SHA));
    await writeCheckpoint(dir, fakeCheckpoint(20, SHA));
    await writeCheckpoint(dir, fakeCheckpoint(30, SHA));
    // 30 is corrupt (same size, wrong bytes): resume must fall back to 20.
    const f = path.join(checkpointDir(dir, 30), MODEL_FILE);
    const bytes = await fsp.readFile(f);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    await fsp.writeFile(f, bytes);
    // A killed writer's leftovers are cleared.
    await fsp.mkdir(path.join(dir, 'checkpoints', '.tmp-40-dead'));

    const plan = await runs.prepareResume(run.id, { lrFactor: 0.5, maxSteps: 1000 });
    expect(plan.checkpoint?.id).toBe('20');
    expect(plan.fromStep).toBe(20);
    expect(plan.rejected.map((r) => r.id)).toEqual(['30']);
    expect(plan.state?.position?.rngState).toEqual([20, 42, 7, 1]);
    expect(plan.train).toMatchObject({ lrFactor: 0.5, maxSteps: 1000 });
    expect(plan.changes).toEqual([
      { field: 'lrFactor', from: TEST_TRAIN.lrFactor, to: 0.5 },
      { field: 'maxSteps', from: TEST_TRAIN.maxSteps, to: 1000 },
    ]);
    expect(plan.droppedMetrics).toBe(15);
    expect((await readMetrics(dir)).records.map((r) => r.step)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const saved = await runs.get(run.id);
    expect(saved.train.lrFactor).toBe(0.5);
    expect(saved.step).toBe(20);
    expect(saved.history?.at(-1)).toMatchObject({
      event: 'resumed',
      step: 20,
      changes: plan.changes,
    });
    expect(await fsp.readdir(path.join(dir, 'checkpoints'))).not.toContain('.tmp-40-dead');

    await expect(runs.prepareResume(run.id, { seed: 3 } as never)).rejects.toThrow(
      /"seed" cannot be changed/,
    );
    await expect(runs.prepareResume(run.id, { maxSteps: 20 })).rejects.toThrow(/raise max steps/);
  });

  it('resumes from step 0 when no checkpoint was completed', async () => {
    const run = await runs.create(spec);
    await runs.appendMetrics(run.id, [train(1), train(2)]);
    const plan = await runs.prepareResume(run.id);
    expect(plan).toMatchObject({ checkpoint: null, fromStep: 0, droppedMetrics: 2, changes: [] });
    expect(plan.run.history?.at(-1)?.note).toMatch(/restarts from step 0/);
  });
});

describe('resume safety', () => {
  /** A run with checkpoints 10, 20, 30 and metrics for steps 1..35. */
  async function trainedRun(): Promise<{ id: string; dir: string }> {
    const run = await runs.create(spec);
    const dir = runs.runDir(run.id);
    for (let s = 1; s <= 35; s++) await runs.appendMetrics(run.id, [train(s)]);
    for (const s of [10, 20, 30]) {
      await writeCheckpoint(dir, fakeCheckpoint(s, SHA, undefined, { validLoss: 40 / s }));
    }
    return { id: run.id, dir };
  }

  /** Every file of the run folder with its bytes, for "nothing was written". */
  async function snapshot(dir: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const walk = async (d: string): Promise<void> => {
      for (const e of await fsp.readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else out.set(path.relative(dir, p), (await fsp.readFile(p)).toString('base64'));
      }
    };
    await walk(dir);
    return out;
  }

  async function truncate(dir: string, step: number): Promise<void> {
    const f = path.join(checkpointDir(dir, step), MODEL_FILE);
    await fsp.truncate(f, (await fsp.stat(f)).size - 5);
  }

  it('validates settings before writing: an out-of-range override leaves every file byte-identical', async () => {
    const { id, dir } = await trainedRun();
    await truncate(dir, 30);
    await fsp.mkdir(path.join(dir, 'checkpoints', '.tmp-40-dead'));
    const before = await snapshot(dir);
    const runJson = await fsp.readFile(path.join(dir, 'run.json'));
    await expect(runs.prepareResume(id, { lrFactor: 1000, maxSteps: 900 })).rejects.toMatchObject({
      code: ErrorCode.InvalidConfig,
      message: expect.stringMatching(
        /^learning-rate factor must be between .*; got 1000\. The run was not changed\.$/,
      ),
    });
    await expect(runs.prepareResume(id, { checkpointEvery: 0 })).rejects.toMatchObject({
      code: ErrorCode.InvalidConfig,
    });
    await expect(runs.prepareResume(id, { maxSteps: 20 })).rejects.toThrow(/raise max steps/);
    await expect(runs.prepareResume(id, { warmupSteps: 3 } as never)).rejects.toThrow(
      /"warmupSteps" cannot be changed on resume/,
    );
    expect(await fsp.readFile(path.join(dir, 'run.json'))).toEqual(runJson);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('resumes from the newest good checkpoint and sets the damaged newer one aside, named in history', async () => {
    const { id, dir } = await trainedRun();
    await truncate(dir, 30);
    const plan = await runs.prepareResume(id);
    expect(plan.checkpoint?.id).toBe('20');
    expect(plan.rejected).toEqual([
      {
        id: '30',
        reason: expect.stringMatching(/^model\.safetensors has \d+ bytes, \d+ recorded$/),
        movedTo: expect.stringMatching(/^checkpoints\/\.damaged\/30-\d{8}T\d{9}Z$/),
        setAsideAt: expect.any(String),
      },
    ]);
    expect(await fsp.readdir(path.join(dir, plan.rejected[0]!.movedTo))).toEqual(
      expect.arrayContaining([MODEL_FILE, 'optimizer.safetensors', 'state.json', 'damage.json']),
    );
    expect((await runs.checkpoints(id)).map((c) => c.id)).toEqual(['10', '20']);
    expect(plan.run.history?.at(-1)?.note).toBe(
      `Rejected damaged checkpoint 30 (${plan.rejected[0]!.reason}); set aside (30 to ${plan.rejected[0]!.movedTo}).`,
    );
  });

  it('refuses to start over from step 0 when every checkpoint is damaged, unless from scratch', async () => {
    const { id, dir } = await trainedRun();
    for (const s of [10, 20, 30]) await truncate(dir, s);
    const before = await snapshot(dir);
    const refused = runs.prepareResume(id, { maxSteps: 900 });
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.CheckpointInvalid });
    await expect(refused).rejects.toThrow(
      /would start over from step 0\. Rejected as damaged: 30 \(model\.safetensors has \d+ bytes, \d+ recorded\); 20 \(.*\); 10 \(.*\)\. Nothing was changed; start it from scratch/,
    );
    expect(await snapshot(dir)).toEqual(before);

    const plan = await runs.prepareResume(id, { maxSteps: 900 }, { fromScratch: true });
    expect(plan).toMatchObject({ checkpoint: null, fromStep: 0, droppedMetrics: 35 });
    expect(plan.rejected.map((r) => r.id)).toEqual(['30', '20', '10']);
    expect(await fsp.readdir(path.join(dir, 'checkpoints'))).toEqual(['.damaged']);
    expect((await fsp.readdir(path.join(dir, 'checkpoints', '.damaged'))).sort()).toEqual(
      plan.rejected.map((r) => path.basename(r.movedTo)).sort(),
    );
    expect(plan.run.history?.at(-1)?.note).toMatch(
      /^Rejected damaged checkpoints 30 .*; 20 .*; 10 .*; set aside \(30 to checkpoints\/\.damaged\/30-.*\)\. No complete checkpoint: training restarts from step 0\.$/,
    );
  });

  it('refuses a run whose only checkpoint holds weights only, unless from scratch', async () => {
    const run = await runs.create(spec);
    const input = fakeCheckpoint(10, SHA);
    const { position: _drop, ...state } = input.state;
    await writeCheckpoint(runs.runDir(run.id), { weights: input.weights, optimizer: [], state });
    await expect(runs.prepareResume(run.id)).rejects.toThrow(
      /10 holds no optimiser state \(weights only\)/,
    );
    expect((await runs.prepareResume(run.id, {}, { fromScratch: true })).fromStep).toBe(0);
  });

  it('resolves best and last to checkpoint ids, and leaves a step or id as it is', async () => {
    const { id } = await trainedRun();
    await writeCheckpoint(runs.runDir(id), {
      ...fakeCheckpoint(30, SHA),
      id: 'avg-20-30',
      optimizer: [],
      state: { ...fakeCheckpoint(30, SHA).state, averagedFrom: [20, 30] },
    });
    // validLoss 40 / step: 30 is best (lowest); the average sorts after 30 and is last.
    expect(await runs.resolveCheckpoint(id, 'best')).toEqual({ id: '30' });
    expect(await runs.resolveCheckpoint(id, 'last')).toEqual({ id: 'avg-20-30' });
    expect(await runs.resolveCheckpoint(id, 20)).toEqual({ id: '20' });
    expect(await runs.resolveCheckpoint(id, '999')).toEqual({ id: '999' });
    await expect(runs.resolveCheckpoint(id, '../x')).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    const empty = await runs.create(spec);
    await expect(runs.resolveCheckpoint(empty.id, 'best')).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });
});

describe('metrics.jsonl', () => {
  it('skips a torn last line and reports a bad middle line by number', () => {
    const good = JSON.stringify(train(1));
    expect(parseMetrics(`${good}\n${good}\n{"kind":"tr`, 'm.jsonl')).toEqual({
      records: [train(1), train(1)],
      skippedLastLine: 3,
    });
    expect(parseMetrics(`${good}\n`, 'm.jsonl')).toEqual({ records: [train(1)] });
    expect(parseMetrics('', 'm.jsonl')).toEqual({ records: [] });
    expect(() => parseMetrics(`${good}\n{oops\n${good}\n`, '/r/metrics.jsonl')).toThrow(
      /Line 2 of \/r\/metrics\.jsonl is not a metric record/,
    );
  });

  it('cuts a torn tail before appending, so it never ends up mid-file', async () => {
    const dir = path.join(home, 'r');
    await fsp.mkdir(dir);
    const w = await MetricsWriter.open(dir);
    await w.append([train(1), train(2)]);
    await w.sync();
    await w.close();
    await fsp.appendFile(metricsFile(dir), '{"kind":"train","st');
    expect((await readMetrics(dir)).skippedLastLine).toBe(3);
    const w2 = await MetricsWriter.open(dir);
    expect(w2.repairedBytes).toBe(19);
    await w2.append([train(3)]);
    await w2.close();
    expect(await readMetrics(dir)).toEqual({ records: [train(1), train(2), train(3)] });
  });

  it('truncateMetricsAfter drops later steps and the torn tail atomically', async () => {
    const dir = path.join(home, 'r');
    await fsp.mkdir(dir);
    const lines = [1, 2, 3, 4].map((s) => JSON.stringify(train(s))).join('\n');
    await fsp.writeFile(metricsFile(dir), `${lines}\n{"kind":`);
    expect(await truncateMetricsAfter(dir, 2)).toBe(2);
    expect(await fsp.readFile(metricsFile(dir), 'utf8')).toBe(
      `${JSON.stringify(train(1))}\n${JSON.stringify(train(2))}\n`,
    );
    expect(await truncateMetricsAfter(dir, 2)).toBe(0);
    expect(await fsp.readdir(dir)).toEqual(['metrics.jsonl']);
  });
});

describe('how a run ended (issue 14)', () => {
  const records: MetricRecord[] = [
    train(50),
    { kind: 'valid', step: 50, time: 50, loss: 5.96, perplexity: 388 },
    { kind: 'bleu', step: 50, time: 51, bleu: 0.19, chrf: 10, samples: 200 },
    { kind: 'valid', step: 100, time: 100, loss: 5.1, perplexity: 164 },
    { kind: 'bleu', step: 100, time: 101, bleu: 0.12, chrf: 12, samples: 200 },
    { kind: 'valid', step: 112, time: 112, loss: 5.3, perplexity: 200 },
  ];
  const earlyStop = 'Early stopping: validation loss did not improve for 1 evaluations.';

  it('takes the lowest validation loss and the highest BLEU with their steps', () => {
    const end = runEndOf(
      { kind: 'early_stopped', step: 112, reason: earlyStop, elapsedSeconds: 42 },
      records,
      new Date('2026-12-01T21:00:00Z'),
    );
    expect(end).toEqual({
      kind: 'early_stopped',
      reason: earlyStop,
      step: 112,
      time: '2026-12-01T21:00:00.000Z',
      elapsedSeconds: 42,
      bestValidLoss: { value: 5.1, step: 100 },
      bestBleu: { value: 0.19, step: 50, sentences: 200 },
    });
    expect(describeRunEnd(end)).toBe(
      `Stopped early at step 112: ${earlyStop} Trained 42 s. Best validation loss 5.100 (step 100). Best BLEU 0.19 on 200 sentences (step 50).`,
    );
    expect(
      runEndOf({ kind: 'finished', step: 0, reason: 'Trained 0 steps.' }, []),
    ).not.toHaveProperty('bestValidLoss');
  });

  it('is stored in run.json with the status and cleared when the run trains again', async () => {
    const run = await runs.create(spec);
    const end = runEndOf({ kind: 'early_stopped', step: 112, reason: earlyStop }, records);
    await runs.update(run.id, { status: 'stopped', step: 112, end });
    const stored = JSON.parse(
      await fsp.readFile(path.join(runs.runDir(run.id), 'run.json'), 'utf8'),
    ) as { status: string; end: unknown };
    expect(stored.status).toBe('stopped');
    expect(stored.end).toEqual(end);
    expect((await runs.get(run.id)).end?.kind).toBe('early_stopped');
    await runs.update(run.id, { status: 'running' });
    expect(await runs.get(run.id)).not.toHaveProperty('end');
    const failed = runEndOf(
      { kind: 'failed', step: 3, reason: 'The worker ran out of memory.' },
      [],
    );
    await runs.update(run.id, { status: 'failed', error: failed.reason, end: failed });
    expect(await runs.get(run.id)).toMatchObject({
      status: 'failed',
      error: 'The worker ran out of memory.',
      end: { kind: 'failed', reason: 'The worker ran out of memory.', step: 3 },
    });
  });
});
