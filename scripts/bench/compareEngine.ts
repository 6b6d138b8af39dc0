/**
 * The engine's side of compare.ts, one process per measurement: the wasm backend's thread
 * count is fixed when it starts, and an out-of-memory batch must not take the benchmark down.
 * Writes its figures as JSON to --result; progress goes to stderr.
 *
 *   run:   train the reference model (warm-up + timed steps), then time cached greedy and
 *          beam-4 decoding at batch 1 and at --batch
 *   probe: one training step on one [batchTokens / 32, 32] batch; reports whether it trained
 *          and the peak memory
 *
 * Not meant to be run by hand; see `npx tsx scripts/bench/compare.ts --help`.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createTransformer } from '../../main/model/transformer';
import { chooseBackend } from '../../main/worker/backend';
import { casePairs, decodeSources, probePairs, referenceCase } from './benchData';
import { SEARCHES, timeDecoding, type DecodeMeasurement, type Search } from './decodeBench';
import { caseTrainer, measureTraining, type TrainMeasurement } from './trainBench';

export interface EngineMemory {
  /** process.resourceUsage().maxRSS: the process's high-water resident set. */
  peakRssMB: number;
  /** process.memoryUsage().rss when measured. */
  rssMB: number;
  /** Size of the wasm heap (it only grows): what the backend holds at its peak. */
  wasmHeapMB: number;
}

export interface EngineDecodeCase extends DecodeMeasurement {
  search: Search;
  batch: number;
}

export interface EngineRunResult {
  mode: 'run';
  backend: string;
  /** Threads the backend really runs (1 when the threaded start failed: see threadsNote). */
  threads: number;
  threadsNote?: string;
  tfjsVersion: string;
  train?: TrainMeasurement & { memory: EngineMemory };
  decode?: EngineDecodeCase[];
}

export interface EngineProbeResult {
  mode: 'probe';
  threads: number;
  batchTokens: number;
  rows: number;
  ok: boolean;
  error?: string;
  /** Target tokens of the step (rows x 32). */
  tokens: number;
  ms: number;
  memory: EngineMemory;
}

const MB = 1024 * 1024;

function memory(): EngineMemory {
  // The wasm module's heap, reached the way main/worker/wasmThreads.ts reaches its PThread.
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return {
    peakRssMB: process.resourceUsage().maxRSS / 1024, // KiB on Linux
    rssMB: process.memoryUsage().rss / MB,
    wasmHeapMB: (wasm?.HEAPU8?.byteLength ?? 0) / MB,
  };
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'run' },
      threads: { type: 'string', default: '1' },
      steps: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      single: { type: 'string', default: '3' },
      batch: { type: 'string', default: '16' },
      'batch-tokens': { type: 'string', default: '8192' },
      'skip-train': { type: 'boolean', default: false },
      'skip-decode': { type: 'boolean', default: false },
      result: { type: 'string' },
    },
  });
  if (values.result === undefined) throw new Error('compareEngine.ts needs --result FILE.');
  const info = await chooseBackend('wasm', { wasmThreads: Number(values.threads) });
  const c = referenceCase();

  if (values.mode === 'probe') {
    const batchTokens = Number(values['batch-tokens']);
    const probe = { ...c, train: { ...c.train, batchTokens } };
    const pairs = probePairs(probe, batchTokens);
    const result: EngineProbeResult = {
      mode: 'probe',
      threads: info.threads,
      batchTokens,
      rows: pairs.length,
      ok: false,
      tokens: 0,
      ms: 0,
      memory: memory(),
    };
    const t0 = performance.now();
    try {
      const trainer = caseTrainer(probe, pairs);
      const r = trainer.trainStep();
      result.ok = Number.isFinite(r.loss);
      result.tokens = r.tokens;
      if (!result.ok) result.error = `the loss came out ${r.loss}`;
      trainer.dispose();
    } catch (err) {
      // Out of wasm heap shows up as an exception (Aborted(OOM), a detached or unallocatable
      // ArrayBuffer): record it; the caller stops doubling here.
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
      const heap = memory().wasmHeapMB;
      // Emscripten says only "Aborted()": name the cause when the heap stands at its ceiling.
      result.error =
        message.startsWith('Aborted(') && heap >= 4095
          ? `out of wasm memory: ${message.split('.')[0]} with the heap at its 4 GiB limit`
          : message;
    }
    result.ms = performance.now() - t0;
    result.memory = memory();
    writeFileSync(values.result, JSON.stringify(result));
    return;
  }

  const result: EngineRunResult = {
    mode: 'run',
    backend: info.backend,
    threads: info.threads,
    tfjsVersion: info.tfjsVersion,
  };
  if (info.threadsNote !== undefined) result.threadsNote = info.threadsNote;
  if (!values['skip-train']) {
    const trainer = caseTrainer(c, casePairs(c));
    const m = measureTraining(
      trainer,
      { steps: Number(values.steps), warmup: Number(values.warmup) },
      (i, ms, warm, loss) =>
        progress(
          `engine step ${i}${warm ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms, loss ${loss.toFixed(3)}`,
        ),
    );
    // Memory right after training, before decoding adds anything.
    result.train = { ...m, memory: memory() };
    trainer.dispose();
  }
  if (!values['skip-decode']) {
    const model = createTransformer({ ...c.model, dropout: 0 }, c.train.seed);
    const cases: EngineDecodeCase[] = [];
    for (const search of SEARCHES) {
      for (const batched of [false, true]) {
        const src = decodeSources(batched ? Number(values.batch) : Number(values.single));
        const m = timeDecoding(model, search, true, src, batched);
        cases.push({ search, batch: batched ? src.length : 1, ...m });
        progress(
          `engine decode ${search} batch ${batched ? src.length : 1}: ${m.msPerSentence.toFixed(1)} ms/sentence`,
        );
      }
    }
    model.dispose();
    result.decode = cases;
  }
  writeFileSync(values.result, JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
