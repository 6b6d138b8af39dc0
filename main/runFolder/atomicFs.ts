/**
 * Crash-safe file primitives: everything the studio writes goes through a temporary
 * name, fsync and rename, so a process killed at any moment leaves either the old
 * file or the new one, never a mix (DESIGN.md "Data on disk").
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** Prefix of folders and files being written; never listed, removed on cleanup. */
export const TEMP_PREFIX = '.tmp-';
/** Prefix of folders and files being deleted; never listed, removed on cleanup. */
export const TRASH_PREFIX = '.trash-';

/** A short random suffix that keeps concurrent temporary names apart. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Flushes a directory's entries to disk, so a rename or create inside it survives a
 * power loss. Windows cannot open directories for fsync; there the rename itself is
 * the best the platform offers, so the error is ignored.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (process.platform !== 'win32') throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `data` to `file` atomically: a temporary sibling is written and fsynced, then
 * renamed over `file`, then the folder is fsynced. Readers see the old or the new content.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `${TEMP_PREFIX}${path.basename(file)}-${randomSuffix()}`);
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

/** `writeFileAtomic` of pretty-printed JSON with a trailing newline. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Deletes a file or folder tree so that it disappears from listings in one step: it is
 * renamed to a `.trash-` sibling (atomic), the parent is fsynced, then the trash is
 * removed. A crash during the removal leaves only a `.trash-` entry, which listings
 * ignore and `removeLeftovers` clears. Missing paths are not an error.
 */
export async function removeAtomic(target: string): Promise<void> {
  const dir = path.dirname(target);
  const trash = path.join(dir, `${TRASH_PREFIX}${path.basename(target)}-${randomSuffix()}`);
  try {
    await fsp.rename(target, trash);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await fsyncDir(dir);
  await fsp.rm(trash, { recursive: true, force: true });
}

/**
 * Removes `.tmp-` and `.trash-` entries a killed process left in `dir`. Only call it
 * when no other process is writing into `dir` (e.g. before resuming a run), because a
 * live writer's temporary folder looks the same. Returns the names removed.
 */
export async function removeLeftovers(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const stale = names.filter((n) => n.startsWith(TEMP_PREFIX) || n.startsWith(TRASH_PREFIX));
  for (const name of stale) await fsp.rm(path.join(dir, name), { recursive: true, force: true });
  return stale;
}

/** sha256 (hex) of a file, streamed so large weight files are never held in memory. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256 (hex) of a string (UTF-8) or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** True when `file` exists (any kind of entry). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.lstat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
