/**
 * A model whose estimated training memory exceeds what the backend holds (wasm: 4 GiB) is
 * refused before anything is built: when a run is created on a known backend, and when a
 * run starts, before the worker is asked to train and before run.json changes. The engine
 * here is an in-memory fake that says it runs wasm (no thread, no tfjs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { PRESETS, type DatasetMeta, type EngineInfo } from '../../shared/types';
import type { HostToWorker, WorkerToHost } from '../protocol/engine';
import type { WorkerPort } from './EngineHost';
import { runHandlers } from './handlers/runs';
import type { DatasetService } from './services/datasets';
import { createStudio, type Studio } from './studio';

const WASM: EngineInfo = {
  backend: 'wasm',
  reason: 'fake',
  rejected: [],
  tfjsVersion: '0.0.0',
  threads: 1,
  nodeVersion: process.versions.node,
  platform: 'test',
};

let home: string;
let studio: Studio;
let calls: string[];

/** A worker that says it runs wasm and records every call it is asked. */
function wasmWorker(): WorkerPort {
  const { port1, port2 } = new MessageChannel();
  port2.on('message', (msg: HostToWorker) => {
    if (msg.type === 'init')
      port2.postMessage({ type: 'ready', info: WASM } satisfies WorkerToHost);
    if (msg.type === 'call') calls.push(msg.method);
  });
  return {
    postMessage: (msg) => port1.postMessage(msg),
    onMessage: (listener) => port1.on('message', listener),
    onDeath: () => undefined,
    terminate: async () => {
      port1.close();
      port2.close();
    },
  };
}

const DATASET: DatasetMeta = {
  id: 'd1',
  name: 'big',
  srcLang: 'en',
  tgtLang: 'de',
  createdAt: new Date(0).toISOString(),
  sources: ['a.en', 'a.de'],
  trainPairs: 1000,
  validPairs: 10,
  vocabSize: 32_000,
  sharedVocab: true,
};

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-memory-'));
  calls = [];
  studio = createStudio({ home, workerFactory: wasmWorker });
  await studio.engine.start();
});

afterEach(async () => {
  await studio.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('the memory limit of the backend', () => {
  it("refuses to create the paper's base model on wasm, with the estimate and the limit", async () => {
    const datasets = { get: async () => DATASET } as unknown as DatasetService;
    const handlers = runHandlers(home, studio.runs, datasets, studio.engine, studio.controller);
    const create = handlers.runCreate({ datasetId: DATASET.id, preset: 'base' });
    await expect(create).rejects.toMatchObject({
      code: ErrorCode.InvalidConfig,
      details: { field: 'batchTokens' },
    });
    await expect(create).rejects.toThrow(
      /^Training this model needs about 5\.1 GiB .* more than the 4\.0 GiB the wasm backend can hold;/,
    );
    expect(await studio.runs.list()).toEqual([]);
    // With half the batch it fits.
    const run = await handlers.runCreate({
      datasetId: DATASET.id,
      preset: 'base',
      train: { batchTokens: 2048 },
    });
    expect(run.train.batchTokens).toBe(2048);
  });

  it('refuses to start a run that is too big before the worker trains or run.json changes', async () => {
    const run = await studio.runs.create({
      name: 'too big',
      datasetId: DATASET.id,
      preset: 'custom',
      model: { ...PRESETS.base.model, srcVocabSize: 32_000, tgtVocabSize: 32_000 },
      train: PRESETS.base.train,
    });
    await expect(studio.controller.start(run.id)).rejects.toThrow(
      /more than the 4\.0 GiB the wasm backend can hold/,
    );
    expect(calls).not.toContain('trainStart');
    expect(await studio.runs.get(run.id)).toEqual(run);
    expect(studio.controller.activeRunId).toBeUndefined();
  });
});
