/**
 * The datasets folder on disk (DESIGN.md "Data on disk"): `<home>/datasets/<id>/` with its
 * file names, ids, names, and the listing that skips and sweeps what is not a finished
 * dataset. The import writes this layout (datasetDraft.ts) and the host's dataset store
 * reads it (main/host/services/datasets.ts).
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';
import type { DatasetMeta } from '../../shared/types';
import { TRASH_PREFIX } from '../runFolder/atomicFs';

/** The files of one dataset folder. */
export const DATASET_FILES = {
  meta: 'meta.json',
  stats: 'stats.json',
  trainSrc: 'train.src',
  trainTgt: 'train.tgt',
  validSrc: 'valid.src',
  validTgt: 'valid.tgt',
  tokenizer: 'tokenizer.json',
  tokenizerSrc: 'tokenizer.src.json',
  tokenizerTgt: 'tokenizer.tgt.json',
} as const;

/** A folder an import is building: `.import-<pid>-<random>`, renamed to the id when complete. */
export const IMPORT_PREFIX = '.import-';

const ID_RE = /^[a-z0-9][a-z0-9-]{0,80}$/;

/** The datasets folder of a studio home. */
export function datasetsDir(home: string): string {
  return join(home, 'datasets');
}

/** Whether `id` has the shape of a dataset id (so it cannot name a path outside the folder). */
export function isDatasetId(id: unknown): id is string {
  return typeof id === 'string' && ID_RE.test(id);
}

/** A URL- and file-safe id from a name plus randomness: `multi30k-en-de-3f9a1c`. */
export function makeDatasetId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug === '' ? 'dataset' : slug}-${randomBytes(3).toString('hex')}`;
}

/** Names compare trimmed, NFC-normalised and case-insensitively. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/** A name as stored: trimmed, 1 to 200 characters, no control characters; else InvalidArgument. */
export function checkDatasetName(name: string): string {
  const clean = typeof name === 'string' ? name.trim() : '';
  // Control characters (line breaks, tabs, NUL) have no place in a name shown in lists.
  const hasControl = [...clean].some((ch) => ch.charCodeAt(0) < 0x20);
  if (clean === '' || clean.length > 200 || hasControl) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      'A dataset name must be 1 to 200 characters of text without line breaks.',
    );
  }
  return clean;
}

/** Reads `<dir>/<id>/meta.json`; throws (a plain Error) when it is missing or not this dataset's. */
export async function readDatasetMeta(dir: string, id: string): Promise<DatasetMeta> {
  const meta = JSON.parse(await readFile(join(dir, id, DATASET_FILES.meta), 'utf8')) as DatasetMeta;
  if (typeof meta !== 'object' || meta === null || meta.id !== id || typeof meta.name !== 'string')
    throw new Error('bad meta');
  return meta;
}

/** Every complete dataset in `dir`, newest first. Also sweeps folders left by killed imports. */
export async function listDatasets(dir: string): Promise<DatasetMeta[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const out: DatasetMeta[] = [];
  for (const entry of entries) {
    if (entry.startsWith('.')) {
      await sweep(dir, entry);
      continue;
    }
    if (!isDatasetId(entry)) continue;
    try {
      out.push(await readDatasetMeta(dir, entry));
    } catch {
      // A folder without a readable meta.json is not a dataset (never produced by import).
    }
  }
  out.sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name.localeCompare(b.name),
  );
  return out;
}

/** AlreadyExists when a dataset in `dir` other than `exceptId` has this name (case-insensitively). */
export async function assertNameFree(dir: string, name: string, exceptId?: string): Promise<void> {
  const key = nameKey(name);
  const clash = (await listDatasets(dir)).find((m) => nameKey(m.name) === key && m.id !== exceptId);
  if (clash !== undefined) {
    throw new AppError(
      ErrorCode.AlreadyExists,
      `A dataset named "${clash.name}" already exists; choose another name, or rename or delete the existing one.`,
      { name, id: clash.id },
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Removes a dot-folder left by a killed import (its process is gone) or an interrupted delete. */
async function sweep(dir: string, entry: string): Promise<void> {
  const m = /^\.import-(\d+)-/.exec(entry);
  const stale = entry.startsWith(TRASH_PREFIX) || (m !== null && !isAlive(Number(m[1])));
  if (stale) await rm(join(dir, entry), { recursive: true, force: true }).catch(() => undefined);
}
