/**
 * Per-kernel profile of one training step of a bench preset, with the stock tfjs wasm kernels
 * and with the studio kernels, in one process (same batches, same machine load):
 *
 *   npx tsx kernels/profile.ts [--preset reference|small|tiny] [--threads N] [--steps N]
 *                              [--modes stock,studio] [--wall] [--shapes]
 *
 * Prints ms/step and CPU ms/step of `--steps` steps each way (after a warm-up step), then the
 * CPU time per kernel name for one step each way (--wall: tf.profile's wall time instead;
 * --shapes: also the costliest input shapes, with GFLOP per CPU-second for products).
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../main/worker/backend';
import { registerStudioKernels, unregisterStudioKernels } from '../main/worker/kernels/register';
import { casePairs, trainCases } from '../scripts/bench/benchData';
import { caseTrainer, measureTraining } from '../scripts/bench/trainBench';
import type { Trainer } from '../main/training/trainer';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

/**
 * tf.profile of one step: ms and calls per kernel name, and the costliest shapes. Kernels
 * named `forward` are customGrad wrappers whose time includes the kernels inside them, so
 * they are listed apart and left out of the total.
 */
async function profile(trainer: Trainer, shapes: boolean): Promise<void> {
  const info = await tf.profile(() => {
    trainer.trainStep();
  });
  const byName = new Map<string, { ms: number; n: number }>();
  const byShape = new Map<string, { ms: number; n: number }>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const add = (map: typeof byName, key: string) => {
      const e = map.get(key) ?? { ms: 0, n: 0 };
      e.ms += ms;
      e.n += 1;
      map.set(key, e);
    };
    add(byName, k.name);
    add(byShape, `${k.name} ${JSON.stringify(k.inputShapes)}`);
    if (k.name !== 'forward') total += ms;
  }
  console.log(
    `  ${info.kernels.length} kernels, ${total.toFixed(0)} ms in kernels (without 'forward' wrappers)`,
  );
  const sorted = (map: typeof byName) => [...map.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [name, e] of sorted(byName).slice(0, 24)) {
    console.log(
      `    ${e.ms.toFixed(0).padStart(6)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)}% x${e.n} ${name}`,
    );
  }
  if (shapes) {
    for (const [key, e] of sorted(byShape).slice(0, 24)) {
      console.log(`    ${e.ms.toFixed(0).padStart(6)} ms x${e.n} ${key}`);
    }
  }
}

/**
 * CPU time per kernel name over one step: every wasm kernel is wrapped with
 * process.cpuUsage() while the step runs. CPU time, unlike tf.profile's wall time, is not
 * inflated by neighbours on a shared machine (it counts all of the process's threads, so with
 * kernel threads a kernel's share includes its workers' time, spinning included).
 */
function cpuProfile(trainer: Trainer, shapes: boolean): void {
  const configs = tf.getKernelsForBackend('wasm');
  const byName = new Map<string, { us: number; n: number }>();
  const byShape = new Map<string, { us: number; n: number; gflop: number }>();
  let depth = 0;
  for (const config of configs) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return inner(args);
        depth++;
        const t0 = process.cpuUsage();
        try {
          return inner(args);
        } finally {
          const t = process.cpuUsage(t0);
          depth--;
          const e = byName.get(config.kernelName) ?? { us: 0, n: 0 };
          e.us += t.user + t.system;
          e.n += 1;
          byName.set(config.kernelName, e);
          if (shapes) {
            const inputs = Object.values(args.inputs).filter((x) => x !== undefined);
            const attrs = config.kernelName === 'BatchMatMul' ? JSON.stringify(args.attrs) : '';
            const key = `${config.kernelName} ${JSON.stringify(inputs.map((x) => x.shape))} ${attrs}`;
            const f = byShape.get(key) ?? { us: 0, n: 0, gflop: 0 };
            f.us += t.user + t.system;
            f.n += 1;
            f.gflop += config.kernelName === 'BatchMatMul' ? matMulGflop(args) : 0;
            byShape.set(key, f);
          }
        }
      },
    });
  }
  const t0 = process.cpuUsage();
  try {
    trainer.trainStep();
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  }
  const step = process.cpuUsage(t0);
  const stepMs = (step.user + step.system) / 1000;
  const inKernels = [...byName.values()].reduce((p, e) => p + e.us, 0) / 1000;
  console.log(`  CPU ${stepMs.toFixed(0)} ms for the step, ${inKernels.toFixed(0)} ms in kernels:`);
  for (const [name, e] of [...byName.entries()].sort((a, b) => b[1].us - a[1].us).slice(0, 20)) {
    const ms = e.us / 1000;
    console.log(
      `    ${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / stepMs).toFixed(1).padStart(5)}% x${e.n} ${name}`,
    );
  }
  for (const [key, e] of [...byShape.entries()].sort((a, b) => b[1].us - a[1].us).slice(0, 30)) {
    const rate = e.gflop > 0 ? ` ${(e.gflop / (e.us / 1e6)).toFixed(1)} GFLOP/CPU-s` : '';
    console.log(`    ${(e.us / 1000).toFixed(0).padStart(6)} ms x${e.n} ${key}${rate}`);
  }
}

/** GFLOP of one BatchMatMul call. */
function matMulGflop(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): number {
  const a = args.inputs['a'];
  const b = args.inputs['b'];
  if (a === undefined || b === undefined) return 0;
  const ta = Boolean(args.attrs?.['transposeA']);
  const tb = Boolean(args.attrs?.['transposeB']);
  const m = a.shape[a.shape.length - (ta ? 1 : 2)] ?? 1;
  const k = a.shape[a.shape.length - (ta ? 2 : 1)] ?? 1;
  const n = b.shape[b.shape.length - (tb ? 2 : 1)] ?? 1;
  const batch = Math.max(
    tf.util.sizeFromShape(a.shape.slice(0, -2)),
    tf.util.sizeFromShape(b.shape.slice(0, -2)),
  );
  return (2 * batch * m * n * k) / 1e9;
}

async function main(): Promise<void> {
  const preset = arg('preset', 'reference');
  const threads = Number(arg('threads', '2'));
  const steps = Number(arg('steps', '3'));
  const info = await chooseBackend('wasm', { wasmThreads: threads });
  // The engine registers the studio kernels itself; the stock run needs them off first.
  await unregisterStudioKernels();
  console.log(
    `wasm, ${info.threads} tfjs thread(s)${info.threadsNote ? ` (${info.threadsNote})` : ''}`,
  );
  const c = trainCases().find((t) => t.name === preset);
  if (c === undefined) throw new Error(`no preset ${preset}`);
  const trainer = caseTrainer(c, casePairs(c));
  const modes = arg('modes', 'stock,studio').split(',');
  for (const mode of ['stock', 'studio'] as const) {
    if (!modes.includes(mode)) continue;
    if (mode === 'studio') {
      const status = await registerStudioKernels({ threads });
      console.log(status.reason);
      if (!status.active) break;
    }
    const m = measureTraining(trainer, { steps, warmup: 1 });
    console.log(
      `${mode.padEnd(6)} ${m.msPerStep.toFixed(0)} ms/step, CPU ${m.cpuMsPerStep.toFixed(0)} ms/step, ${m.tokensPerSec.toFixed(0)} target tok/s (loss ${m.loss.toFixed(3)})`,
    );
    if (process.argv.includes('--wall')) await profile(trainer, process.argv.includes('--shapes'));
    else cpuProfile(trainer, process.argv.includes('--shapes'));
  }
  await unregisterStudioKernels();
  trainer.dispose();
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
