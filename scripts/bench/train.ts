/**
 * Training throughput on synthetic batches: target tokens/s and ms/step for the `tiny` and
 * `small` presets and for the reference model of ../shared/reference (vocab 8000, d_model 256,
 * 4 heads, d_ff 1024, 3+3 layers, ~4096-token batches; the reference tfjs script reached
 * ~400 target tokens/s on wasm here).
 *
 *   npx tsx scripts/bench/train.ts [--preset tiny|small|reference|all] [--backend wasm|cpu] [--threads N]
 *                                  [--steps N] [--warmup N] [--profile]
 */
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { chooseBackend } from '../../main/worker/backend';
import { defaultWasmThreads } from '../../main/host/EngineHost';
import type { BackendName } from '../../shared/types';
import { Rng } from '../../main/model/random';
import type { TokenizedPair } from '../../main/training/batching';
import { Trainer } from '../../main/training/trainer';
import { PRESETS } from '../../shared/types';
import type { ModelConfig, TrainConfig } from '../../shared/types';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

interface Case {
  name: string;
  model: ModelConfig;
  train: TrainConfig;
  /** Sentence length range (content tokens). */
  minLen: number;
  maxLen: number;
}

function cases(): Case[] {
  const tiny = PRESETS.tiny;
  const small = PRESETS.small;
  const withVocab = (m: typeof tiny.model, v: number): ModelConfig => ({
    ...m,
    srcVocabSize: v,
    tgtVocabSize: v,
  });
  return [
    {
      name: 'tiny',
      model: withVocab(tiny.model, tiny.vocabSize),
      train: tiny.train,
      minLen: 8,
      maxLen: 20,
    },
    {
      name: 'small',
      model: withVocab(small.model, small.vocabSize),
      train: small.train,
      minLen: 8,
      maxLen: 20,
    },
    {
      name: 'reference',
      model: withVocab(small.model, 8000), // same shape as the reference: d 256, 4 heads, d_ff 1024, 3+3
      train: { ...small.train, batchTokens: 4096 },
      // The reference's batches: content length 24..31, then </s>, in 32 columns.
      minLen: 24,
      maxLen: 31,
    },
  ];
}

/** Random sentences, target = reversed source (the reference's task). */
function syntheticPairs(
  n: number,
  vocab: number,
  minLen: number,
  maxLen: number,
  seed: number,
): TokenizedPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = minLen + rng.int(maxLen - minLen + 1);
    const src = Array.from({ length: len }, () => 4 + rng.int(vocab - 4));
    return { src, tgt: [...src].reverse() };
  });
}

async function profileStep(trainer: Trainer): Promise<void> {
  const info = await tf.profile(() => {
    trainer.trainStep();
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  }
  const byShape = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = byShape.get(key) ?? { ms: 0, n: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.n += 1;
    byShape.set(key, e);
  }
  if (process.argv.includes('--shapes')) {
    for (const [key, e] of [...byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
      console.log(`    ${e.ms.toFixed(0).padStart(5)} ms x${e.n} ${key}`);
    }
  }
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(
    `  kernels: ${info.kernels.length}; top by time: ${top.map(([k, ms]) => `${k} ${ms.toFixed(0)}ms`).join(', ')}`,
  );
}

async function main(): Promise<void> {
  const backend = arg('backend', 'wasm');
  const which = arg('preset', 'all');
  const steps = Number(arg('steps', '5'));
  const warmup = Number(arg('warmup', '1'));
  // The engine's own backend start (threaded wasm by default: one thread per core).
  const info = await chooseBackend(backend as BackendName, {
    wasmThreads: Number(arg('threads', String(defaultWasmThreads()))),
  });
  console.log(
    `backend ${info.backend}, ${info.threads} thread(s)${info.threadsNote ? ` (${info.threadsNote})` : ''}, tfjs ${info.tfjsVersion}, load ${loadavg()[0]?.toFixed(2)}`,
  );
  for (const c of cases()) {
    if (which !== 'all' && which !== c.name) continue;
    const pairs = syntheticPairs(4000, c.model.tgtVocabSize, c.minLen, c.maxLen, 1);
    const trainer = new Trainer(c.model, { ...c.train, maxSteps: 1_000_000 }, pairs);
    for (let i = 0; i < warmup; i++) trainer.trainStep();
    let ms = 0;
    let cpuMs = 0;
    let tokens = 0;
    let loss = 0;
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = trainer.trainStep();
      ms += performance.now() - t0;
      const c1 = process.cpuUsage(c0);
      cpuMs += (c1.user + c1.system) / 1000;
      tokens += r.tokens;
      loss = r.loss;
    }
    const state = trainer.dataState;
    // CPU time as well as wall time: on a shared machine the wall clock measures the neighbours too.
    console.log(
      `${c.name.padEnd(9)} params ${trainer.model.parameterCount().toLocaleString('en-US').padStart(10)}  ` +
        `batch ~${c.train.batchTokens} tok  ${(ms / steps).toFixed(0).padStart(6)} ms/step  ` +
        `${((tokens * 1000) / ms).toFixed(0).padStart(6)} target tok/s  |  CPU ${(cpuMs / steps).toFixed(0).padStart(6)} ms/step ` +
        `${((tokens * 1000) / cpuMs).toFixed(0).padStart(6)} tok/CPU-s  (loss ${loss.toFixed(3)}, epoch ${state.epoch})`,
    );
    if (process.argv.includes('--profile')) await profileStep(trainer);
    trainer.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
