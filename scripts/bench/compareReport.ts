/**
 * What compare.ts writes: the report's shape (every figure, written as JSON) and the tables it
 * prints at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ModelConfig } from '../../shared/types';
import { DECODE_BEAM as BEAM } from './benchData';
import type { Load } from './childRun';
import type { EngineRunResult } from './compareEngine';
import type { DecodeFigures, PeerInfo, PeerTrain } from './peerRunner';

/** One thread count's figures, both sides. */
export interface ThreadFigures {
  threads: number;
  /** Threads the engine's wasm backend really ran (1 when its threaded start failed). */
  engineThreads: number | null;
  engineThreadsNote?: string;
  gemmPeakGflops: number | null;
  engine: { train?: EngineRunResult['train']; decode?: EngineRunResult['decode']; error?: string };
  peer: { train?: PeerTrain; decode?: DecodeFigures[]; error?: string } | null;
  /** engine tokens/s / PyTorch tokens/s */
  ratio: number | null;
  mfu: { engine: number | null; peer: number | null };
  load: { gemm?: Load; engine?: Load; peer?: Load };
}

/** One budget of the largest-batch probe. */
export interface ProbeRow {
  batchTokens: number;
  ok: boolean;
  tokens: number;
  peakRssMB: number | null;
  wasmHeapMB?: number;
  ms?: number;
  error?: string;
  /** The training run's own batches (budget 4,096) rather than a probe batch. */
  fromTrainingRun?: boolean;
  load: Load;
}

/** Every figure of one compare.ts run, as written to its JSON file. */
export interface Report {
  version: 1;
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memTotalMB: number; node: string; platform: string };
  options: Record<string, string | number | boolean | number[]>;
  model: {
    config: ModelConfig;
    params: number | null;
    batchTokens: number;
    sentenceLengths: [number, number];
  };
  /** Model FLOPs of the timed steps (3 x forward matmul FLOPs of their batch shapes). */
  flopsPerTimedStep: number;
  peer: PeerInfo;
  tfjsVersion?: string;
  threads: ThreadFigures[];
  largestBatch?: {
    threads: number;
    capTokens: number;
    peerMemLimitMB: number;
    engine: ProbeRow[];
    peer: ProbeRow[];
    engineLargest: number | null;
    peerLargest: number | null;
  };
  load: { start: number[]; end: number[] };
  notes: string[];
}

/** Pads a table into aligned columns (first column left, the rest right). */
function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [fmt(headers), rule, ...rows.map(fmt)].join('\n');
}

/** A figure with thousands separators and `digits` decimals; "-" when there is none. */
export const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '-'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const loadText = (l: Load | undefined): string =>
  l === undefined ? '-' : `${l.before.toFixed(2)}-${l.after.toFixed(2)}`;

/** Writes the report as JSON to `outPath`, creating its folder. */
export function writeReport(outPath: string, report: Report): void {
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
}

