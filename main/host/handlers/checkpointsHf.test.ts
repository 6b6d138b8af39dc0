/**
 * Hugging Face export and import through the studio's calls with the real engine worker
 * (issue 12): a trained checkpoint exported as a MarianMT folder and imported back is a new
 * run at step 0 that translates exactly as the original (greedy and beam); in web mode the
 * export is one .zip in <home>/exports for the browser to download.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Translation, TranslateRequest } from '../../../shared/types';
import { readCheckpoint, readCheckpointState } from '../../runFolder/checkpointStore';
import { sampleCorpus } from '../cli/train';
import { createStudio, type Studio } from '../studio';

let home: string;
let studio: Studio;
let runId: string;
let datasetId: string;

const REQUESTS: Omit<TranslateRequest, 'runId' | 'checkpoint'>[] = [
  'The red dog sleeps in the garden.',
  'Two children play on the beach.',
].flatMap((text) => [
  { text, mode: 'greedy' as const },
  { text, mode: 'beam' as const, beamSize: 3, nbest: 3 },
]);

async function translations(id: string, checkpoint: string) {
  const out: Pick<Translation, 'srcTokens' | 'hypotheses'>[] = [];
  for (const request of REQUESTS) {
    const { srcTokens, hypotheses } = await studio.handlers.translate({
      ...request,
      runId: id,
      checkpoint,
    });
    out.push({ srcTokens, hypotheses });
  }
  return out;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-hf-'));
  studio = createStudio({ home, backend: 'wasm' });
  const sample = sampleCorpus();
  const dataset = await studio.datasets.import([sample.src, sample.tgt], {
    name: 'sample',
    vocabSize: 300,
    validation: { fraction: 0.02, seed: 1 },
  });
  const run = await studio.handlers.runCreate({
    datasetId: dataset.id,
    preset: 'tiny',
    train: {
      batchTokens: 192,
      maxSteps: 10,
      warmupSteps: 4,
      validEvery: 10,
      bleuEvery: 0,
      checkpointEvery: 10,
      keepLast: 1,
      seed: 3,
    },
  });
  runId = run.id;
  datasetId = dataset.id;
  const ended = studio.controller.waitForEnd(runId);
  await studio.handlers.runStart({ runId });
  expect((await ended).status).toBe('completed');
});

afterAll(async () => {
  await studio?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('Hugging Face export and import with the real engine', () => {
  it('export-hf -> import-hf gives a run at step 0 whose translations are identical', async () => {
    const { path } = await studio.handlers.checkpointExportHf({ runId, id: '10' });
    expect(path).toBe(join(home, 'exports', `${runId}-10-hf`));
    expect(await readdir(path)).toContain('model.safetensors');
    // A second click gets its own folder rather than a refusal.
    const again = await studio.handlers.checkpointExportHf({ runId, id: '10' });
    expect(again.path).toBe(`${path}-2`);

    const imported = await studio.handlers.checkpointImportHf({ path, name: 'from hf' });
    expect(imported).toMatchObject({ name: 'from hf', status: 'stopped', step: 0 });
    expect(
      (await studio.handlers.checkpointsList({ runId: imported.id })).map((c) => c.id),
    ).toEqual(['0']);
    const original = await translations(runId, '10');
    expect(original.some((t) => t.hypotheses.length > 1)).toBe(true);
    expect(await translations(imported.id, '0')).toEqual(original);
  });
});

describe('fine-tuning an imported model', () => {
  it('resumes the step-0 run on a dataset, tokenized with the imported tokenizer', async () => {
    const { path } = await studio.handlers.checkpointExportHf({ runId, id: '10' });
    const imported = await studio.handlers.checkpointImportHf({ path, datasetId });
    expect(imported.datasetId).toBe(datasetId);
    const start = await readCheckpointState(studio.runs.runDir(imported.id), '0');
    expect(start).toMatchObject({ step: 0, resumable: true });
    const ended = studio.controller.waitForEnd(imported.id);
    await studio.handlers.runStart({ runId: imported.id, overrides: { maxSteps: 3 } });
    expect((await ended).status).toBe('completed');
    const after = await studio.runs.get(imported.id);
    expect(after.step).toBe(3);
    const metrics = await studio.handlers.runMetrics({ runId: imported.id });
    const losses = metrics.flatMap((m) => (m.kind === 'train' ? [m.loss] : []));
    expect(losses.length).toBeGreaterThan(0);
    expect(losses.every(Number.isFinite)).toBe(true);
    // It trained from the imported weights, not from a fresh initialisation: three warm-up
    // steps moved them by a small fraction of their size.
    const dir = studio.runs.runDir(imported.id);
    const [before, after3] = await Promise.all(
      ['0', '3'].map((c) => readCheckpoint(dir, c, { optimizer: false })),
    );
    let moved = 0;
    let size = 0;
    const later = new Map(after3!.weights.map((t) => [t.name, t.data]));
    before!.weights.forEach((t) => {
      t.data.forEach((x, j) => {
        moved += Math.abs(later.get(t.name)![j]! - x);
        size += Math.abs(x);
      });
    });
    expect(moved).toBeGreaterThan(0);
    expect(moved / size).toBeLessThan(0.01);
  });
});

describe('web mode', () => {
  it('exports a zip inside <home>/exports holding the whole folder', async () => {
    const web = createStudio({ home, backend: 'wasm', confineFilesToHome: true });
    try {
      const { path } = await web.handlers.checkpointExportHf({ runId, id: '10' });
      expect(path.startsWith(join(home, 'exports'))).toBe(true);
      expect(path.endsWith('.zip')).toBe(true);
      const listing = spawnSync('unzip', ['-Z1', path], { encoding: 'utf8' });
      if (listing.error === undefined) {
        expect(listing.stdout.trim().split('\n').sort()).toEqual([
          'README.md',
          'config.json',
          'generation_config.json',
          'model.safetensors',
          'special_tokens_map.json',
          'tokenizer.json',
          'tokenizer_config.json',
        ]);
        expect(spawnSync('unzip', ['-tq', path], { encoding: 'utf8' }).status).toBe(0);
      } else {
        console.warn(
          `unzip is not installed, so the zip's contents were not listed (${listing.error.message}).`,
        );
      }
    } finally {
      await web.dispose();
    }
  });
});
