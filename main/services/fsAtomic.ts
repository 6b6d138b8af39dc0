/**
 * Atomic file and folder writes (DESIGN.md "Data on disk"): write a temporary file,
 * fsync it, rename it over the target, fsync the folder. A reader sees the old content
 * or the new, never half of it, even if the process dies in between.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** Flushes a folder's entry table, so a rename inside it survives a power cut. No-op where folders cannot be opened (Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot fsync a folder (EPERM/EISDIR); NTFS journals renames anyway.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Writes `data` to `path` atomically (temporary sibling, fsync, rename, fsync folder). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Writes JSON (pretty, with a final newline) atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
