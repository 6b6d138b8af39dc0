/**
 * Checkpoints on disk: runs/<id>/checkpoints/<step>/ holds
 *   model.safetensors      the weights, named by what they are (encoder.layers.0.self_attn.w_q)
 *   optimizer.safetensors  Adam moments optimizer.m.<weight> and optimizer.v.<weight>
 *   state.json             everything else needed to continue exactly, plus the byte size
 *                          and sha256 of both tensor files
 * A checkpoint is written into checkpoints/.tmp-<step>-<random>/, every file and the
 * folder fsynced, then renamed to its final name and the parent fsynced: a killed writer
 * leaves a .tmp- folder that is never listed, never a half checkpoint.
 * No tfjs here: the engine worker converts its variables to NamedTensors and back.
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';
import type {
  CheckpointInfo,
  EarlyStoppingMetric,
  ModelConfig,
  TrainConfig,
} from '../../shared/types';
import { fsyncDir, randomSuffix, removeAtomic, TEMP_PREFIX, writeJsonAtomic } from './atomicFs';
import type { NamedTensor } from '../../shared/namedTensor';
import {
  encodeHeader,
  parseHeader,
  readHeaderLength,
  tensorBytes,
  tensorFromBytes,
  validateTensors,
  type SafetensorsContent,
} from './safetensors';

export const MODEL_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'state.json';
export const CHECKPOINTS_DIR = 'checkpoints';
/** state.json's format tag; bumped when the layout changes incompatibly. */
export const CHECKPOINT_FORMAT = 'transformer-studio/checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Where the data pipeline and the schedule stood, so a resumed run sees the same batches. */
export interface TrainingPosition {
  /** Adam's step counter t (bias correction); normally equal to the checkpoint step. */
  optimizerStep: number;
  /** The step the learning-rate schedule was last evaluated at. */
  scheduleStep: number;
  /** Passes over the training data completed. */
  epoch: number;
  /** Batches of the current epoch already consumed. */
  batchInEpoch: number;
  /**
   * Full state of the seeded random generator(s) (data order, dropout), as plain numbers.
   * The engine defines the layout; this layer only stores it.
   */
  rngState: number[];
  /** Anything else the engine needs to continue exactly (plain JSON). */
  extra?: Record<string, unknown>;
}

/** The tokenizer a checkpoint was trained with: its dataset and the hash of its bytes. */
export interface TokenizerRef {
  datasetId: string;
  /** sha256 (hex) of tokenizer.json; a different tokenizer with the same dataset id is caught. */
  sha256: string;
}

/** Size and hash of one file of a checkpoint, recorded in state.json. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** What the caller supplies for state.json; the writer adds format, files and createdAt. */
export interface CheckpointStateInput {
  /** Optimiser steps completed when the checkpoint was taken. */
  step: number;
  /** Absent only for weights-only checkpoints (averaged or imported without optimiser). */
  position?: TrainingPosition;
  model: ModelConfig;
  train: TrainConfig;
  tokenizer: TokenizerRef;
  validLoss?: number;
  bleu?: number;
  /** Steps of the checkpoints this one averages (set by averaging only). */
  averagedFrom?: number[];
}

/** state.json as stored. */
export interface CheckpointState extends CheckpointStateInput {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  runId: string;
  createdAt: string;
  /** False when there is no optimiser state or position: it can be used, not resumed. */
  resumable: boolean;
  files: { [MODEL_FILE]: FileDigest; [OPTIMIZER_FILE]: FileDigest };
}

/** Everything a checkpoint holds, as plain data. */
export interface LoadedCheckpoint {
  info: CheckpointInfo;
  weights: NamedTensor[];
  optimizer: NamedTensor[];
  state: CheckpointState;
}

/** A folder in checkpoints/ that was not listed, and why (for `checkpoints list`). */
export interface SkippedCheckpoint {
  name: string;
  reason: string;
}

/** The folder of a run's checkpoints. */
export function checkpointsDir(runDir: string): string {
  return path.join(runDir, CHECKPOINTS_DIR);
}