/** Prints the training, decoding and largest-batch tables, the notes and the load average. */
export function printTables(r: Report): void {
  const lens = `${r.model.sentenceLengths[0]}-${r.model.sentenceLengths[1]}`;
  console.log(
    `\nTraining, reference model (${num(r.model.params)} parameters), ${r.options.warmup}+${r.options.steps} steps of ~${num(r.model.batchTokens)}-token batches of ${lens}-token sentences, ${num(r.flopsPerTimedStep / 1e9, 1)} GFLOP/step; tfjs ${r.tfjsVersion ?? '?'} wasm vs PyTorch ${r.peer.torch ?? '(not available)'}`,
  );
  console.log(
    table(
      [
        'threads',
        'engine tok/s',
        'PyTorch tok/s',
        'engine/PyTorch',
        'GEMM peak GFLOP/s',
        'MFU engine',
        'MFU PyTorch',
        'CPU-s/1k tok engine',
        'CPU-s/1k tok PyTorch',
        'load engine',
        'load PyTorch',
      ],
      r.threads.map((t) => [
        t.engineThreads !== null && t.engineThreads !== t.threads
          ? `${t.threads} (ran ${t.engineThreads})`
          : String(t.threads),
        num(t.engine.train?.tokensPerSec),
        num(t.peer?.train?.tokensPerSec),
        t.ratio === null ? '-' : `${t.ratio.toFixed(2)}x`,
        num(t.gemmPeakGflops, 1),
        pct(t.mfu.engine),
        pct(t.mfu.peer),
        num(t.engine.train?.cpuSecPer1kTokens, 2),
        num(t.peer?.train?.cpuSecPer1kTokens, 2),
        loadText(t.load.engine),
        loadText(t.load.peer),
      ]),
    ),
  );
  const decodeRows: string[][] = [];
  for (const t of r.threads) {
    for (const e of t.engine.decode ?? []) {
      const p = t.peer?.decode?.find((d) => d.search === e.search && d.batch === e.batch);
      decodeRows.push([
        String(t.threads),
        e.search,
        String(e.batch),
        num(e.msPerSentence, 1),
        num(p?.msPerSentence, 1),
        p === undefined ? '-' : `${(e.msPerSentence / p.msPerSentence).toFixed(2)}x`,
        `${num(e.meanTargetTokens, 1)} / ${num(p?.meanTargetTokens, 1)}`,
      ]);
    }
  }
  if (decodeRows.length > 0) {
    console.log(
      `\nDecoding on the key/value cache, ms per sentence (random weights, 20-token sources, margin 0; beam 4 with alpha ${BEAM.alpha})`,
    );
    console.log(
      table(
        [
          'threads',
          'search',
          'batch',
          'engine',
          'PyTorch',
          'engine/PyTorch',
          'tokens engine / PyTorch',
        ],
        decodeRows,
      ),
    );
  }
  const lb = r.largestBatch;
  if (lb !== undefined) {
    const budgets = [...new Set([...lb.engine, ...lb.peer].map((x) => x.batchTokens))].sort(
      (a, b) => a - b,
    );
    const cell = (row: ProbeRow | undefined): string =>
      row === undefined
        ? 'not tried'
        : row.ok
          ? 'trains'
          : `fails: ${(row.error ?? '').slice(0, 60)}`;
    console.log(
      `\nLargest batch that trains (${lb.threads} thread(s); one step per budget in its own process, [budget/32, 32] batches; cap ${num(lb.capTokens)} tokens; PyTorch's data segment capped at ${num(lb.peerMemLimitMB)} MB)`,
    );
    console.log(
      table(
        [
          'batch tokens',
          'engine',
          'engine peak RSS MB',
          'engine wasm heap MB',
          'PyTorch',
          'PyTorch peak RSS MB',
        ],
        budgets.map((b) => {
          const e = lb.engine.find((x) => x.batchTokens === b);
          const p = lb.peer.find((x) => x.batchTokens === b);
          return [
            `${num(b)}${e?.fromTrainingRun === true || p?.fromTrainingRun === true ? ' (training run)' : ''}`,
            cell(e),
            num(e?.peakRssMB),
            num(e?.wasmHeapMB),
            r.peer.available ? cell(p) : '-',
            num(p?.peakRssMB),
          ];
        }),
      ),
    );
    console.log(
      `largest: engine ${num(lb.engineLargest)} tokens${lb.engine.every((x) => x.ok) ? ' (the cap)' : ''}; PyTorch ${r.peer.available ? `${num(lb.peerLargest)} tokens${lb.peer.every((x) => x.ok) ? ' (the cap)' : ''}` : '-'}`,
    );
  }
  for (const n of r.notes) console.log(`note: ${n}`);
  console.log(
    `load average (1, 5, 15 min): start ${r.load.start.map((l) => l.toFixed(2)).join(' ')}, end ${r.load.end.map((l) => l.toFixed(2)).join(' ')}`,
  );
}
