/**
 * A run's checkpoints on disk: runs/<id>/checkpoints/<name>/, where <name> is the step of a
 * trained checkpoint (3000) or avg-<steps> for an average. Each folder holds the files of
 * checkpointFormat.ts. A checkpoint is written into checkpoints/.tmp-<name>-<random>/, every
 * file and the folder fsynced, then renamed to its final name and the parent fsynced: a
 * killed writer leaves a .tmp- folder that is never listed, never a half checkpoint.
 * Dot-folders (.tmp-, .trash-, .damaged) are invisible to listing and retention.
 * No tfjs here.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';
import type { NamedTensor } from '../../shared/namedTensor';
import type { CheckpointInfo, EarlyStoppingMetric } from '../../shared/types';
import { fsyncDir, randomSuffix, removeAtomic, TEMP_PREFIX, writeJsonAtomic } from './atomicFs';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  checkpointBytes,
  MODEL_FILE,
  OPTIMIZER_FILE,
  readSafetensorsFile,
  readStateFile,
  STATE_FILE,
  unwritableFile,
  writeSafetensorsFile,
  writeStateFile,
  type CheckpointState,
  type CheckpointStateInput,
} from './checkpointFormat';
import { markBest, selectCheckpoint, type CheckpointSelector } from './checkpointSelection';

export const CHECKPOINTS_DIR = 'checkpoints';

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

const CHECKPOINT_NAME = /^(\d+|avg-[0-9a-z-]+)$/;
const STEP_NAME = /^\d+$/;

/** True for a folder name a checkpoint can have (a step, or avg-...). */
export function isCheckpointName(name: string): boolean {
  return CHECKPOINT_NAME.test(name);
}

/** The folder name of `ref`; refuses anything that could leave checkpoints/. */
export function refToId(ref: CheckpointRef): string {
  const id = typeof ref === 'number' ? stepId(ref) : ref;
  // Ids become path components: refuse anything that could leave checkpoints/.
  if (!isCheckpointName(id)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `"${id}" is not a checkpoint name; use a step number such as 3000, an averaged name such as avg-2000-3000, best or last.`,
    );
  }
  return id;
}

/** The folder of one checkpoint. */
export function checkpointDir(runDir: string, ref: CheckpointRef): string {
  return path.join(checkpointsDir(runDir), refToId(ref));
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
  if (state.bleuSentences !== undefined) info.bleuSentences = state.bleuSentences;
  if (state.bleuWholeSet === true) info.bleuWholeSet = true;
  if (state.averagedFrom !== undefined) info.averagedFrom = state.averagedFrom;
  if (state.scoreNote !== undefined) info.scoreNote = state.scoreNote;
  return info;
}

function checkStepMatches(dir: string, id: string, state: CheckpointState): void {
  if (STEP_NAME.test(id) && state.step !== Number(id)) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `The checkpoint ${dir} says it is step ${state.step}, not ${id}; it was moved or edited.`,
      { file: dir },
    );
  }
}

// ---------------------------------------------------------------------------
// Writing, reading, verifying

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
 * rename) and returns its info. An existing checkpoint with the same name is moved to
 * trash and replaced (a resume sets damaged ones aside first, see damagedCheckpoints.ts).
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
  let tmp: string;
  try {
    const created = await fsp.mkdir(root, { recursive: true });
    if (created !== undefined) await fsyncDir(runDir);
    tmp = path.join(root, `${TEMP_PREFIX}${id}-${randomSuffix()}`);
    await fsp.mkdir(tmp);
  } catch (err) {
    throw unwritableFile(root, err);
  }
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
    const stateBytes = await writeStateFile(tmp, state);
    await fsyncDir(tmp);
    const final = path.join(root, id);
    await removeAtomic(final);
    await fsp.rename(tmp, final);
    await fsyncDir(root);
    return infoFrom(runDir, id, state, checkpointBytes(state, stateBytes));
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw unwritableFile(tmp, err);
  }
}

/**
 * Reads a checkpoint, verifying the size and sha256 of both tensor files against
 * state.json. Throws NotFound when there is none, CheckpointInvalid when it is corrupt
 * (NotFound naming the file when one of its files is missing).
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
  const state = await readStateFile(dir);
  checkStepMatches(dir, id, state);
  const weights = await readSafetensorsFile(path.join(dir, MODEL_FILE), state.files[MODEL_FILE]);
  const optimizer =
    opts.optimizer === false
      ? { tensors: [] }
      : await readSafetensorsFile(path.join(dir, OPTIMIZER_FILE), state.files[OPTIMIZER_FILE]);
  const stateBytes = (await fsp.stat(path.join(dir, STATE_FILE))).size;
  return {
    info: infoFrom(runDir, id, state, checkpointBytes(state, stateBytes)),
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
  return readStateFile(checkpointDir(runDir, ref));
}

/**
 * True for the errors that mean "this checkpoint is damaged" (a file missing, truncated or
 * corrupt), as opposed to a bug or a file the process may not read.
 */
