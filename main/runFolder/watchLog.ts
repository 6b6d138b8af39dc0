/**
 * The watch-it-learn files of a run folder: pinned.json (the sentences the user pinned,
 * written atomically by the host) and watch.jsonl (one WatchRecord per validation point,
 * appended by the engine worker). A torn last line (a crash mid-append) is skipped; the
 * recording is a view of training, so it is not fsynced at every point as metrics are.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { WatchRecord } from '../../shared/inside';
import { writeJsonAtomic } from './atomicFs';

export const PINS_FILE = 'pinned.json';
export const WATCH_FILE = 'watch.jsonl';

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The run's pinned sentences ([] when none were pinned or the file is unreadable JSON). */
export async function readPins(runDir: string): Promise<string[]> {
  const text = await readText(path.join(runDir, PINS_FILE));
  if (text === undefined) return [];
  try {
    const value = JSON.parse(text) as { sentences?: unknown };
    return Array.isArray(value.sentences)
      ? value.sentences.filter((s): s is string => typeof s === 'string')
      : [];
  } catch {
    return [];
  }
}

export async function writePins(runDir: string, sentences: readonly string[]): Promise<void> {
  await writeJsonAtomic(path.join(runDir, PINS_FILE), { sentences });
}

export async function appendWatch(runDir: string, record: WatchRecord): Promise<void> {
  await fsp.appendFile(path.join(runDir, WATCH_FILE), `${JSON.stringify(record)}\n`, 'utf8');
}

/** Every whole record of watch.jsonl, oldest first (unparsable lines are skipped). */
export async function readWatch(runDir: string): Promise<WatchRecord[]> {
  const text = await readText(path.join(runDir, WATCH_FILE));
  if (text === undefined) return [];
  const records: WatchRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as WatchRecord;
      if (typeof r.step === 'number' && Array.isArray(r.translations)) records.push(r);
    } catch {
      // A line torn by a crash: the next points still record.
    }
  }
  return records;
}
