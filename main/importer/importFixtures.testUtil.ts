/**
 * Test helpers for the import stages: a scratch folder per test file, corpus files written
 * into it (gzipped on request), and deterministic sentence pairs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { inspectFile } from './datasetsIO';
import type { CorpusFileInfo } from './datasetsIO';

/** A scratch folder made before the file's tests and removed after them. */
export function scratch(prefix: string): { readonly root: string; next(): string } {
  let root = '';
  let n = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    /** A fresh, not yet existing path inside the scratch folder. */
    next: () => join(root, `p${n++}`),
  };
}

/** Writes `content` to `<dir>/<name>` (gzipped when `gz`) and returns its path. */
export async function writeCorpus(
  dir: string,
  name: string,
  content: string | Uint8Array,
  gz = false,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  await writeFile(path, gz ? gzipSync(bytes) : bytes);
  return path;
}

/** Writes a corpus file and inspects it. */
export async function corpusFile(
  dir: string,
  name: string,
  content: string | Uint8Array,
  gz = false,
): Promise<CorpusFileInfo> {
  return inspectFile(await writeCorpus(dir, name, content, gz));
}

/** Lines joined with a newline after each. */
export const lines = (xs: readonly string[]): string => xs.map((x) => `${x}\n`).join('');

/** `count` distinct English-German-like pairs: `en i` / `de i` with a few words. */
export function pairs(count: number): [string, string][] {
  const en = ['the', 'dog', 'sees', 'a', 'red', 'ball', 'in', 'the', 'park'];
  const de = ['der', 'Hund', 'sieht', 'einen', 'roten', 'Ball', 'im', 'Park', 'heute'];
  return Array.from({ length: count }, (_, i) => {
    const k = 2 + (i % 6);
    return [`${en.slice(0, k).join(' ')} ${i}`, `${de.slice(0, k).join(' ')} ${i}`];
  });
}
