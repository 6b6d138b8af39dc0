/**
 * compare.ts's largest-batch probe: the largest token budget each side trains, doubling from
 * twice the training run's budget (which the run itself covers) until a step fails or the cap,
 * one process per budget so that running out of memory cannot take the benchmark down.
 */
import { join } from 'node:path';
import { plannedBatches, probePairs, type referenceCase } from './benchData';
import { ENGINE_CHILD, failure, load1, readJson, runChild, type Load } from './childRun';
import type { EngineProbeResult } from './compareEngine';
import { num, type ProbeRow, type Report } from './compareReport';
import { parsePeer, peerArgs, writeJob, type PeerJob } from './peerRunner';

/** What the probe needs of the run around it. */
export interface ProbeContext {
  /** The reference case the training run trained. */
  c: ReturnType<typeof referenceCase>;
  /** The run's report: its training rows give the first point, the probe lands in largestBatch. */
  report: Report;
  probeThreads: number;
  capTokens: number;
  peerMemMB: number;
  /** The run's scratch folder, for the children's job and result files. */
  work: string;
  python: string;
  peerOk: boolean;
}

/** Probes both sides (the peer only when it is there) and records it as report.largestBatch. */
export async function probeLargestBatch(ctx: ProbeContext): Promise<void> {
  const { c, report, probeThreads, capTokens, peerMemMB, work, python, peerOk } = ctx;
  console.log(
    `\n--- largest batch that trains (${probeThreads} thread(s), doubling from ${2 * c.train.batchTokens} tokens to ${capTokens})`,
  );
  const run =
    report.threads.find((t) => t.threads === probeThreads) ??
    report.threads[report.threads.length - 1];
  // The training run itself is the first point: its budget trained, at this peak.
  const fromRun = (
    stepTokens: number[] | undefined,
    peakRssMB: number | undefined,
    load: Load | undefined,
    wasmHeapMB?: number,
  ): ProbeRow[] => {
    if (stepTokens === undefined || peakRssMB === undefined) return [];
    const row: ProbeRow = {
      batchTokens: c.train.batchTokens,
      ok: true,
      tokens: Math.max(...stepTokens),
      peakRssMB,
      fromTrainingRun: true,
      load: load ?? { before: load1(), after: load1() },
    };
    if (wasmHeapMB !== undefined) row.wasmHeapMB = wasmHeapMB;
    return [row];
  };
  const et = run?.engine.train;
  const pt = run?.peer?.train;
  const probe: NonNullable<Report['largestBatch']> = {
    threads: probeThreads,
    capTokens,
    peerMemLimitMB: peerMemMB,
    engine: fromRun(et?.stepTokens, et?.memory.peakRssMB, run?.load.engine, et?.memory.wasmHeapMB),
    peer: fromRun(pt?.stepTokens, pt?.peakRssMB, run?.load.peer),
    engineLargest: null,
    peerLargest: null,
  };
  report.largestBatch = probe;
  // A probe's time limit grows with its batch: 20 training steps' worth at the training
  // run's speed (the machine may be loaded), at least 3 and at most 30 minutes.
  const limitMs = (budget: number, msPerStep: number | undefined): number =>
    Math.min(
      30 * 60_000,
      Math.max(3 * 60_000, 20 * (budget / c.train.batchTokens) * (msPerStep ?? 60_000)),
    );
  /** Doubles the budget until a step fails or the cap; one process per budget. */
  const doubling = async (
    side: string,
    rows: ProbeRow[],
    one: (budget: number) => Promise<ProbeRow>,
  ): Promise<void> => {
    for (let budget = 2 * c.train.batchTokens; budget <= capTokens; budget *= 2) {
      const row = await one(budget);
      rows.push(row);
      console.log(
        `${side}, ${num(budget)} tokens: ${row.ok ? 'trains' : `fails (${row.error})`}, peak RSS ${num(row.peakRssMB)} MB`,
      );
      if (!row.ok) break;
    }
  };
  await doubling('engine', probe.engine, async (budget) => {
    const resultPath = join(work, `probe-${budget}.json`);
    const before = load1();
    const o = await runChild(
      process.execPath,
      [
        '--import',
        'tsx',
        ENGINE_CHILD,
        '--mode',
        'probe',
        '--threads',
        String(probeThreads),
        '--batch-tokens',
        String(budget),
        '--result',
        resultPath,
      ],
      `engine probe ${budget}`,
      limitMs(budget, et?.msPerStep),
    );
    const r = readJson<EngineProbeResult>(resultPath);
    const row: ProbeRow = {
      batchTokens: budget,
      ok: r?.ok === true,
      tokens: r?.tokens ?? 0,
      peakRssMB: r?.memory.peakRssMB ?? o.peakRssMB,
      load: { before, after: load1() },
    };
    if (r !== undefined) {
      row.wasmHeapMB = r.memory.wasmHeapMB;
      row.ms = r.ms;
    }
    const err = r?.error ?? (r === undefined ? failure(o, 'the engine probe') : undefined);
    if (err !== undefined) row.error = err;
    return row;
  });
  if (peerOk) {
    await doubling('PyTorch', probe.peer, async (budget) => {
      const probeCase = { ...c, train: { ...c.train, batchTokens: budget } };
      const probeJob: PeerJob = {
        model: c.model,
        train: probeCase.train,
        warmup: 0,
        steps: 1,
        batches: plannedBatches(probeCase, probePairs(c, budget), 1),
      };
      const probePath = join(work, `peer-probe-${budget}.json`);
      writeJob(probePath, probeJob);
      const before = load1();
      const o = await runChild(
        python,
        peerArgs(probeThreads, peerMemMB, ['--job', probePath]),
        `torch probe ${budget}`,
        limitMs(budget, pt?.msPerStep),
      );
      const p = parsePeer(o.stdout);
      const row: ProbeRow = {
        batchTokens: budget,
        ok: p?.ok === true,
        tokens: p?.train?.stepTokens[0] ?? 0,
        peakRssMB: p?.peakRssMB ?? o.peakRssMB,
        load: { before, after: load1() },
      };
      if (p?.train !== undefined) row.ms = p.train.msPerStep;
      const err = p?.error ?? (p === undefined ? failure(o, 'the PyTorch probe') : undefined);
      if (err !== undefined) row.error = err;
      return row;
    });
  }
  const largest = (rows: ProbeRow[]): number | null =>
    rows.filter((r) => r.ok).reduce<number | null>((m, r) => Math.max(m ?? 0, r.batchTokens), null);
  probe.engineLargest = largest(probe.engine);
  probe.peerLargest = largest(probe.peer);
}