/** The folder name of a trained checkpoint: its step in decimal. */
export function stepId(step: number): string {
  return String(step);
}

/** A checkpoint is addressed by its folder name; a number means the trained checkpoint of that step. */
export type CheckpointRef = number | string;

function refToId(ref: CheckpointRef): string {
  const id = typeof ref === 'number' ? stepId(ref) : ref;
  // Ids become path components: refuse anything that could leave checkpoints/.
  if (!/^(\d+|avg-[0-9a-z-]+)$/.test(id)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `"${id}" is not a checkpoint name; use a step number such as 3000 or an averaged name such as avg-2000-3000.`,
    );
  }
  return id;
}

/** The folder of one checkpoint. */
export function checkpointDir(runDir: string, ref: CheckpointRef): string {
  return path.join(checkpointsDir(runDir), refToId(ref));
}

// ---------------------------------------------------------------------------
// safetensors files

/**
 * Writes tensors as a safetensors file, streaming each tensor's bytes (no second copy of
 * the weights in memory), fsyncs it, and returns its size and sha256.
 */
export async function writeSafetensorsFile(
  file: string,
  tensors: readonly NamedTensor[],
  metadata: Record<string, string> = {},
): Promise<FileDigest> {
  validateTensors(tensors, file);
  const hash = createHash('sha256');
  const handle = await fsp.open(file, 'w');
  let bytes = 0;
  try {
    const write = async (chunk: Uint8Array): Promise<void> => {
      hash.update(chunk);
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, done, chunk.length - done);
        done += bytesWritten;
      }
      bytes += chunk.length;
    };
    await write(encodeHeader(tensors, metadata));
    for (const t of tensors) await write(tensorBytes(t));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function readFully(
  handle: fsp.FileHandle,
  into: Uint8Array,
  position: number,
  file: string,
): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `The file ${file} ended early while being read; it may be truncated.`,
        { file },
      );
    }
    done += bytesRead;
  }
}

/**
 * Reads and validates a safetensors file tensor by tensor into independent typed arrays.
 * With `expect`, the size and the sha256 (computed while reading) must match, or a
 * CheckpointInvalid error names the file.
 */
export async function readSafetensorsFile(
  file: string,
  expect?: FileDigest,
): Promise<SafetensorsContent> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? ErrorCode.NotFound : ErrorCode.FileUnreadable,
      `Cannot open ${file}: ${(err as Error).message}.`,
      { file },
    );
  }
  try {
    const size = (await handle.stat()).size;
    if (expect && size !== expect.bytes) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `The file ${file} has ${size} bytes but its checkpoint recorded ${expect.bytes}; it is truncated or was changed.`,
        { file },
      );
    }
    const hash = createHash('sha256');
    const first8 = new Uint8Array(8);
    if (size >= 8) await readFully(handle, first8, 0, file);
    const n = readHeaderLength(first8, size, file);
    const headerBytes = new Uint8Array(n);
    await readFully(handle, headerBytes, 8, file);
    hash.update(first8).update(headerBytes);
    const header = parseHeader(headerBytes, size, file);
    const tensors: NamedTensor[] = [];
    // Entries are sorted and contiguous, so this reads the file front to back exactly once.
    for (const e of header.entries) {
      const chunk = new Uint8Array(e.end - e.begin);
      await readFully(handle, chunk, header.dataStart + e.begin, file);
      hash.update(chunk);
      tensors.push(tensorFromBytes(e, chunk));
    }
    const digest = hash.digest('hex');
    if (expect && digest !== expect.sha256) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `The file ${file} does not match the sha256 its checkpoint recorded; it is corrupt.`,
        { file },
      );
    }
    return { tensors, metadata: header.metadata };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------
// state.json

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDigest(v: unknown): v is FileDigest {
  return (
    isObject(v) &&
    Number.isSafeInteger(v.bytes) &&
    typeof v.sha256 === 'string' &&
    v.sha256.length === 64
  );
}

