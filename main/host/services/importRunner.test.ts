import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { ImportProgress } from '../../../shared/types';
import { createDatasetService } from './datasets';
import { checkInWorker, importInWorker } from './importRunner';

const home = mkdtempSync(join(tmpdir(), 'studio-importer-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function corpus(lines: number): [string, string] {
  const src = join(home, `c${lines}.en`);
  const tgt = join(home, `c${lines}.de`);
  const en: string[] = [];
  const de: string[] = [];
  for (let i = 0; i < lines; i++) {
    en.push(`the house number ${i} is red`);
    de.push(`das Haus Nummer ${i} ist rot`);
  }
  writeFileSync(src, `${en.join('\n')}\n`);
  writeFileSync(tgt, `${de.join('\n')}\n`);
  return [src, tgt];
}

describe('importing in a worker thread', () => {
  it('imports the same dataset the service would, with progress', async () => {
    const progress: ImportProgress[] = [];
    const meta = await importInWorker(
      home,
      corpus(400),
      { name: 'houses', vocabSize: 120 },
      { onProgress: (p) => progress.push(p) },
    );
    expect(meta.name).toBe('houses');
    expect(meta.trainPairs + meta.validPairs).toBe(400);
    expect(progress.at(-1)?.phase).toBe('done');
    expect((await createDatasetService(home).list()).map((d) => d.id)).toContain(meta.id);
  });

  it('keeps the error code and sentence of a failed import', async () => {
    const [src] = corpus(10);
    const short = join(home, 'short.de');
    writeFileSync(short, 'nur eine Zeile\n');
    await expect(importInWorker(home, [src, short], {})).rejects.toMatchObject({
      code: ErrorCode.CorpusLineCountMismatch,
      message: expect.stringContaining('short.de'),
    });
  });

  it('a cancelled import leaves nothing listed', async () => {
    const controller = new AbortController();
    const before = (await createDatasetService(home).list()).length;
    const running = importInWorker(
      home,
      corpus(20_000),
      { name: 'cancelled' },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect((await createDatasetService(home).list()).length).toBe(before);
  });

  it('checks every line in the worker and answers with the problem, writing nothing', async () => {
    const [src] = corpus(30);
    const short = join(home, 'short29.de');
    writeFileSync(short, `${Array.from({ length: 29 }, (_, i) => `Zeile ${i}`).join('\n')}\n`);
    const before = (await createDatasetService(home).list()).length;
    const check = await checkInWorker([src, short], {});
    expect(check.problem).toMatchObject({ code: ErrorCode.CorpusLineCountMismatch });
    expect(check.problem?.message).toContain('short29.de');
    expect((await createDatasetService(home).list()).length).toBe(before);
  });
});
