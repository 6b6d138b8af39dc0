import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { sha256, sha256File } from './atomicFs';
import {
  CHECKPOINT_FORMAT,
  MODEL_FILE,
  OPTIMIZER_FILE,
  parseCheckpointState,
  readSafetensorsFile,
  readStateFile,
  writeSafetensorsFile,
} from './checkpointFormat';
import { fakeTensors, SMALL_SHAPES, TEST_MODEL, TEST_TRAIN } from './checkpoint.fixture';

let dir: string;

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ckfmt-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const DIGEST = { bytes: 10, sha256: 'a'.repeat(64) };

function validState(): Record<string, unknown> {
  return {
    format: CHECKPOINT_FORMAT,
    version: 1,
    runId: 'r',
    createdAt: '2025-01-01T00:00:00.000Z',
    resumable: false,
    step: 5,
    model: TEST_MODEL,
    train: TEST_TRAIN,
    tokenizer: { datasetId: 'ds', sha256: 'b'.repeat(64) },
    files: { [MODEL_FILE]: DIGEST, [OPTIMIZER_FILE]: DIGEST },
  };
}

describe('safetensors files', () => {
  it('returns the size and sha256 of exactly the bytes on disk, and reads them back', async () => {
    const file = path.join(dir, 'w.safetensors');
    const tensors = fakeTensors(3, SMALL_SHAPES);
    const digest = await writeSafetensorsFile(file, tensors, { step: '5' });
    expect(digest.bytes).toBe((await fsp.stat(file)).size);
    expect(digest.sha256).toBe(await sha256File(file));
    expect(digest.sha256).toBe(sha256(await fsp.readFile(file)));
    const back = await readSafetensorsFile(file, digest);
    expect(back.tensors).toEqual(tensors);
    expect(back.metadata).toEqual({ step: '5' });
  });

  it('names a truncated file by its size and a changed byte by its sha256', async () => {
    const file = path.join(dir, 'w.safetensors');
    const digest = await writeSafetensorsFile(file, fakeTensors(3, SMALL_SHAPES));
    await fsp.truncate(file, digest.bytes - 4);
    await expect(readSafetensorsFile(file, digest)).rejects.toMatchObject({
      code: ErrorCode.CheckpointInvalid,
      message: `The file ${file} has ${digest.bytes - 4} bytes but its checkpoint recorded ${digest.bytes}; it is truncated or was changed.`,
    });
    await writeSafetensorsFile(file, fakeTensors(3, SMALL_SHAPES));
    const bytes = await fsp.readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    await fsp.writeFile(file, bytes);
    await expect(readSafetensorsFile(file, digest)).rejects.toMatchObject({
      code: ErrorCode.CheckpointInvalid,
      message: expect.stringMatching(/does not match the sha256/),
    });
  });

  it('answers a folder, a missing file and an unwritable place with one sentence each', async () => {
    await expect(readSafetensorsFile(dir)).rejects.toMatchObject({
      code: ErrorCode.FileUnreadable,
      message: `${dir} cannot be read: it is a folder, not a file.`,
    });
    const missing = path.join(dir, 'missing.safetensors');
    await expect(readSafetensorsFile(missing)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      message: `${missing} cannot be read: it does not exist.`,
    });
    // A path through a regular file cannot be created, whoever runs the test (root included).
    const blocker = path.join(dir, 'plain.txt');
    await fsp.writeFile(blocker, 'x');
    const target = path.join(blocker, 'w.safetensors');
    await expect(writeSafetensorsFile(target, [])).rejects.toMatchObject({
      code: ErrorCode.FileUnwritable,
      message: `${target} cannot be written: a part of the path is a file, not a folder. Choose another place or free some space.`,
    });
    // The label names the file a person asked for when a temporary name is written.
    await expect(writeSafetensorsFile(target, [], {}, '/out/model.tstudio')).rejects.toMatchObject({
      message: expect.stringMatching(/^\/out\/model\.tstudio cannot be written/),
    });
  });
});

describe('state.json', () => {
  it('accepts a valid state and says what is wrong with a bad one', () => {
    expect(parseCheckpointState(JSON.stringify(validState()), 's.json').step).toBe(5);
    const bad = (patch: Record<string, unknown>): (() => unknown) => {
      return () => parseCheckpointState(JSON.stringify({ ...validState(), ...patch }), 's.json');
    };
    expect(() => parseCheckpointState('{"format":', 's.json')).toThrow(
      /^The checkpoint state s\.json is not JSON/,
    );
    expect(bad({ format: 'x' })).toThrow(/its format is "x"/);
    expect(bad({ version: 2 })).toThrow(/reads up to version 1, so update the studio/);
    expect(bad({ step: 1.5 })).toThrow(/"step" is not a whole number/);
    expect(bad({ files: { [MODEL_FILE]: DIGEST } })).toThrow(/sizes and hashes of its files/);
    expect(bad({ resumable: true })).toThrow(/resumable but has no training position/);
  });

  it('reads state.json from a folder: NotFound without one, CheckpointInvalid when corrupt', async () => {
    await expect(readStateFile(dir)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      message: `There is no checkpoint at ${dir}.`,
    });
    await fsp.writeFile(path.join(dir, 'state.json'), '{"truncated');
    await expect(readStateFile(dir)).rejects.toMatchObject({ code: ErrorCode.CheckpointInvalid });
    await fsp.writeFile(path.join(dir, 'state.json'), JSON.stringify(validState()));
    expect((await readStateFile(dir)).runId).toBe('r');
  });
});
