/**
 * The engine next to PyTorch on the same CPU, in one run (issue 15, item 1): the reference
 * model (vocabulary 8,000 tied, d_model 256, 4 heads, d_ff 1,024, 3+3 layers) trained on the
 * same ~4,096-token batches of 24-31-token sentences by the engine (wasm) and by
 * scripts/bench/peer/torch_transformer.py, for each thread count; then cached greedy and
 * beam-4 decoding, and the largest batch each side trains.
 *
 * Every measurement runs in its own process, one after the other (never two at once, so they
 * do not share the CPU): the wasm backend's threads are fixed when it starts, the GEMM peak is
 * measured apart from the model (big GEMMs first slowed a later model run in the same process),
 * and a batch that runs out of memory must not take the benchmark down.
 *
 * On a shared machine wall time measures the neighbours too: CPU seconds per 1,000 tokens and
 * the load average next to every figure say how far to trust it.
 *
 *   npx tsx scripts/bench/compare.ts [--quick] [--threads 1,2] ...   (--help for every flag)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  casePairs,
  DECODE_BEAM as BEAM,
  DECODE_MARGIN as MARGIN,
  decodeSources,
  plannedBatches,
  referenceCase,
} from './benchData';
import { probeLargestBatch } from './batchProbe';
import { ENGINE_CHILD, failure, load1, readJson, ROOT, runChild } from './childRun';
import { compareSettings, HELP, parseFlags } from './compareArgs';
import type { EngineRunResult } from './compareEngine';
import { printTables, writeReport, type Report, type ThreadFigures } from './compareReport';
import { findPeer, parsePeer, peerArgs, writeJob, type PeerJob } from './peerRunner';
import { trainingFlops } from './trainingFlops';

async function main(): Promise<void> {
  const v = parseFlags().values;
  if (v.help) {
    console.log(HELP);
    return;
  }
  const {
    quick,
    threadList,
    steps,
    warmup,
    single,
    decodeBatch,
    capTokens,
    probeThreads,
    peerMemMB,
  } = compareSettings(v);
  const outPath = resolve(ROOT, v.out);

  const started = Date.now();
  const c = referenceCase();
  const report: Report = {
    version: 1,
    date: new Date().toISOString(),
    quick,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memTotalMB: Math.round(totalmem() / 1024 / 1024),
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    },
    options: {
      threads: threadList,
      steps,
      warmup,
      single,
      batch: decodeBatch,
      maxBatchTokens: capTokens,
      probeThreads,
      peerMemMB,
      python: v.python,
    },
    model: {
      config: c.model,
      params: null,
      batchTokens: c.train.batchTokens,
      sentenceLengths: [c.minLen, c.maxLen],
    },
    flopsPerTimedStep: 0,
    peer: { available: false },
    threads: [],
    load: { start: loadavg(), end: [] },
    notes: [],
  };
  console.log(
    `compare: reference model, ${threadList.join(' and ')} thread(s), ${warmup}+${steps} steps, ${quick ? 'quick, ' : ''}` +
      `${report.machine.cpus} CPUs (${report.machine.cpuModel}), load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );

  // Is the peer there? One sentence when not, then the engine alone.
  report.peer = v['no-peer']
    ? { available: false, reason: '--no-peer' }
    : findPeer(v.python, report.notes);
  const peerOk = report.peer.available;

  // The engine's exact batches, for the peer; the engine child rebuilds them from the same seed.
  const batches = plannedBatches(c, casePairs(c), warmup + steps);
  const timed = batches.slice(warmup);
  const flopsTimed = timed.map((b) => trainingFlops(c.model, b));
  report.flopsPerTimedStep = flopsTimed.reduce((a, b) => a + b, 0) / Math.max(1, timed.length);
  const work = mkdtempSync(join(tmpdir(), 'studio-compare-'));
  const jobPath = join(work, 'peer-job.json');
  const job: PeerJob = { model: c.model, train: c.train, warmup, steps, batches };
  if (!v['no-decode']) {
    job.decode = {
      single: decodeSources(single),
      batch: decodeSources(decodeBatch),
      margin: MARGIN,
      alpha: BEAM.alpha,
    };
  }
  writeJob(jobPath, job);

  try {
    for (const threads of threadList) {
      console.log(`\n--- ${threads} thread(s)`);
      const row: ThreadFigures = {
        threads,
        engineThreads: null,
        gemmPeakGflops: null,
        engine: {},
        peer: peerOk ? {} : null,
        ratio: null,
        mfu: { engine: null, peer: null },
        load: {},
      };
      report.threads.push(row);

      if (peerOk) {
        const before = load1();
        const o = await runChild(
          v.python,
          peerArgs(threads, peerMemMB, ['--gemm-peak']),
          `gemm ${threads}t`,
          300_000,
        );
        const p = parsePeer(o.stdout);
        row.load.gemm = { before, after: load1() };
        row.gemmPeakGflops = p?.gemm?.gflops ?? null;
        console.log(
          row.gemmPeakGflops === null
            ? `GEMM peak: ${failure(o, 'the GEMM measurement')}`
            : `GEMM peak (torch.mm 2048^3, ${threads} thread(s)): ${row.gemmPeakGflops.toFixed(1)} GFLOP/s`,
        );
      }

      {
        const resultPath = join(work, `engine-${threads}.json`);
        const args = [
          '--import',
          'tsx',
          ENGINE_CHILD,
          '--mode',
          'run',
          '--threads',
          String(threads),
          '--steps',
          String(steps),
          '--warmup',
          String(warmup),
          '--single',
          String(single),
          '--batch',
          String(decodeBatch),
          '--result',
          resultPath,
        ];
        if (v['no-decode']) args.push('--skip-decode');
        const before = load1();
        const o = await runChild(process.execPath, args, `engine ${threads}t`, 45 * 60_000);
        row.load.engine = { before, after: load1() };
        const r = readJson<EngineRunResult>(resultPath);
        if (r === undefined) {
          row.engine.error = failure(o, 'the engine run');
          console.log(row.engine.error);
        } else {
          report.tfjsVersion = r.tfjsVersion;
          row.engineThreads = r.threads;
          if (r.threadsNote !== undefined) row.engineThreadsNote = r.threadsNote;
          if (r.train !== undefined) row.engine.train = r.train;
          if (r.decode !== undefined) row.engine.decode = r.decode;
          report.model.params = r.train?.params ?? report.model.params;
          const planned = timed.map((b) => b.tokens).join(',');
          if (r.train !== undefined && r.train.stepTokens.join(',') !== planned) {
            const note = `The engine's steps had ${r.train.stepTokens.join(', ')} target tokens but the planned batches ${planned}: the peer trained on different batches (has Trainer's batching changed? see benchData.plannedBatches).`;
            report.notes.push(note);
            console.log(note);
          }
          if (r.threads !== threads) {
            const note = `The engine ran ${r.threads} thread(s) where ${threads} were asked${r.threadsNote ? ` (${r.threadsNote})` : ''}.`;
            report.notes.push(note);
            console.log(note);
          }
          if (r.train !== undefined) {
            console.log(
              `engine: ${r.train.tokensPerSec.toFixed(0)} target tok/s, ${r.train.msPerStep.toFixed(0)} ms/step, ${r.train.cpuSecPer1kTokens.toFixed(2)} CPU-s/1k tok`,
            );
          }
        }
      }

      if (peerOk && row.peer !== null) {
        const before = load1();
        const o = await runChild(
          v.python,
          peerArgs(threads, peerMemMB, ['--job', jobPath]),
          `torch ${threads}t`,
          45 * 60_000,
        );
        row.load.peer = { before, after: load1() };
        const p = parsePeer(o.stdout);
        if (p === undefined || p.ok !== true) {
          row.peer.error = p?.error ?? failure(o, 'the PyTorch run');
          console.log(`PyTorch: ${row.peer.error}`);
        } else {
          if (p.train !== undefined) row.peer.train = p.train;
          if (p.decode !== undefined) row.peer.decode = p.decode.cases;
          if (p.train !== undefined) {
            console.log(
              `PyTorch: ${p.train.tokensPerSec.toFixed(0)} target tok/s, ${p.train.msPerStep.toFixed(0)} ms/step, ${p.train.cpuSecPer1kTokens.toFixed(2)} CPU-s/1k tok`,
            );
            if (report.model.params !== null && p.train.params !== report.model.params) {
              const note = `PyTorch's model has ${p.train.params} parameters, the engine's ${report.model.params}: not the same model.`;
              report.notes.push(note);
              console.log(note);
            }
          }
        }
      }

      // Ratios and MFU: the same FLOPs for both sides (same batches), against this thread count's peak.
      const flops = flopsTimed.reduce((a, b) => a + b, 0);
      const mfu = (msPerStep: number | undefined): number | null =>
        msPerStep === undefined || row.gemmPeakGflops === null
          ? null
          : flops / ((msPerStep * steps) / 1000) / (row.gemmPeakGflops * 1e9);
      row.mfu = { engine: mfu(row.engine.train?.msPerStep), peer: mfu(row.peer?.train?.msPerStep) };
      const e = row.engine.train?.tokensPerSec;
      const p = row.peer?.train?.tokensPerSec;
      row.ratio = e !== undefined && p !== undefined && p > 0 ? e / p : null;
    }

    if (!v['no-probe']) {
      await probeLargestBatch({
        c,
        report,
        probeThreads,
        capTokens,
        peerMemMB,
        work,
        python: v.python,
        peerOk,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  if (!peerOk) {
    report.notes.push(
      "MFU needs the GEMM peak, which PyTorch's torch.mm measures: without the peer it is not shown.",
    );
  }
  report.load.end = loadavg();
  writeReport(outPath, report);
  printTables(report);
  console.log(`\nfigures: ${outPath} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
