/**
 * The evaluate call with the real engine worker: a tiny trained run's checkpoints translate
 * a test set, scored as sacreBLEU would score the hypotheses returned, with progress.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { EvaluateProgress } from '../../../shared/evaluation';
import { corpusBleu } from '../../eval/bleu';
import { sampleCorpus } from '../cli/train';
import { createStudio, type Studio } from '../studio';

let home: string;
let studio: Studio;
let runId: string;
let src: string;
let ref: string;
const progress: EvaluateProgress[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-eval-'));
  studio = createStudio({ home, backend: 'wasm' });
  studio.events.subscribe((event, payload) => {
    if (event === 'evaluateProgress') progress.push(payload as EvaluateProgress);
  });
  const sample = sampleCorpus();
  const dataset = await studio.datasets.import([sample.src, sample.tgt], {
    name: 'sample',
    vocabSize: 200,
    validation: { fraction: 0.02, seed: 1 },
  });
  const run = await studio.handlers.runCreate({
    datasetId: dataset.id,
    preset: 'tiny',
    train: { batchTokens: 128, maxSteps: 10, validEvery: 5, bleuEvery: 0, checkpointEvery: 5 },
  });
  runId = run.id;
  const ended = studio.controller.waitForEnd(runId);
  await studio.handlers.runStart({ runId });
  expect((await ended).status).toBe('completed');
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, 6);
  src = join(home, 'test.en');
  ref = join(home, 'test.de');
  writeFileSync(src, `${lines(sample.src).join('\n')}\n`);
  writeFileSync(ref, `${lines(sample.tgt).join('\n')}\n`);
});

afterAll(async () => {
  await studio?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('evaluate', () => {
  it('scores two checkpoints as sacreBLEU scores their hypotheses, with progress to the end', async () => {
    const result = await studio.handlers.evaluate({
      evalId: 'e1',
      runId,
      checkpoints: ['5', 'last'],
      src,
      ref,
      mode: 'greedy',
    });
    expect(result.results.map((r) => r.checkpoint)).toEqual(['5', '10']);
    const refs = readFileSync(ref, 'utf8').trimEnd().split('\n');
    for (const r of result.results) {
      expect(r.sentences).toHaveLength(6);
      expect(r.bleu).toBeCloseTo(
        corpusBleu(
          r.sentences.map((s) => s.hyp),
          [refs],
        ).score,
        10,
      );
      expect(r.bleuSignature).toMatch(/^nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|/);
      expect(r.chrfSignature).toMatch(/^chrF2\|/);
    }
    const mine = progress.filter((p) => p.evalId === 'e1');
    expect(mine.at(-1)).toMatchObject({ done: 12, total: 12, index: 1, of: 2 });
    expect(mine.every((p, i) => i === 0 || p.done >= mine[i - 1]!.done)).toBe(true);
  });

  it('refuses test files of different lengths, naming both counts', async () => {
    const short = join(home, 'short.de');
    writeFileSync(short, 'eins\nzwei\n');
    await expect(
      studio.handlers.evaluate({ evalId: 'e2', runId, checkpoints: ['last'], src, ref: short }),
    ).rejects.toMatchObject({
      code: ErrorCode.CorpusLineCountMismatch,
      message: expect.stringMatching(/test\.en has 6 lines but short\.de has 2/),
    });
  });
});