/** Parses and checks state.json; throws CheckpointInvalid naming the file. */
export function parseCheckpointState(text: string, file: string): CheckpointState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `The checkpoint state ${file} is not JSON (${(err as Error).message}).`,
      { file },
    );
  }
  const bad = (what: string): AppError =>
    new AppError(
      ErrorCode.CheckpointInvalid,
      `The checkpoint state ${file} is not valid: ${what}.`,
      { file },
    );
  if (!isObject(v)) throw bad('it is not a JSON object');
  if (v.format !== CHECKPOINT_FORMAT)
    throw bad(`its format is ${JSON.stringify(v.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (typeof v.version !== 'number' || v.version > CHECKPOINT_VERSION) {
    throw bad(
      `it has version ${JSON.stringify(v.version)}; this studio reads up to version ${CHECKPOINT_VERSION}, so update the studio`,
    );
  }
  if (!Number.isSafeInteger(v.step) || (v.step as number) < 0)
    throw bad('"step" is not a whole number');
  if (!isObject(v.model) || !isObject(v.train))
    throw bad('the model or training config is missing');
  if (
    !isObject(v.tokenizer) ||
    typeof v.tokenizer.datasetId !== 'string' ||
    typeof v.tokenizer.sha256 !== 'string'
  ) {
    throw bad('the tokenizer reference is missing');
  }
  if (!isObject(v.files) || !isDigest(v.files[MODEL_FILE]) || !isDigest(v.files[OPTIMIZER_FILE])) {
    throw bad('the sizes and hashes of its files are missing');
  }
  if (v.resumable === true && !isObject(v.position))
    throw bad('it is marked resumable but has no training position');
  return v as unknown as CheckpointState;
}

async function readState(dir: string): Promise<CheckpointState> {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? ErrorCode.NotFound : ErrorCode.FileUnreadable,
      code === 'ENOENT'
        ? `There is no checkpoint at ${dir}.`
        : `Cannot read ${file}: ${(err as Error).message}.`,
      { file },
    );
  }
  return parseCheckpointState(text, file);
}

function totalBytes(state: CheckpointState, stateBytes: number): number {
  return state.files[MODEL_FILE].bytes + state.files[OPTIMIZER_FILE].bytes + stateBytes;
}

function infoFrom(
  runDir: string,
  id: string,
  state: CheckpointState,
  bytes: number,
): CheckpointInfo {
  const info: CheckpointInfo = {
    id,
    runId: path.basename(runDir),
    step: state.step,
    createdAt: state.createdAt,
    bytes,
    best: false,
  };
  if (state.validLoss !== undefined) info.validLoss = state.validLoss;
  if (state.bleu !== undefined) info.bleu = state.bleu;
  if (state.averagedFrom !== undefined) info.averagedFrom = state.averagedFrom;
  return info;
}

// ---------------------------------------------------------------------------
// Writing, reading, listing

/** What `writeCheckpoint` takes. */
export interface CheckpointInput {
  weights: readonly NamedTensor[];
  /** Adam moments, named optimizer.m.<weight> / optimizer.v.<weight>; empty for weights-only. */
  optimizer: readonly NamedTensor[];
  state: CheckpointStateInput;
  /** Folder name; defaults to the step. Averaging passes avg-<steps>. */
  id?: string;
  /** The run id recorded in state.json; defaults to the base name of runDir. */
  runId?: string;
}

/**
 * Writes a checkpoint atomically (temporary folder, fsync of every file and folder,
 * rename) and returns its info. An existing checkpoint with the same name (e.g. a corrupt
 * one left past the point a run resumed from) is moved to trash and replaced.
 *
 * @param runDir runs/<id>; the run id is its base name.
 */
export async function writeCheckpoint(
  runDir: string,
  input: CheckpointInput,
): Promise<CheckpointInfo> {
  const { state: s } = input;
  if (!Number.isSafeInteger(s.step) || s.step < 0) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `A checkpoint step must be a whole number >= 0; got ${s.step}.`,
    );
  }
  const id = refToId(input.id ?? s.step);
  const root = checkpointsDir(runDir);
  const created = await fsp.mkdir(root, { recursive: true });
  if (created !== undefined) await fsyncDir(runDir);
  const tmp = path.join(root, `${TEMP_PREFIX}${id}-${randomSuffix()}`);
  await fsp.mkdir(tmp);
  try {
    const resumable = s.position !== undefined && input.optimizer.length > 0;
    const model = await writeSafetensorsFile(path.join(tmp, MODEL_FILE), input.weights, {
      format: CHECKPOINT_FORMAT,
      step: String(s.step),
    });
    const optimizer = await writeSafetensorsFile(path.join(tmp, OPTIMIZER_FILE), input.optimizer, {
      format: CHECKPOINT_FORMAT,
      step: String(s.step),
    });
    const state: CheckpointState = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      runId: input.runId ?? path.basename(runDir),
      createdAt: new Date().toISOString(),
      resumable,
      ...s,
      files: { [MODEL_FILE]: model, [OPTIMIZER_FILE]: optimizer },
    };
    const stateText = `${JSON.stringify(state, null, 2)}\n`;
    const handle = await fsp.open(path.join(tmp, STATE_FILE), 'w');
    try {
      await handle.writeFile(stateText);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDir(tmp);
    const final = path.join(root, id);
    await removeAtomic(final);
    await fsp.rename(tmp, final);
    await fsyncDir(root);
    return infoFrom(runDir, id, state, totalBytes(state, Buffer.byteLength(stateText)));
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Reads a checkpoint, verifying the size and sha256 of both tensor files against
 * state.json. Throws NotFound when there is none, CheckpointInvalid when it is corrupt.
 * With `optimizer: false` the optimiser file (twice the weights' size) is neither read
 * nor hashed and `optimizer` comes back empty: for averaging, export and translation.
 */
export async function readCheckpoint(
  runDir: string,
  ref: CheckpointRef,
  opts: { optimizer?: boolean } = {},
): Promise<LoadedCheckpoint> {
  const id = refToId(ref);
  const dir = checkpointDir(runDir, id);
  const state = await readState(dir);
  if (/^\d+$/.test(id) && state.step !== Number(id)) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `The checkpoint ${dir} says it is step ${state.step}, not ${id}; it was moved or edited.`,
      { file: dir },
    );
  }
  const weights = await readSafetensorsFile(path.join(dir, MODEL_FILE), state.files[MODEL_FILE]);
  const optimizer =
    opts.optimizer === false
      ? { tensors: [] }
      : await readSafetensorsFile(path.join(dir, OPTIMIZER_FILE), state.files[OPTIMIZER_FILE]);
  const stateBytes = (await fsp.stat(path.join(dir, STATE_FILE))).size;
  return {
    info: infoFrom(runDir, id, state, totalBytes(state, stateBytes)),
    weights: weights.tensors,
    optimizer: optimizer.tensors,
    state,
  };
}

/** Reads only state.json of a checkpoint (validated; tensor files not checked). */
export async function readCheckpointState(
  runDir: string,
  ref: CheckpointRef,
): Promise<CheckpointState> {
  return readState(checkpointDir(runDir, ref));
}

/**
 * Full integrity check of a checkpoint (sizes and sha256 of every file) without keeping
 * the tensors. Returns null when it is fine, or the reason it is not.
 */
export async function verifyCheckpoint(runDir: string, ref: CheckpointRef): Promise<string | null> {
  try {
    await readCheckpoint(runDir, ref);
    return null;
  } catch (err) {
    if (
      err instanceof AppError &&
      (err.code === ErrorCode.CheckpointInvalid || err.code === ErrorCode.NotFound)
    ) {
      return err.message;
    }
    throw err;
  }
}

/**
 * Lists a run's checkpoints (oldest step first; averaged ones after the trained one they
 * end at) with the cheap integrity check: state.json parses and each file has the size it
 * recorded. Temporary and trash folders and anything failing the check are left out and
 * reported in `skipped`. `best` is set per `metric` (see `markBest`).
 */
export async function scanCheckpoints(
  runDir: string,
  metric?: EarlyStoppingMetric,
): Promise<{ checkpoints: CheckpointInfo[]; skipped: SkippedCheckpoint[] }> {
  const root = checkpointsDir(runDir);
  let names: string[];
  try {
    names = await fsp.readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], skipped: [] };
    throw err;
  }
  const checkpoints: CheckpointInfo[] = [];
  const skipped: SkippedCheckpoint[] = [];
  for (const name of names) {
    // Temporary (being written) and trash (being deleted) folders are silently invisible.
    if (name.startsWith('.')) continue;
    if (!/^(\d+|avg-[0-9a-z-]+)$/.test(name)) {
      skipped.push({ name, reason: 'not a checkpoint name' });
      continue;
    }
    const dir = path.join(root, name);
    try {
      const state = await readState(dir);
      if (/^\d+$/.test(name) && state.step !== Number(name))
        throw new Error(`state.json says step ${state.step}`);
      let bytes = (await fsp.stat(path.join(dir, STATE_FILE))).size;
      for (const f of [MODEL_FILE, OPTIMIZER_FILE] as const) {
        const size = (await fsp.stat(path.join(dir, f))).size;
        if (size !== state.files[f].bytes)
          throw new Error(`${f} has ${size} bytes, ${state.files[f].bytes} recorded`);
        bytes += size;
      }
      checkpoints.push(infoFrom(runDir, name, state, bytes));
    } catch (err) {
      skipped.push({ name, reason: (err as Error).message });
    }
  }
  checkpoints.sort(
    (a, b) =>
      a.step - b.step ||
      Number(a.averagedFrom !== undefined) - Number(b.averagedFrom !== undefined) ||
      a.id.localeCompare(b.id),
  );
  if (metric) markBest(checkpoints, metric);
  return { checkpoints, skipped };
}

/** `scanCheckpoints` without the skipped list: only complete checkpoints. */
export async function listCheckpoints(
  runDir: string,
  metric?: EarlyStoppingMetric,
): Promise<CheckpointInfo[]> {
  return (await scanCheckpoints(runDir, metric)).checkpoints;
}

/**
 * The best checkpoint by `metric`: highest BLEU, or lowest validation loss. With 'bleu'
 * but no BLEU known anywhere, validation loss decides (BLEU may be switched off).
 * Returns undefined when no checkpoint has the metric.
 */
export function bestCheckpoint(
  checkpoints: readonly CheckpointInfo[],
  metric: EarlyStoppingMetric,
): CheckpointInfo | undefined {
  const byBleu = metric === 'bleu' && checkpoints.some((c) => c.bleu !== undefined);
  let best: CheckpointInfo | undefined;
  for (const c of checkpoints) {
    const v = byBleu ? c.bleu : c.validLoss;
    if (v === undefined || !Number.isFinite(v)) continue;
    const bv = best === undefined ? undefined : byBleu ? best.bleu : best.validLoss;
    // Ties go to the later checkpoint: same quality, more training.
    if (bv === undefined || (byBleu ? v >= bv : v <= bv)) best = c;
  }
  return best;
}

/** Sets `best` on exactly the best checkpoint (none when no metric is known). */
export function markBest(checkpoints: CheckpointInfo[], metric: EarlyStoppingMetric): void {
  const best = bestCheckpoint(checkpoints, metric);
  for (const c of checkpoints) c.best = c === best;
}

/**
 * Records validation results on an existing checkpoint (when they arrive after it was
 * written), rewriting state.json atomically.
 */
export async function annotateCheckpoint(
  runDir: string,
  ref: CheckpointRef,
  results: { validLoss?: number; bleu?: number },
): Promise<void> {
  const dir = checkpointDir(runDir, ref);
  const state = await readState(dir);
  if (results.validLoss !== undefined) state.validLoss = results.validLoss;
  if (results.bleu !== undefined) state.bleu = results.bleu;
  await writeJsonAtomic(path.join(dir, STATE_FILE), state);
}

/** Deletes one checkpoint atomically (it vanishes from listings in one rename). */
export async function deleteCheckpoint(runDir: string, ref: CheckpointRef): Promise<void> {
  await removeAtomic(checkpointDir(runDir, ref));
}
