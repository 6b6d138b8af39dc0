import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { sha256 } from './atomicFs';
import { MODEL_FILE, OPTIMIZER_FILE, STATE_FILE } from './checkpointFormat';
import {
  annotateCheckpoint,
  checkpointDir,
  listCheckpoints,
  readCheckpoint,
  scanCheckpoints,
  verifyCheckpoint,
  writeCheckpoint,
} from './checkpointStore';
import { fakeCheckpoint, TEST_TOKENIZER_JSON } from './checkpoint.fixture';
import { decodeSafetensors } from './safetensors';

const SHA = sha256(TEST_TOKENIZER_JSON);
let runDir: string;

beforeEach(async () => {
  runDir = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'ckio-')), 'run-1');
  await fsp.mkdir(runDir);
});
afterEach(async () => {
  await fsp.rm(path.dirname(runDir), { recursive: true, force: true });
});

describe('checkpointStore', () => {
  it('writes <step>/ with model, optimizer and state files and reads back exactly', async () => {
    const input = fakeCheckpoint(100, SHA, undefined, { validLoss: 2.5 });
    const info = await writeCheckpoint(runDir, input);
    expect(info).toMatchObject({
      id: '100',
      runId: 'run-1',
      step: 100,
      validLoss: 2.5,
      best: false,
    });
    const dir = checkpointDir(runDir, 100);
    expect((await fsp.readdir(dir)).sort()).toEqual(
      [MODEL_FILE, OPTIMIZER_FILE, STATE_FILE].sort(),
    );
    expect((await fsp.readdir(path.dirname(dir))).filter((n) => n.startsWith('.'))).toEqual([]);

    const back = await readCheckpoint(runDir, 100);
    expect(back.weights).toEqual(input.weights);
    expect(back.optimizer).toEqual(input.optimizer);
    expect(back.state).toMatchObject({ ...input.state, resumable: true, runId: 'run-1' });
    expect(back.info.bytes).toBe(info.bytes);
    // The weights file is plain safetensors, readable without our reader.
    const raw = decodeSafetensors(await fsp.readFile(path.join(dir, MODEL_FILE)));
    expect(raw.tensors.map((t) => t.name)).toContain('encoder.layers.0.self_attn.w_q');
    expect(raw.metadata.step).toBe('100');
  });

  it('never lists temporary folders, folders without state.json, or files of the wrong size', async () => {
    await writeCheckpoint(runDir, fakeCheckpoint(100, SHA));
    await writeCheckpoint(runDir, fakeCheckpoint(200, SHA));
    await writeCheckpoint(runDir, fakeCheckpoint(300, SHA));
    const root = path.join(runDir, 'checkpoints');
    // A killed writer's temporary folder, half written.
    await fsp.mkdir(path.join(root, '.tmp-400-abcd'));
    await fsp.writeFile(path.join(root, '.tmp-400-abcd', MODEL_FILE), 'partial');
    // A folder without state.json.
    await fsp.mkdir(path.join(root, '500'));
    await fsp.writeFile(path.join(root, '500', MODEL_FILE), 'x');
    // A truncated weights file.
    const f = path.join(root, '200', MODEL_FILE);
    await fsp.truncate(f, (await fsp.stat(f)).size - 1);
    // A stray file.
    await fsp.writeFile(path.join(root, 'notes.txt'), 'hi');

    const { checkpoints, skipped } = await scanCheckpoints(runDir);
    expect(checkpoints.map((c) => c.id)).toEqual(['100', '300']);
    expect(skipped.map((s) => s.name).sort()).toEqual(['200', '500', 'notes.txt']);
    expect(skipped.find((s) => s.name === '200')?.reason).toMatch(
      /model\.safetensors has \d+ bytes/,
    );
  });

  it('detects a flipped byte on load (sha256), not only on size', async () => {
    await writeCheckpoint(runDir, fakeCheckpoint(100, SHA));
    const f = path.join(checkpointDir(runDir, 100), OPTIMIZER_FILE);
    const bytes = await fsp.readFile(f);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    await fsp.writeFile(f, bytes);
    expect((await listCheckpoints(runDir)).map((c) => c.id)).toEqual(['100']);
    await expect(readCheckpoint(runDir, 100)).rejects.toMatchObject({
      code: ErrorCode.CheckpointInvalid,
      message: expect.stringMatching(/optimizer\.safetensors does not match the sha256/),
    });
    expect(await verifyCheckpoint(runDir, 100)).toMatch(/sha256/);
  });

  it('reports a missing checkpoint as NotFound and refuses path-like names', async () => {
    await expect(readCheckpoint(runDir, 7)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(readCheckpoint(runDir, '../x')).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
  });

  it('replaces an existing checkpoint of the same step and annotates results later', async () => {
    await writeCheckpoint(runDir, fakeCheckpoint(100, SHA));
    const again = fakeCheckpoint(100, SHA);
    again.weights[0]!.data[0] = 123;
    await writeCheckpoint(runDir, again);
    expect((await readCheckpoint(runDir, 100)).weights[0]!.data[0]).toBe(123);
    await annotateCheckpoint(runDir, 100, { bleu: 12.5, validLoss: 3 });
    const [info] = await listCheckpoints(runDir, 'bleu');
    expect(info).toMatchObject({ bleu: 12.5, validLoss: 3, best: true });
    expect(await verifyCheckpoint(runDir, 100)).toBeNull();
  });

  it('marks best by BLEU, or by validation loss when asked or when BLEU is unknown', async () => {
    await writeCheckpoint(runDir, fakeCheckpoint(100, SHA, undefined, { validLoss: 3, bleu: 10 }));
    await writeCheckpoint(runDir, fakeCheckpoint(200, SHA, undefined, { validLoss: 2, bleu: 9 }));
    await writeCheckpoint(runDir, fakeCheckpoint(300, SHA, undefined, { validLoss: 2.5 }));
    const best = async (m: 'bleu' | 'valid_loss'): Promise<string[]> =>
      (await listCheckpoints(runDir, m)).filter((c) => c.best).map((c) => c.id);
    expect(await best('bleu')).toEqual(['100']);
    expect(await best('valid_loss')).toEqual(['200']);
  });

  it('writes a weights-only checkpoint (no optimiser) as not resumable', async () => {
    const input = fakeCheckpoint(100, SHA);
    const { position: _omit, ...state } = input.state;
    await writeCheckpoint(runDir, { weights: input.weights, optimizer: [], state });
    const back = await readCheckpoint(runDir, 100);
    expect(back.state.resumable).toBe(false);
    expect(back.optimizer).toEqual([]);
  });
});
