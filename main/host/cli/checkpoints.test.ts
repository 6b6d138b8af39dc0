import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../runFolder/atomicFs';
import { RunsService } from '../services/runs';
import { readCheckpoint, writeCheckpoint } from '../../runFolder/checkpointStore';
import {
  fakeCheckpoint,
  TEST_MODEL,
  TEST_TOKENIZER_JSON,
  TEST_TRAIN,
} from '../../runFolder/checkpoint.fixture';
import { readExport } from '../services/checkpoints';
import { runCheckpointsCommand } from './checkpoints';

let home: string;
let out: string[];

beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-ckpt-'));
  await fsp.mkdir(path.join(home, 'datasets', 'ds-1'), { recursive: true });
  await fsp.writeFile(path.join(home, 'datasets', 'ds-1', 'tokenizer.json'), TEST_TOKENIZER_JSON);
  out = [];
  vi.spyOn(console, 'log').mockImplementation(
    (...args: unknown[]) => void out.push(args.join(' ')),
  );
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fsp.rm(home, { recursive: true, force: true });
});

describe('npm run checkpoints', () => {
  it('lists, averages, exports and imports', async () => {
    const runs = new RunsService(home);
    const run = await runs.create({
      name: 'cli',
      datasetId: 'ds-1',
      preset: 'tiny',
      model: TEST_MODEL,
      train: TEST_TRAIN,
    });
    const dir = runs.runDir(run.id);
    const sha = sha256(TEST_TOKENIZER_JSON);
    for (const s of [100, 200, 300]) {
      await writeCheckpoint(dir, fakeCheckpoint(s, sha, undefined, { validLoss: 4 - s / 100 }));
    }

    expect(await runCheckpointsCommand(['list', dir])).toBe(0);
    expect(out.join('\n')).toMatch(/3 checkpoint\(s\)[\s\S]*300\s+300\s/);

    expect(await runCheckpointsCommand(['average', run.id, '--home', home, '--last', '2'])).toBe(0);
    expect(out.at(-1)).toMatch(/Wrote avg-200-300: the mean of steps 200, 300/);

    const file = path.join(home, 'm');
    expect(await runCheckpointsCommand(['export', dir, 'avg-200-300', file])).toBe(0);
    expect(
      await runCheckpointsCommand(['import', `${file}.tstudio`, '--home', home, '--name', 'back']),
    ).toBe(0);
    const imported = (await runs.list()).find((r) => r.name === 'back');
    expect(imported).toBeDefined();
    const a = await readCheckpoint(dir, 'avg-200-300');
    const b = await readCheckpoint(runs.runDir(imported!.id), 'avg-200-300');
    expect(b.weights).toEqual(a.weights);
    expect(b.state.averagedFrom).toEqual([200, 300]);

    expect(await runCheckpointsCommand(['list', run.id, '--home', home, '--json'])).toBe(0);
    expect(JSON.parse(out.at(-1)!).checkpoints).toHaveLength(4);
    await expect(runCheckpointsCommand(['average', dir])).rejects.toThrow(/exactly one of --last/);
    expect(await runCheckpointsCommand(['frobnicate'])).toBe(2);
  });

  it('takes best and last wherever a checkpoint is named: average, export, delete', async () => {
    const runs = new RunsService(home);
    const run = await runs.create({
      name: 'names',
      datasetId: 'ds-1',
      preset: 'tiny',
      model: TEST_MODEL,
      train: { ...TEST_TRAIN, earlyStoppingMetric: 'valid_loss' },
    });
    const dir = runs.runDir(run.id);
    const sha = sha256(TEST_TOKENIZER_JSON);
    // Validation loss 2, 1, 3: step 200 is best, 300 last.
    for (const [s, loss] of [
      [100, 2],
      [200, 1],
      [300, 3],
    ] as const) {
      await writeCheckpoint(dir, fakeCheckpoint(s, sha, undefined, { validLoss: loss }));
    }
    expect(await runCheckpointsCommand(['average', dir, '--steps', 'best,last'])).toBe(0);
    expect(out.at(-1)).toMatch(/^Wrote avg-200-300: the mean of steps 200, 300 /);
    await expect(runCheckpointsCommand(['average', dir, '--steps', 'best,x'])).rejects.toThrow(
      /--steps takes step numbers, best or last; "x" is none of them\./,
    );

    const file = path.join(home, 'best.tstudio');
    expect(await runCheckpointsCommand(['export', dir, 'best', file])).toBe(0);
    expect(out.at(-1)).toMatch(/^Exported checkpoint best \(200\) of run /);
    expect((await readExport(file)).source.checkpoint).toBe('200');

    // Averages sort after the trained checkpoint they end at, so "last" is avg-200-300 now.
    expect(await runCheckpointsCommand(['delete', dir, 'last'])).toBe(0);
    expect(out.at(-1)).toBe(`Deleted checkpoint last (avg-200-300) of run ${run.id}.`);
    expect(await runCheckpointsCommand(['delete', dir, 'best'])).toBe(0);
    expect((await runs.checkpoints(run.id)).map((c) => c.id)).toEqual(['100', '300']);
    await expect(runCheckpointsCommand(['delete', dir, '200'])).rejects.toThrow(
      `Run ${run.id} has no checkpoint 200.`,
    );
  });
});
