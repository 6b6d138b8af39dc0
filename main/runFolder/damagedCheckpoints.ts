/**
 * Damaged checkpoints are evidence, never silently skipped, deleted or overwritten: a resume
 * finds the newest checkpoint it can continue from and says why each newer one was rejected
 * (truncated or missing file, corrupt state.json, sha256 mismatch); the rejected folders are
 * then set aside under checkpoints/.damaged/<id>-<timestamp>/ with a damage.json saying why.
 * Listing and retention never look inside .damaged (it is a dot-folder). No tfjs here.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { CheckpointInfo } from '../../shared/types';
import { exists, fsyncDir, randomSuffix, writeJsonAtomic } from './atomicFs';
import type { CheckpointState } from './checkpointFormat';
import {
  CHECKPOINTS_DIR,
  checkpointsDir,
  isCheckpointName,
  readCheckpointState,
  scanCheckpoints,
  verifyCheckpoint,
} from './checkpointStore';

/** The folder under checkpoints/ that holds checkpoints set aside as damaged. */
export const DAMAGED_DIR = '.damaged';
/** The note written into each set-aside folder. */
export const DAMAGE_NOTE_FILE = 'damage.json';

/** A checkpoint a resume could not use, and why (a sentence or a short clause). */
export interface RejectedCheckpoint {
  id: string;
  reason: string;
}

/** A rejected checkpoint after it was set aside. */
export interface SetAsideCheckpoint extends RejectedCheckpoint {
  /** Where it is now, relative to the run folder (checkpoints/.damaged/<id>-<timestamp>). */
  movedTo: string;
  /** ISO time it was set aside. */
  setAsideAt: string;
}

/** What a run folder offers a resume; reading only, nothing is changed. */
export interface ResumeCandidates {
  /** The newest trained checkpoint that passes the full check and holds optimiser state. */
  checkpoint: CheckpointInfo | null;
  /** Its state.json; null with no checkpoint. */
  state: CheckpointState | null;
  /**
   * Checkpoint folders that are damaged: any failing the cheap check (state.json, sizes),
   * and trained ones newer than `checkpoint` failing the full check (sha256), newest first.
   */
  rejected: RejectedCheckpoint[];
  /** Complete trained checkpoints newer than `checkpoint` without optimiser state (weights-only imports). */
  notResumable: string[];
}

/**
 * Finds the checkpoint a resume continues from. Every folder with a checkpoint's name that
 * fails the cheap check is rejected; then trained checkpoints are fully verified from the
 * newest until one passes and is resumable. Older checkpoints are not hashed (they are
 * not used). Reads only.
 */
export async function findResumeCheckpoint(runDir: string): Promise<ResumeCandidates> {
  const { checkpoints, skipped } = await scanCheckpoints(runDir);
  // Reasons name files relative to the run folder: checkpoints/4/state.json, not /home/...
  const short = (reason: string): string => reason.split(`${runDir}${path.sep}`).join('');
  const rejected: RejectedCheckpoint[] = skipped
    .filter((s) => isCheckpointName(s.name))
    .map((s) => ({ id: s.name, reason: short(s.reason) }));
  const notResumable: string[] = [];
  let checkpoint: CheckpointInfo | null = null;
  let state: CheckpointState | null = null;
  for (const c of [...checkpoints].reverse()) {
    if (c.averagedFrom !== undefined) continue;
    const reason = await verifyCheckpoint(runDir, c.id);
    if (reason !== null) {
      rejected.push({ id: c.id, reason: short(reason) });
      continue;
    }
    const s = await readCheckpointState(runDir, c.id);
    if (!s.resumable) {
      notResumable.push(c.id);
      continue;
    }
    checkpoint = c;
    state = s;
    break;
  }
  // Newest first, the order a person reads "why not this one".
  rejected.sort((a, b) => stepOf(b.id) - stepOf(a.id) || a.id.localeCompare(b.id));
  return { checkpoint, state, rejected, notResumable };
}

function stepOf(id: string): number {
  const m = /^(?:avg-.*-)?(\d+)$/.exec(id);
  return m ? Number(m[1]) : -1;
}

/** `20250601T142233123Z`: sortable, and legal in a folder name on every OS. */
function stamp(time: Date): string {
  return time.toISOString().replace(/[-:.]/g, '');
}

/**
 * Moves each rejected checkpoint folder to checkpoints/.damaged/<id>-<timestamp>/ (one
 * rename each, so it is never half moved) and writes damage.json inside with the reason.
 * Nothing is deleted. Returns where each went.
 */
export async function setAsideDamaged(
  runDir: string,
  rejected: readonly RejectedCheckpoint[],
  now = new Date(),
): Promise<SetAsideCheckpoint[]> {
  if (rejected.length === 0) return [];
  const root = checkpointsDir(runDir);
  const damaged = path.join(root, DAMAGED_DIR);
  const created = await fsp.mkdir(damaged, { recursive: true });
  if (created !== undefined) await fsyncDir(root);
  const out: SetAsideCheckpoint[] = [];
  for (const r of rejected) {
    let name = `${r.id}-${stamp(now)}`;
    if (await exists(path.join(damaged, name))) name = `${name}-${randomSuffix()}`;
    await fsp.rename(path.join(root, r.id), path.join(damaged, name));
    const entry: SetAsideCheckpoint = {
      ...r,
      movedTo: path.posix.join(CHECKPOINTS_DIR, DAMAGED_DIR, name),
      setAsideAt: now.toISOString(),
    };
    await writeJsonAtomic(path.join(damaged, name, DAMAGE_NOTE_FILE), entry);
    out.push(entry);
  }
  await fsyncDir(damaged);
  await fsyncDir(root);
  return out;
}

/** The checkpoints set aside in a run so far, oldest first (for `checkpoints list`). */
export async function listSetAside(runDir: string): Promise<SetAsideCheckpoint[]> {
  const damaged = path.join(checkpointsDir(runDir), DAMAGED_DIR);
  let names: string[];
  try {
    names = await fsp.readdir(damaged);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: SetAsideCheckpoint[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const movedTo = path.posix.join(CHECKPOINTS_DIR, DAMAGED_DIR, name);
    try {
      const note = JSON.parse(
        await fsp.readFile(path.join(damaged, name, DAMAGE_NOTE_FILE), 'utf8'),
      ) as Partial<SetAsideCheckpoint>;
      out.push({
        id: typeof note.id === 'string' ? note.id : name,
        reason: typeof note.reason === 'string' ? note.reason : 'no reason recorded',
        setAsideAt: typeof note.setAsideAt === 'string' ? note.setAsideAt : '',
        movedTo,
      });
    } catch {
      // Set aside by hand, or the note was lost: still list it, without a reason.
      out.push({ id: name, reason: 'no reason recorded', setAsideAt: '', movedTo });
    }
  }
  return out;
}