export function isDamage(err: unknown): err is AppError {
  return (
    err instanceof AppError &&
    (err.code === ErrorCode.CheckpointInvalid || err.code === ErrorCode.NotFound)
  );
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
    if (isDamage(err)) return err.message;
    throw err;
  }
}

// ---------------------------------------------------------------------------
// Listing

/**
 * The cheap integrity check of one checkpoint folder: state.json parses, names its step,
 * and each file has the size it recorded. Returns the info, or throws why not.
 */
async function quickCheck(runDir: string, name: string): Promise<CheckpointInfo> {
  const dir = path.join(checkpointsDir(runDir), name);
  const state = await readStateFile(dir);
  checkStepMatches(dir, name, state);
  let bytes = (await fsp.stat(path.join(dir, STATE_FILE))).size;
  for (const f of [MODEL_FILE, OPTIMIZER_FILE] as const) {
    let size: number;
    try {
      size = (await fsp.stat(path.join(dir, f))).size;
    } catch {
      throw new Error(`${f} is missing`);
    }
    if (size !== state.files[f].bytes)
      throw new Error(`${f} has ${size} bytes, ${state.files[f].bytes} recorded`);
    bytes += size;
  }
  return infoFrom(runDir, name, state, bytes);
}

/**
 * Lists a run's checkpoints (oldest step first; averaged ones after the trained one they
 * end at) with the cheap integrity check: state.json parses and each file has the size it
 * recorded. Dot-folders (temporary, trash, .damaged) are left out silently; anything else
 * failing the check is left out and reported in `skipped`. `best` is set per `metric`.
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
    // Temporary (being written), trash (being deleted) and set-aside folders are invisible.
    if (name.startsWith('.')) continue;
    if (!isCheckpointName(name)) {
      skipped.push({ name, reason: 'not a checkpoint name' });
      continue;
    }
    try {
      checkpoints.push(await quickCheck(runDir, name));
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
 * The folder name `selector` stands for: 'best' (by `metric`; the last when no checkpoint
 * has a score yet, said in `note`) and 'last' (highest step) are looked up among the
 * complete checkpoints; a step or an id is only checked as a name, so reading it reports
 * exactly what is wrong with it (missing, truncated, corrupt).
 */
export async function resolveCheckpointId(
  runDir: string,
  selector: CheckpointSelector,
  metric: EarlyStoppingMetric,
): Promise<{ id: string; note?: string }> {
  if (selector !== 'best' && selector !== 'last') return { id: refToId(selector) };
  const picked = selectCheckpoint(await listCheckpoints(runDir, metric), selector);
  if (picked === undefined) {
    throw new AppError(
      ErrorCode.NotFound,
      `The run at ${runDir} has no complete checkpoint yet, so it has no "${selector}" one; train it until its first checkpoint.`,
    );
  }
  return picked.note === undefined
    ? { id: picked.info.id }
    : { id: picked.info.id, note: picked.note };
}

/**
 * Records validation results on an existing checkpoint (when they arrive after it was
 * written), rewriting state.json atomically.
 */
export async function annotateCheckpoint(
  runDir: string,
  ref: CheckpointRef,
  results: Pick<
    CheckpointStateInput,
    'validLoss' | 'bleu' | 'bleuSentences' | 'bleuWholeSet' | 'scoreNote'
  >,
): Promise<void> {
  const dir = checkpointDir(runDir, ref);
  const state = await readStateFile(dir);
  if (results.validLoss !== undefined) state.validLoss = results.validLoss;
  if (results.bleu !== undefined) state.bleu = results.bleu;
  // As a training checkpoint records them: the best-checkpoint rule needs the sample size.
  if (results.bleuSentences !== undefined) state.bleuSentences = results.bleuSentences;
  if (results.bleuWholeSet === true) state.bleuWholeSet = true;
  if (results.scoreNote !== undefined) state.scoreNote = results.scoreNote;
  await writeJsonAtomic(path.join(dir, STATE_FILE), state);
}

/** Deletes one checkpoint atomically (it vanishes from listings in one rename). */
export async function deleteCheckpoint(runDir: string, ref: CheckpointRef): Promise<void> {
  await removeAtomic(checkpointDir(runDir, ref));
}
