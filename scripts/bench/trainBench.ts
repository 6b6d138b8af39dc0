/**
 * Training throughput of the engine, as functions: train.ts prints them for each case,
 * compare.ts's engine child (compareEngine.ts) measures the reference model with them next to
 * PyTorch. Runs where a backend is already chosen (it uses tfjs).
 */
import * as tf from '@tensorflow/tfjs';
import { Trainer } from '../../main/training/trainer';
import type { TokenizedPair } from '../../main/training/batching';
import type { TrainCase } from './benchData';

export interface TrainMeasurement {
  params: number;
  warmup: number;
  steps: number;
  /** Target tokens (non-padding) of every measured step, in order. */
  stepTokens: number[];
  msPerStep: number;
  tokensPerSec: number;
  cpuMsPerStep: number;
  /** CPU seconds (every thread of the process) per 1,000 target tokens. */
  cpuSecPer1kTokens: number;
  /** Loss of the last step. */
  loss: number;
  epoch: number;
}

/** A Trainer of a case that never stops on its own (the benchmark decides the steps). */
export function caseTrainer(c: TrainCase, pairs: readonly TokenizedPair[]): Trainer {
  return new Trainer(c.model, { ...c.train, maxSteps: 1_000_000 }, pairs);
}

/**
 * Times `steps` optimiser steps after `warmup` untimed ones (the first step compiles kernels
 * and grows the heap). CPU time as well as wall time: on a shared machine the wall clock
 * measures the neighbours too, while process.cpuUsage() counts only this process's threads.
 * @param onStep called after every step (progress lines)
 */
export function measureTraining(
  trainer: Trainer,
  options: { steps: number; warmup: number },
  onStep?: (i: number, ms: number, warmup: boolean, loss: number) => void,
): TrainMeasurement {
  const { steps, warmup } = options;
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now();
    const r = trainer.trainStep();
    onStep?.(i + 1, performance.now() - t0, true, r.loss);
  }
  let ms = 0;
  let cpuMs = 0;
  let tokens = 0;
  let loss = Number.NaN;
  const stepTokens: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = trainer.trainStep();
    const dt = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    ms += dt;
    cpuMs += (c1.user + c1.system) / 1000;
    tokens += r.tokens;
    stepTokens.push(r.tokens);
    loss = r.loss;
    onStep?.(warmup + i + 1, dt, false, r.loss);
  }
  return {
    params: trainer.model.parameterCount(),
    warmup,
    steps,
    stepTokens,
    msPerStep: ms / Math.max(1, steps),
    tokensPerSec: ms > 0 ? (tokens * 1000) / ms : 0,
    cpuMsPerStep: cpuMs / Math.max(1, steps),
    cpuSecPer1kTokens: tokens > 0 ? cpuMs / tokens : 0,
    loss,
    epoch: trainer.dataState.epoch,
  };
}

/** Prints where one step's time goes, by kernel (and with `shapes`, by kernel and input shapes). */
export async function profileStep(trainer: Trainer, shapes: boolean): Promise<void> {
  const info = await tf.profile(() => {
    trainer.trainStep();
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  }
  if (shapes) {
    const byShape = new Map<string, { ms: number; n: number }>();
    for (const k of info.kernels) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const e = byShape.get(key) ?? { ms: 0, n: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.n += 1;
      byShape.set(key, e);
    }
    for (const [key, e] of [...byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
      console.log(`    ${e.ms.toFixed(0).padStart(5)} ms x${e.n} ${key}`);
    }
  }
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(
    `  kernels: ${info.kernels.length}; top by time: ${top.map(([k, ms]) => `${k} ${ms.toFixed(0)}ms`).join(', ')}`,
  );
}
