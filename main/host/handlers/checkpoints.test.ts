/**
 * Checkpoint calls end to end with the real engine worker (issue 6 "Tests"): a checkpoint
 * exported to one file and imported as a new run translates exactly as the original does
 * (greedy and beam, same hypotheses and scores), and an average of two checkpoints is their
 * mean and translates.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Translation, TranslateRequest } from '../../../shared/types';
import { sampleCorpus } from '../cli/train';
import { readCheckpoint } from '../../runFolder/checkpointStore';
import { createStudio, type Studio } from '../studio';

let home: string;
let studio: Studio;
let runId: string;

const SENTENCES = [
  'The red dog sleeps in the garden.',
  'A man is reading a book.',
  'Two children play on the beach.',
];

/** Greedy, and beam with an n-best list, for every sentence. */
const REQUESTS: Omit<TranslateRequest, 'runId' | 'checkpoint'>[] = SENTENCES.flatMap((text) => [
  { text, mode: 'greedy' as const },
  { text, mode: 'beam' as const, beamSize: 3, nbest: 3 },
]);

async function translateAll(id: string, checkpoint: string): Promise<Translation[]> {
  const out: Translation[] = [];
  for (const request of REQUESTS) {
    out.push(await studio.handlers.translate({ ...request, runId: id, checkpoint }));
  }
  return out;
}

/** What must be identical: everything but the timing. */
function decoded(translations: Translation[]) {
  return translations.map(({ srcTokens, hypotheses }) => ({ srcTokens, hypotheses }));
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-ckpt-'));
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
      maxSteps: 20,
      warmupSteps: 8,
      validEvery: 10,
      bleuEvery: 0,
      checkpointEvery: 10,
      keepLast: 3,
      seed: 7,
    },
  });
  runId = run.id;
  const ended = studio.controller.waitForEnd(runId);
  await studio.handlers.runStart({ runId });
  expect((await ended).status).toBe('completed');
});

afterAll(async () => {
  await studio?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('checkpoint handlers with the real engine', () => {
  it('export -> import gives a new run whose translations are identical', async () => {
    expect((await studio.handlers.checkpointsList({ runId })).map((c) => c.id)).toEqual([
      '10',
      '20',
    ]);
    const { path } = await studio.handlers.checkpointExport({ runId, id: '20' });
    expect(existsSync(path)).toBe(true);
    const imported = await studio.handlers.checkpointImport({ path, name: 'imported' });
    expect(imported.id).not.toBe(runId);
    expect(imported).toMatchObject({ name: 'imported', status: 'stopped', step: 20 });
    const importedCheckpoints = await studio.handlers.checkpointsList({ runId: imported.id });
    expect(importedCheckpoints.map((c) => c.id)).toEqual(['20']);

    const original = await translateAll(runId, '20');
    const copy = await translateAll(imported.id, 'last');
    expect(copy.map((t) => t.checkpoint)).toEqual(original.map(() => '20'));
    for (const t of original) {
      expect(t.hypotheses.length).toBeGreaterThanOrEqual(1);
      for (const h of t.hypotheses) expect(Number.isFinite(h.score)).toBe(true);
    }
    // Beam mode returns an n-best list, so more than one hypothesis is compared.
    expect(original.some((t) => t.hypotheses.length > 1)).toBe(true);
    expect(decoded(copy)).toEqual(decoded(original));
  });

  it('averages two checkpoints into their mean, which translates and survives export -> import', async () => {
    const avg = await studio.handlers.checkpointsAverage({ runId, ids: ['10', '20'] });
    expect(avg).toMatchObject({ id: 'avg-10-20', step: 20, averagedFrom: [10, 20] });
    const ids = (await studio.handlers.checkpointsList({ runId })).map((c) => c.id);
    expect(ids).toContain('avg-10-20');

    const runDir = studio.runs.runDir(runId);
    const [a, b, mean] = await Promise.all(
      ['10', '20', 'avg-10-20'].map((id) => readCheckpoint(runDir, id, { optimizer: false })),
    );
    expect(mean!.weights.map((t) => t.name)).toEqual(a!.weights.map((t) => t.name));
    mean!.weights.forEach((t, i) => {
      const x = a!.weights[i]!.data;
      const y = b!.weights[i]!.data;
      t.data.forEach((v, j) => {
        if (v !== Math.fround(Math.fround(x[j]! + y[j]!) * 0.5)) {
          throw new Error(`${t.name}[${j}] = ${v} is not the mean of ${x[j]} and ${y[j]}.`);
        }
      });
    });

    const averaged = await translateAll(runId, 'avg-10-20');
    for (const t of averaged) {
      expect(t.checkpoint).toBe('avg-10-20');
      expect(t.hypotheses.length).toBeGreaterThanOrEqual(1);
      expect(t.hypotheses[0]!.tokens.length).toBeGreaterThan(0);
      for (const h of t.hypotheses) expect(Number.isFinite(h.score)).toBe(true);
    }

    const { path } = await studio.handlers.checkpointExport({ runId, id: 'avg-10-20' });
    const imported = await studio.handlers.checkpointImport({ path });
    expect(
      (await studio.handlers.checkpointsList({ runId: imported.id })).map((c) => c.id),
    ).toEqual(['avg-10-20']);
    expect(decoded(await translateAll(imported.id, 'avg-10-20'))).toEqual(decoded(averaged));
  });
});
