/**
 * Training throughput on synthetic batches: target tokens/s and ms/step for the `tiny` and
 * `small` presets and for the reference model of ../shared/reference (vocab 8000, d_model 256,
 * 4 heads, d_ff 1024, 3+3 layers, ~4096-token batches; the reference tfjs script reached
 * ~400 target tokens/s on wasm here). compare.ts measures the reference next to PyTorch.
 *
 *   npx tsx scripts/bench/train.ts [--preset tiny|small|reference|all] [--backend wasm|cpu] [--threads N]
 *                                  [--steps N] [--warmup N] [--profile] [--shapes]
 */
import { loadavg } from 'node:os';
import { chooseBackend } from '../../main/worker/backend';
import { defaultWasmThreads } from '../../main/host/EngineHost';
import type { BackendName } from '../../shared/types';
import { casePairs, trainCases } from './benchData';
import { caseTrainer, measureTraining, profileStep } from './trainBench';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
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
  for (const c of trainCases()) {
    if (which !== 'all' && which !== c.name) continue;
    const trainer = caseTrainer(c, casePairs(c));
    const m = measureTraining(trainer, { steps, warmup });
    console.log(
      `${c.name.padEnd(9)} params ${m.params.toLocaleString('en-US').padStart(10)}  ` +
        `batch ~${c.train.batchTokens} tok  ${m.msPerStep.toFixed(0).padStart(6)} ms/step  ` +
        `${m.tokensPerSec.toFixed(0).padStart(6)} target tok/s  |  CPU ${m.cpuMsPerStep.toFixed(0).padStart(6)} ms/step ` +
        `${(1000 / m.cpuSecPer1kTokens).toFixed(0).padStart(6)} tok/CPU-s  (loss ${m.loss.toFixed(3)}, epoch ${m.epoch})`,
    );
    if (process.argv.includes('--profile')) {
      await profileStep(trainer, process.argv.includes('--shapes'));
    }
    trainer.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
