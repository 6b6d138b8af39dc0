/** runCreate labels a run by the preset its settings are, however the settings were sent. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../shared/types';
import type { DatasetMeta } from '../../../shared/types';
import { sampleCorpus } from '../cli/train';
import { createStudio, type Studio } from '../studio';

let home: string;
let studio: Studio;
let dataset: DatasetMeta;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-runs-'));
  studio = createStudio({ home, backend: 'wasm' });
  const sample = sampleCorpus();
  dataset = await studio.datasets.import([sample.src, sample.tgt], {
    name: 'sample',
    vocabSize: 200,
  });
});

afterAll(async () => {
  await studio?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('runCreate', () => {
  it('labels an untouched preset by its name even when every knob is sent', async () => {
    const run = await studio.handlers.runCreate({
      datasetId: dataset.id,
      preset: 'tiny',
      model: { ...PRESETS.tiny.model },
      train: { ...PRESETS.tiny.train },
    });
    expect(run.preset).toBe('tiny');
  });

  it('labels a run with one changed setting custom', async () => {
    const run = await studio.handlers.runCreate({
      datasetId: dataset.id,
      preset: 'tiny',
      train: { maxSteps: 401 },
    });
    expect(run.preset).toBe('custom');
  });
});
