import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import type { DatasetMeta } from '../../shared/types';
import {
  assertNameFree,
  checkDatasetName,
  isDatasetId,
  listDatasets,
  makeDatasetId,
  nameKey,
} from './datasetFolder';
import { scratch } from './importFixtures.testUtil';

const dir = scratch('dataset-folder-');

async function dataset(
  datasets: string,
  id: string,
  name: string,
  createdAt: string,
): Promise<void> {
  await mkdir(join(datasets, id), { recursive: true });
  const meta = { id, name, createdAt } as DatasetMeta;
  await writeFile(join(datasets, id, 'meta.json'), JSON.stringify(meta));
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('listDatasets', () => {
  it('lists complete datasets newest first, and sweeps what killed imports and deletes left', async () => {
    const datasets = dir.next();
    await dataset(datasets, 'old-1', 'Old', '2024-01-01T00:00:00.000Z');
    await dataset(datasets, 'new-1', 'New', '2025-01-01T00:00:00.000Z');
    await dataset(datasets, 'same-b', 'B', '2024-06-01T00:00:00.000Z');
    await dataset(datasets, 'same-a', 'A', '2024-06-01T00:00:00.000Z');
    await mkdir(join(datasets, 'no-meta'));
    await dataset(datasets, 'Not_An_Id', 'X', '2030-01-01T00:00:00.000Z');
    await dataset(datasets, 'wrong-id', 'W', '2030-01-01T00:00:00.000Z');
    await writeFile(
      join(datasets, 'wrong-id', 'meta.json'),
      JSON.stringify({ id: 'other', name: 'W' }),
    );
    await mkdir(join(datasets, `.import-${deadPid()}-dead`));
    await mkdir(join(datasets, `.import-${process.pid}-alive`));
    await mkdir(join(datasets, '.trash-gone'));
    expect((await listDatasets(datasets)).map((m) => m.id)).toEqual([
      'new-1',
      'same-a',
      'same-b',
      'old-1',
    ]);
    expect((await readdir(datasets)).filter((e) => e.startsWith('.'))).toEqual([
      `.import-${process.pid}-alive`,
    ]);
    expect(await listDatasets(join(datasets, 'missing'))).toEqual([]);
  });
});

describe('names and ids', () => {
  it('compares names case- and space-insensitively and refuses a taken one', async () => {
    const datasets = dir.next();
    await dataset(datasets, 'a-1', 'Multi30k en-de', '2024-01-01T00:00:00.000Z');
    expect(nameKey('  MULTI30K EN-DE ')).toBe(nameKey('multi30k en-de'));
    await expect(assertNameFree(datasets, ' multi30k EN-DE')).rejects.toMatchObject({
      code: ErrorCode.AlreadyExists,
      details: { id: 'a-1' },
    });
    await assertNameFree(datasets, 'multi30k en-de', 'a-1');
    await assertNameFree(datasets, 'other');
  });

  it('makes file-safe ids and checks names', () => {
    const id = makeDatasetId('Über Multi30k: en→de!');
    expect(id).toMatch(/^u-ber-multi30k-en-de-[0-9a-f]{6}$/);
    expect(isDatasetId(id)).toBe(true);
    expect(makeDatasetId('日本')).toMatch(/^dataset-[0-9a-f]{6}$/);
    expect(isDatasetId('../etc')).toBe(false);
    expect(checkDatasetName('  ok  ')).toBe('ok');
    for (const bad of ['', '   ', 'a\nb', 'x'.repeat(201)])
      expect(() => checkDatasetName(bad)).toThrow(/^A dataset name must be 1 to 200 characters/);
  });
});
