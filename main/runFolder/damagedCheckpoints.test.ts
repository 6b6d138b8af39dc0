import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from './atomicFs';
import { MODEL_FILE, OPTIMIZER_FILE, STATE_FILE } from './checkpointFormat';
import { fakeCheckpoint, TEST_TOKENIZER_JSON } from './checkpoint.fixture';
import { checkpointDir, checkpointsDir, scanCheckpoints, writeCheckpoint } from './checkpointStore';
import {
  DAMAGE_NOTE_FILE,
  DAMAGED_DIR,
  findResumeCheckpoint,
  listSetAside,
  setAsideDamaged,
} from './damagedCheckpoints';
import { applyRetention } from './retention';

const SHA = sha256(TEST_TOKENIZER_JSON);
let runDir: string;

beforeEach(async () => {
  runDir = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'ckdmg-')), 'run-1');
  await fsp.mkdir(runDir);
});
afterEach(async () => {
  await fsp.rm(path.dirname(runDir), { recursive: true, force: true });
});

/** Every file under `dir` with its sha256, relative names sorted: "nothing changed" as data. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fsp.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[path.relative(dir, p)] = sha256(await fsp.readFile(p));
    }
  };
  await walk(dir);
  return out;
}

/** 100..500, then four kinds of damage from the newest down; 100 stays good. */
async function damagedRun(): Promise<void> {
  for (const s of [100, 200, 300, 400, 500]) await writeCheckpoint(runDir, fakeCheckpoint(s, SHA));
  const file = (step: number, name: string): string => path.join(checkpointDir(runDir, step), name);
  const weights = file(500, MODEL_FILE);
  await fsp.truncate(weights, (await fsp.stat(weights)).size - 7);
  await fsp.writeFile(file(400, STATE_FILE), '{"format": "transformer-studio/check');
  await fsp.rm(file(300, OPTIMIZER_FILE));
  const flipped = await fsp.readFile(file(200, MODEL_FILE));
  flipped[flipped.length - 2] = flipped[flipped.length - 2]! ^ 0x10;
  await fsp.writeFile(file(200, MODEL_FILE), flipped);
}

describe('damaged checkpoints', () => {
  it('finds the newest good checkpoint and says why each newer one was rejected, changing nothing', async () => {
    await damagedRun();
    const before = await tree(runDir);
    const found = await findResumeCheckpoint(runDir);
    expect(found.checkpoint?.id).toBe('100');
    expect(found.state?.position?.rngState).toEqual([100, 42, 7, 1]);
    expect(found.rejected.map((r) => r.id)).toEqual(['500', '400', '300', '200']);
    const [truncated, corrupt, missing, mismatch] = found.rejected.map((r) => r.reason);
    expect(truncated).toMatch(/^model\.safetensors has \d+ bytes, \d+ recorded$/);
    // Files are named relative to the run folder, so the sentence stays readable.
    expect(corrupt).toMatch(/^The checkpoint state checkpoints\/400\/state\.json is not JSON \(/);
    expect(missing).toBe('optimizer.safetensors is missing');
    expect(mismatch).toBe(
      'The file checkpoints/200/model.safetensors does not match the sha256 its checkpoint recorded; it is corrupt.',
    );
    expect(await tree(runDir)).toEqual(before);
  });

  it('sets damaged folders aside intact under .damaged/<id>-<timestamp>, where listing and retention never look', async () => {
    await damagedRun();
    const before = await tree(checkpointsDir(runDir));
    const { rejected } = await findResumeCheckpoint(runDir);
    const now = new Date('2025-06-01T14:22:33.123Z');
    const moved = await setAsideDamaged(runDir, rejected, now);
    expect(moved.map((m) => m.movedTo)).toEqual([
      'checkpoints/.damaged/500-20250601T142233123Z',
      'checkpoints/.damaged/400-20250601T142233123Z',
      'checkpoints/.damaged/300-20250601T142233123Z',
      'checkpoints/.damaged/200-20250601T142233123Z',
    ]);
    // Every damaged file is byte for byte where it went; each folder gains only its note.
    const after = await tree(checkpointsDir(runDir));
    for (const [name, hash] of Object.entries(before)) {
      const [id, ...rest] = name.split(path.sep);
      const target =
        id === '100'
          ? name
          : path.join(DAMAGED_DIR, `${id}-20250601T142233123Z`, ...(rest as [string]));
      expect(after[target], target).toBe(hash);
    }
    expect(Object.keys(after).filter((n) => n.endsWith(DAMAGE_NOTE_FILE))).toHaveLength(4);
    expect(await scanCheckpoints(runDir)).toMatchObject({
      checkpoints: [{ id: '100' }],
      skipped: [],
    });
    expect(await listSetAside(runDir)).toEqual(
      [...moved].sort((a, b) => a.movedTo.localeCompare(b.movedTo)),
    );

    // Retention deletes old trained checkpoints, never anything set aside.
    for (const s of [600, 700, 800]) await writeCheckpoint(runDir, fakeCheckpoint(s, SHA));
    expect(await applyRetention(runDir, { keepLast: 1, metric: 'valid_loss' })).toEqual([
      '100',
      '600',
      '700',
    ]);
    const kept = await tree(path.join(checkpointsDir(runDir), DAMAGED_DIR));
    expect(Object.keys(kept)).toHaveLength(Object.keys(before).length - 3 + 4);
  });

  it('never overwrites an earlier set-aside folder of the same checkpoint', async () => {
    await writeCheckpoint(runDir, fakeCheckpoint(100, SHA));
    const now = new Date('2025-06-01T00:00:00.000Z');
    await setAsideDamaged(runDir, [{ id: '100', reason: 'first' }], now);
    await writeCheckpoint(runDir, fakeCheckpoint(100, SHA));
    const [second] = await setAsideDamaged(runDir, [{ id: '100', reason: 'second' }], now);
    expect(second?.movedTo).toMatch(
      /^checkpoints\/\.damaged\/100-20250601T000000000Z-[0-9a-f]{8}$/,
    );
    expect((await listSetAside(runDir)).map((s) => s.reason)).toEqual(['first', 'second']);
  });

  it('offers no checkpoint when none is resumable, and says which hold weights only', async () => {
    const input = fakeCheckpoint(100, SHA);
    const { position: _drop, ...state } = input.state;
    await writeCheckpoint(runDir, { weights: input.weights, optimizer: [], state });
    expect(await findResumeCheckpoint(runDir)).toMatchObject({
      checkpoint: null,
      rejected: [],
      notResumable: ['100'],
    });
    expect(await findResumeCheckpoint(path.join(runDir, 'nothing-here'))).toEqual({
      checkpoint: null,
      state: null,
      rejected: [],
      notResumable: [],
    });
  });
});
