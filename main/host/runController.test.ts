/**
 * The whole training path with the real engine worker: services -> RunController ->
 * EngineHost -> worker (TrainingJob, Translator) -> run folder on disk, on the sample corpus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap, EventName } from '../../shared/api';
import { ErrorCode } from '../../shared/errors';
import type { MetricRecord, RunInfo, TrainConfig } from '../../shared/types';
import { sampleCorpus } from './cli/train';
import { createStudio, type Studio } from './studio';

let home: string;
let studio: Studio;
let datasetId: string;

const SMALL: Partial<TrainConfig> = {
  batchTokens: 192,
  maxSteps: 24,
  warmupSteps: 8,
  validEvery: 6,
  bleuEvery: 12,
  bleuSamples: 8,
  checkpointEvery: 6,
  keepLast: 2,
  seed: 7,
};

function next<E extends EventName>(
  event: E,
  where: (p: EventMap[E]) => boolean = () => true,
): Promise<EventMap[E]> {
  return new Promise((resolve) => {
    const off = studio.events.subscribe((name, payload) => {
      if ((name as EventName) === event && where(payload as EventMap[E])) {
        off();
        resolve(payload as EventMap[E]);
      }
    });
  });
}

async function trainLosses(runId: string): Promise<Map<number, number>> {
  const { records } = await studio.runs.readMetrics(runId);
  return new Map(
    records
      .filter((r): r is Extract<MetricRecord, { kind: 'train' }> => r.kind === 'train')
      .map((r) => [r.step, r.loss]),
  );
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-run-'));
  studio = createStudio({ home, backend: 'wasm' });
  const sample = sampleCorpus();
  const dataset = await studio.datasets.import([sample.src, sample.tgt], {
    name: 'sample',
    vocabSize: 300,
    validation: { fraction: 0.02, seed: 1 },
  });
  datasetId = dataset.id;
});

afterAll(async () => {
  await studio.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('training through the engine worker', () => {
  let runId: string;

  it('starts, reports progress, pauses, translates while paused, resumes and stops with a checkpoint', async () => {
    const run = await studio.handlers.runCreate({
      datasetId,
      preset: 'tiny',
      train: { ...SMALL, maxSteps: 400 },
    });
    runId = run.id;
    const progressed = next('trainProgress', (p) => p.runId === runId && p.step >= 7);
    const started = await studio.handlers.runStart({ runId });
    expect(started.status).toBe('running');
    expect(started.backend).toBe('wasm');
    const progress = await progressed;
    expect(progress.totalSteps).toBe(400);
    expect(progress.loss).toBeGreaterThan(0);
    expect(progress.tokensPerSec).toBeGreaterThan(0);

    await expect(studio.handlers.runStart({ runId })).rejects.toMatchObject({
      code: ErrorCode.Busy,
    });

    const paused = await studio.handlers.runPause({ runId });
    expect(paused.status).toBe('paused');
    // Served between steps while the loop waits: a checkpoint exists from step 6.
    const translation = await studio.handlers.translate({
      runId,
      text: 'The red dog sleeps in the garden.',
      mode: 'beam',
      beamSize: 3,
      nbest: 2,
      attention: true,
    });
    expect(translation.hypotheses.length).toBeGreaterThanOrEqual(1);
    expect(translation.srcTokens.at(-1)).toBe('</s>');
    expect(translation.attention?.cross.length).toBe(2); // tiny: 2 decoder layers
    const stepWhilePaused = (await trainLosses(runId)).size;
    await new Promise((r) => setTimeout(r, 500));
    expect((await trainLosses(runId)).size).toBe(stepWhilePaused);

    const resumed = await studio.handlers.runResume({ runId });
    expect(resumed.status).toBe('running');
    await next('trainProgress', (p) => p.runId === runId && p.step > stepWhilePaused + 2);
    const stopped = await studio.handlers.runStop({ runId });
    expect(stopped.status).toBe('stopped');
    const checkpoints = await studio.handlers.checkpointsList({ runId });
    expect(checkpoints.at(-1)?.step).toBe(stopped.step);
    expect(checkpoints.length).toBeLessThanOrEqual(3); // keepLast 2 + best
  });

  it('marks the run failed when the worker dies, restarts the engine, and resumes from the last checkpoint', async () => {
    const failed = next('runStatus', (r) => r.id === runId && r.status === 'failed');
    await studio.handlers.runStart({ runId, overrides: { maxSteps: 400 } });
    await next('trainProgress', (p) => p.runId === runId);
    studio.engine.crashForTest('exit');
    const run: RunInfo = await failed;
    expect(run.error).toMatch(/engine stopped unexpectedly.*Resume/);
    const before = (await studio.handlers.checkpointsList({ runId })).at(-1)!.step;
    const again = await studio.handlers.runStart({ runId });
    expect(again.step).toBe(before);
    await studio.handlers.runStop({ runId });
  });

  it('an interrupted and resumed run has the loss curve of an uninterrupted one', async () => {
    const straight = await studio.handlers.runCreate({ datasetId, preset: 'tiny', train: SMALL });
    const ended = studio.controller.waitForEnd(straight.id);
    await studio.handlers.runStart({ runId: straight.id });
    expect((await ended).status).toBe('completed');

    const broken = await studio.handlers.runCreate({ datasetId, preset: 'tiny', train: SMALL });
    await studio.handlers.runStart({ runId: broken.id });
    await next('trainProgress', (p) => p.runId === broken.id && p.step >= 8);
    const stopped = await studio.handlers.runStop({ runId: broken.id });
    expect(stopped.step).toBeLessThan(24);
    const done = studio.controller.waitForEnd(broken.id);
    await studio.handlers.runStart({ runId: broken.id });
    expect((await done).status).toBe('completed');

    const a = await trainLosses(straight.id);
    const b = await trainLosses(broken.id);
    expect([...b.keys()]).toEqual([...a.keys()]); // no step logged twice, none missing
    for (const [step, loss] of a) expect(b.get(step)).toBeCloseTo(loss, 4);
  });
});
