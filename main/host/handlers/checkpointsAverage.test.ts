/**
 * Averaging from the Checkpoints screen with the real engine worker (issue 14 item 3): the
 * average gets the validation loss and BLEU that evaluating it directly gives (the same
 * yardstick training scores its checkpoints with), also while another run trains, and an
 * average whose dataset is gone is still written, with a sentence saying why it has no scores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeAverage } from '../../../shared/averageComparison';
import type { CheckpointInfo } from '../../../shared/types';
import { readCheckpoint } from '../../runFolder/checkpointStore';
import { Trainer } from '../../training/trainer';
import { chooseBackend } from '../../worker/backend';
import { loadTokenizers, readSplit, tokenize } from '../../worker/datasetFiles';
import { bleuSample } from '../../worker/evaluator';
import { Translator } from '../../worker/translator';
import { runCheckpointsCommand } from '../cli/checkpoints';
import { sampleCorpus } from '../cli/train';
import { createStudio, type Studio } from '../studio';

let home: string;
let studio: Studio;
let runId: string;
let datasetId: string;

/** BLEU on 20 of the 60 validation sentences: a sample, as on a real corpus. */
const BLEU_SAMPLES = 20;

beforeAll(async () => {
  // The engine's backend and kernels, single-threaded as the worker runs in tests.
  await chooseBackend('wasm', { wasmThreads: 1 });
  home = mkdtempSync(join(tmpdir(), 'studio-avg-'));
  studio = createStudio({ home, backend: 'wasm' });
  const sample = sampleCorpus();
  const dataset = await studio.datasets.import([sample.src, sample.tgt], {
    name: 'sample',
    vocabSize: 300,
    validation: { fraction: 0.02, seed: 1 },
  });
  datasetId = dataset.id;
  const run = await studio.handlers.runCreate({
    datasetId,
    preset: 'tiny',
    train: {
      batchTokens: 192,
      maxSteps: 30,
      warmupSteps: 8,
      validEvery: 10,
      bleuEvery: 10,
      bleuSamples: BLEU_SAMPLES,
      checkpointEvery: 10,
      keepLast: 5,
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

/** Validation loss and BLEU of a checkpoint computed here, as the training evaluator defines them. */
async function scoreDirectly(id: string): Promise<{ validLoss: number; bleu: number }> {
  const run = await studio.runs.get(runId);
  const ckpt = await readCheckpoint(studio.runs.runDir(runId), id, { optimizer: false });
  const datasetDir = join(home, 'datasets', datasetId);
  const tokenizers = await loadTokenizers(join(datasetDir, 'tokenizer.json'), datasetId);
  const valid = await readSplit(datasetDir, 'valid');
  const pairs = tokenize(valid, tokenizers);
  const trainer = new Trainer(ckpt.state.model, run.train, pairs);
  try {
    trainer.model.loadWeights(ckpt.weights);
    const validLoss = trainer.evaluate(pairs).loss;
    const { bleu } = await new Translator().bleuEvaluator()(
      trainer.model,
      tokenizers,
      bleuSample(valid, run.train.bleuSamples),
    );
    return { validLoss, bleu };
  } finally {
    trainer.dispose();
  }
}

async function listed(id: string): Promise<CheckpointInfo | undefined> {
  return (await studio.handlers.checkpointsList({ runId })).find((c) => c.id === id);
}

describe('checkpointsAverage scores the average in the engine', () => {
  it('records the validation loss and BLEU that evaluating the average directly gives', async () => {
    const avg = await studio.handlers.checkpointsAverage({ runId, ids: ['10', '20'] });
    const direct = await scoreDirectly('avg-10-20');
    expect(avg).toMatchObject({ id: 'avg-10-20', averagedFrom: [10, 20] });
    expect(avg.validLoss).toBe(direct.validLoss);
    expect(avg.bleu).toBe(direct.bleu);
    expect(avg.bleuSentences).toBe(BLEU_SAMPLES);
    expect(avg.bleuWholeSet).toBeUndefined();
    expect(avg.scoreNote).toBeUndefined();
    // In state.json, so the list (and the star) have them after a restart too.
    expect(await listed('avg-10-20')).toMatchObject({
      validLoss: direct.validLoss,
      bleu: direct.bleu,
      bleuSentences: BLEU_SAMPLES,
    });

    // The same yardstick as training: checkpoint 20's recorded scores are what this gives for it.
    const trained = await listed('20');
    const direct20 = await scoreDirectly('20');
    expect(trained?.validLoss).toBe(direct20.validLoss);
    expect(trained?.bleu).toBe(direct20.bleu);
    expect(trained?.bleuSentences).toBe(BLEU_SAMPLES);
    expect(describeAverage(avg, await studio.handlers.checkpointsList({ runId }))).toMatch(
      /^Validation loss \d\.\d{3}, (lower|higher) than the best averaged checkpoint's \d\.\d{3} \(step (10|20)\): averaging (helped|did not help)\. BLEU on 20 sentences /,
    );
  });

  it('scores an average while another run trains, which goes on training', async () => {
    const busy = await studio.handlers.runCreate({
      datasetId,
      preset: 'tiny',
      train: { batchTokens: 192, maxSteps: 100_000, validEvery: 1000, checkpointEvery: 1000 },
    });
    const steps: number[] = [];
    const off = studio.engine.onEvent((e) => {
      if (e.type === 'trainProgress' && e.progress.runId === busy.id) steps.push(e.progress.step);
    });
    const stepPast = (n: number) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if ((steps.at(-1) ?? 0) > n) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
    try {
      const ended = studio.controller.waitForEnd(busy.id);
      await studio.handlers.runStart({ runId: busy.id });
      await stepPast(2);
      const avg = await studio.handlers.checkpointsAverage({ runId, ids: ['20', '30'] });
      const afterScoring = steps.at(-1) ?? 0;
      await stepPast(afterScoring);
      expect((await studio.runs.get(busy.id)).status).toBe('running');
      await studio.handlers.runStop({ runId: busy.id });
      expect((await ended).status).toBe('stopped');

      const direct = await scoreDirectly('avg-20-30');
      expect(avg.validLoss).toBe(direct.validLoss);
      expect(avg.bleu).toBe(direct.bleu);
    } finally {
      off();
    }
  });

  it('npm run checkpoints -- average prints the scores beside the averaged ones', async () => {
    const out: string[] = [];
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const dir = studio.runs.runDir(runId);
      expect(
        await runCheckpointsCommand(['average', dir, '--steps', '10,20,30', '--backend', 'wasm']),
      ).toBe(0);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const avg = await listed('avg-10-20-30');
    expect(avg?.validLoss).toBe((await scoreDirectly('avg-10-20-30')).validLoss);
    const list = await studio.handlers.checkpointsList({ runId });
    const [head, ...rest] = out.at(-1)!.split('\n');
    expect(head).toMatch(/^Wrote avg-10-20-30: the mean of steps 10, 20, 30 \(/);
    // The table: a header, the three averaged checkpoints and the average, with their scores.
    const rows = rest.slice(1, 5).map((r) => r.split(/\s{2,}/));
    expect(rows.map((r) => r[0])).toEqual(['10', '20', '30', 'avg-10-20-30']);
    for (const r of rows) {
      const c = list.find((x) => x.id === r[0])!;
      expect(r[3]).toBe(c.validLoss!.toFixed(3));
      expect(r[4]).toBe(c.bleu!.toFixed(2));
    }
    expect(rest.at(-1)).toBe(describeAverage(avg!, list));
  });

  it('writes the average without scores, saying why, when the dataset is gone', async () => {
    rmSync(join(home, 'datasets', datasetId), { recursive: true, force: true });
    const avg = await studio.handlers.checkpointsAverage({ runId, ids: ['10', '30'] });
    expect(avg.id).toBe('avg-10-30');
    expect(avg.validLoss).toBeUndefined();
    expect(avg.bleu).toBeUndefined();
    const run = await studio.runs.get(runId);
    const why = `avg-10-30 has no validation loss or BLEU: the dataset ${datasetId} that run "${run.name}" trained on is no longer in the studio, so there is no validation set to score it on.`;
    expect(avg.scoreNote).toBe(why);
    expect((await listed('avg-10-30'))?.scoreNote).toBe(why);
    expect(describeAverage(avg, await studio.handlers.checkpointsList({ runId }))).toBe(why);
    // Written all the same: the mean of the two, readable like any checkpoint.
    const ckpt = await readCheckpoint(studio.runs.runDir(runId), 'avg-10-30', { optimizer: false });
    expect(ckpt.state.averagedFrom).toEqual([10, 30]);
    expect(ckpt.weights.length).toBeGreaterThan(0);
  });
});
