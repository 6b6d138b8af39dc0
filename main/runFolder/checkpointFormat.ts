/**
 * The files of one checkpoint folder and their format:
 *   model.safetensors      the weights, named by what they are (encoder.layers.0.self_attn.w_q)
 *   optimizer.safetensors  Adam moments optimizer.m.<weight> and optimizer.v.<weight>
 *   state.json             everything else needed to continue exactly, plus the byte size
 *                          and sha256 of both tensor files
 * This module reads and writes single files (streaming, hashing while it goes) and parses
 * state.json; which folders exist and how they are named is checkpointStore.ts's business.
 * No tfjs here: the engine worker converts its variables to NamedTensors and back.
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';
import type { NamedTensor } from '../../shared/namedTensor';
import type { ModelConfig, TrainConfig } from '../../shared/types';
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
  /** Validation sentences `bleu` was computed on, and whether they were all of them. */
  bleuSentences?: number;
  bleuWholeSet?: boolean;
  /** Steps of the checkpoints this one averages (set by averaging only). */
  averagedFrom?: number[];
  /** Why an average has no scores (e.g. its run's dataset was gone), in a sentence. */
  scoreNote?: string;
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

// ---------------------------------------------------------------------------
// File-system failures as sentences

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a path could not be used, in words a person can act on. */
function why(err: unknown): string {
  switch (errnoOf(err)) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'permission was denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EEXIST':
      // Only creating a folder meets it here: a file already has that name.
      return 'it is a file, not a folder';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** An AppError for a file that cannot be opened or read (NotFound when it is missing). */
export function unreadableFile(file: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError(
    errnoOf(err) === 'ENOENT' ? ErrorCode.NotFound : ErrorCode.FileUnreadable,
    `${file} cannot be read: ${why(err)}.`,
    { file },
  );
}

/** An AppError for a file or folder that cannot be created or written. */
export function unwritableFile(file: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError(
    ErrorCode.FileUnwritable,
    `${file} cannot be written: ${why(err)}. Choose another place or free some space.`,
    { file },
  );
}

// ---------------------------------------------------------------------------
// safetensors files

/**
 * Writes tensors as a safetensors file, streaming each tensor's bytes (no second copy of
 * the weights in memory), fsyncs it, and returns its size and sha256. A file that cannot
 * be written is a FileUnwritable error naming `label` (the file a person asked for, when
 * `file` is a temporary name beside it).
 */
export async function writeSafetensorsFile(
  file: string,
  tensors: readonly NamedTensor[],
  metadata: Record<string, string> = {},
  label = file,
): Promise<FileDigest> {
  validateTensors(tensors, label);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const handle = await fsp.open(file, 'w');
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
  } catch (err) {
    throw unwritableFile(label, err);
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
 * CheckpointInvalid error names the file. A missing file is NotFound, a folder or an
 * unreadable file FileUnreadable, each with one sentence.
 */
export async function readSafetensorsFile(
  file: string,
  expect?: FileDigest,
): Promise<SafetensorsContent> {
  let handle: fsp.FileHandle;
  let size: number;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    throw unreadableFile(file, err);
  }
  try {
    try {
      const st = await handle.stat();
      // Opening a folder succeeds on Linux; reading it would fail with a bare EISDIR.
      if (st.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
      size = st.size;
    } catch (err) {
      throw unreadableFile(file, err);
    }
    if (expect && size !== expect.bytes) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `The file ${file} has ${size} bytes but its checkpoint recorded ${expect.bytes}; it is truncated or was changed.`,
        { file },
      );
    }
    const hash = createHash('sha256');
    const first8 = new Uint8Array(8);
    try {
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
    } catch (err) {
      throw unreadableFile(file, err);
    }
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

/**
 * Reads and validates `dir`/state.json. NotFound ("There is no checkpoint at ...") when the
 * file is missing, FileUnreadable when it cannot be read, CheckpointInvalid when it is bad.
 */
export async function readStateFile(dir: string): Promise<CheckpointState> {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') {
      throw new AppError(ErrorCode.NotFound, `There is no checkpoint at ${dir}.`, { file });
    }
    throw unreadableFile(file, err);
  }
  return parseCheckpointState(text, file);
}

/** Writes `state` as `dir`/state.json and fsyncs it (the folder is renamed into place later). */
export async function writeStateFile(dir: string, state: CheckpointState): Promise<number> {
  const file = path.join(dir, STATE_FILE);
  const text = `${JSON.stringify(state, null, 2)}\n`;
  try {
    const handle = await fsp.open(file, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw unwritableFile(file, err);
  }
  return Buffer.byteLength(text);
}

/** Bytes of a checkpoint on disk: both tensor files as recorded, plus state.json. */
export function checkpointBytes(state: CheckpointState, stateBytes: number): number {
  return state.files[MODEL_FILE].bytes + state.files[OPTIMIZER_FILE].bytes + stateBytes;
}
