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
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Batch } from '../../main/training/batching';
import type { ModelConfig } from '../../shared/types';
import {
  casePairs,
  DECODE_BEAM as BEAM,
  DECODE_MARGIN as MARGIN,
  decodeSources,
  plannedBatches,
  probePairs,
  referenceCase,
} from './benchData';
import type { EngineProbeResult, EngineRunResult } from './compareEngine';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const ENGINE_CHILD = join(HERE, 'compareEngine.ts');
const PEER = join(HERE, 'peer', 'torch_transformer.py');

const HELP = `npx tsx scripts/bench/compare.ts [flags]      (also: npm run bench -- compare [flags])

Trains the reference model (vocabulary 8,000 tied, d_model 256, 4 heads, d_ff 1,024, 3+3
layers, post-LN) on the same synthetic ~4,096-token batches with the engine (wasm) and with
PyTorch (scripts/bench/peer/torch_transformer.py via /usr/bin/python3), for each thread count,
and prints: target tokens/s of both and their ratio; model-FLOPs utilisation of both against
the fp32 GEMM peak (torch.mm 2048^3) measured in the same run; CPU seconds per 1,000 target
tokens; greedy and beam-4 decoding ms/sentence on the key/value cache at batch 1 and 16; the
largest batch each side trains (doubling token budgets until out of memory or the cap, each in
its own process) and its peak memory. Writes every figure as JSON. Without torch it says so
and measures the engine alone.

  --threads LIST         thread counts to measure, comma-separated (default 1,2)
  --steps N              timed training steps per side and thread count (default 3; quick 1)
  --warmup N             untimed training steps before them (default 1)
  --single N             batch-1 decoding: sentences decoded one at a time (default 3; quick 1)
  --batch N              batched decoding: sentences in one batch (default 16)
  --max-batch-tokens N   cap of the largest-batch probe's doubling budgets (default 32768;
                         quick 8192); the probe starts at twice the training budget (4,096,
                         which the training run itself covers)
  --probe-threads N      threads of the largest-batch probe (default 1: the threaded wasm
                         build hangs instead of exiting when its heap runs out, the
                         single-threaded one aborts at once; memory does not depend on threads)
  --peer-mem-mb N        data-segment cap (RLIMIT_DATA) of every PyTorch process, so a too-large
                         batch fails with an error instead of waking the OOM killer on a shared
                         machine (default: 60% of the memory available at start)
  --python PATH          interpreter whose torch is the peer (default /usr/bin/python3)
  --no-peer              measure the engine alone
  --no-decode            skip decoding
  --no-probe             skip the largest-batch probe
  --out FILE             where the JSON goes (default bench-results/compare.json)
  --quick                short settings (1 timed step, 1 batch-1 sentence, cap 8192):
                         under 3 minutes on an idle 2-core machine
  --help                 this text

Figures are printed, never asserted. The machine may be shared: the 1-minute load average is
shown with every measurement, and CPU-s per 1,000 tokens counts this process's threads only.`;

// ---------------------------------------------------------------------------------------------
// What the peer prints (one JSON object on stdout)

interface PeerTrain {
  params: number;
  steps: number;
  warmup: number;
  stepTokens: number[];
  msPerStep: number;
  tokensPerSec: number;
  cpuMsPerStep: number;
  cpuSecPer1kTokens: number;
  loss: number;
  rssBeforeMB: number;
  peakRssMB: number;
}

interface DecodeFigures {
  search: string;
  batch: number;
  sentences: number;
  msPerSentence: number;
  cpuMsPerSentence: number;
  meanTargetTokens: number;
}

interface PeerResult {
  torch: string;
  blas: string;
  threads: number;
  ok?: boolean;
  error?: string;
  outOfMemory?: boolean;
  peakRssMB?: number;
  gemm?: { gflops: number; size: number; reps: number; bestMs: number };
  train?: PeerTrain;
  decode?: { cases: DecodeFigures[] };
}

/** The job file the peer reads: the engine's exact batches and decoding sources. */
interface PeerJob {
  model: ModelConfig;
  train: ReturnType<typeof referenceCase>['train'];
  warmup: number;
  steps: number;
  batches: Batch[];
  decode?: { single: number[][]; batch: number[][]; margin: number; alpha: number };
}

// ---------------------------------------------------------------------------------------------
// What this writes

interface Load {
  before: number;
  after: number;
}

interface ThreadFigures {
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

interface ProbeRow {
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

interface Report {
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
  peer: { available: boolean; reason?: string; torch?: string; blas?: string };
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

// ---------------------------------------------------------------------------------------------

/**
 * Model FLOPs of one training step: 3 x the forward pass's matrix-product FLOPs (backward
 * costs twice the forward), over the padded batch shapes both sides compute, with the
 * vocabulary projection over target tokens only (both sides project only those). The same
 * count for engine and peer, so MFU compares their speed on the same work.
 */
export function trainingFlops(
  m: ModelConfig,
  b: Pick<Batch, 'size' | 'srcLen' | 'tgtLen' | 'tokens'>,
): number {
  const d = m.dModel;
  const f = m.dFF;
  const { size: B, srcLen: S, tgtLen: T } = b;
  // Encoder layer: Q,K,V,O (8 d^2) and FFN (4 d d_ff) per token; scores and weights x V (4 S d) per token.
  const enc = m.encoderLayers * (B * S * (8 * d * d + 4 * d * f) + 4 * B * S * S * d);
  // Decoder layer: self Q,K,V,O + cross Q,O (12 d^2) + FFN per target token; cross K,V (4 d^2)
  // per source token; self-attention 4 T d and cross-attention 4 S d per target token.
  const dec =
    m.decoderLayers *
    (B * T * (12 * d * d + 4 * d * f) + B * S * 4 * d * d + 4 * B * T * T * d + 4 * B * T * S * d);
  const projection = 2 * b.tokens * d * m.tgtVocabSize;
  return 3 * (enc + dec + projection);
}

function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** MemAvailable from /proc/meminfo (what can be allocated without swapping others out). */
function availableMB(): number {
  try {
    const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m?.[1] !== undefined) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return totalmem() / 2 / 1024 / 1024;
}

interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last lines of stderr, for a failure's reason. */
  stderrTail: string[];
  timedOut: boolean;
  /**
   * The child's peak resident set (VmHWM, sampled every half second), in MB: known even when
   * it dies of an out-of-memory abort and can report nothing itself. Null off Linux.
   */
  peakRssMB: number | null;
}

/** VmHWM of a live process from /proc, in MB. */
function highWaterMB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? null : Number(m[1]) / 1024;
  } catch {
    return null; // exited, or not Linux
  }
}

/**
 * Runs one measurement process to its end, echoing its stderr (progress) prefixed with `label`
 * and keeping its stdout. A timeout kills it, so a stuck child cannot hang the benchmark.
 */
function runChild(
  command: string,
  args: string[],
  label: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildOutcome> {
  return new Promise((resolvePromise) => {
    const t0 = Date.now();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const tail: string[] = [];
    let pending = '';
    let timedOut = false;
    let peak: number | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const sampler = setInterval(() => {
      const hwm = highWaterMB(child.pid);
      if (hwm !== null) peak = Math.max(peak ?? 0, hwm);
    }, 500);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        process.stderr.write(`    [${label}] ${line}\n`);
        tail.push(line);
        if (tail.length > 8) tail.shift();
      }
    });
    child.on('error', (err) => {
      tail.push(err.message);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      process.stderr.write(
        `    [${label}] ended after ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
      );
      if (pending.trim() !== '') tail.push(pending);
      resolvePromise({ code, signal, stdout, stderrTail: tail, timedOut, peakRssMB: peak });
    });
  });
}

/** Why a child gave no figures, as one line. */
function failure(o: ChildOutcome, what: string): string {
  if (o.timedOut) return `${what} was stopped after its time limit`;
  if (o.stderrTail.some((l) => l.includes('Aborted('))) {
    // Emscripten's abort: in a training step, the wasm heap (at most 4 GiB) ran out.
    return `${what} aborted in wasm (out of memory: the wasm heap is at most 4 GiB)`;
  }
  const last = o.stderrTail.filter((l) => !/^\s*at /.test(l)).pop() ?? '';
  const how = o.signal !== null ? `was killed by ${o.signal}` : `exited with code ${o.code}`;
  return `${what} ${how}${last ? `: ${last.trim().slice(0, 240)}` : ''}`;
}

/** The peer's JSON: the last stdout line that is an object. */
function parsePeer(stdout: string): PeerResult | undefined {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as PeerResult) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a peer job; typed arrays (the batches) serialise as objects, the peer wants lists. */
function writeJob(path: string, job: PeerJob): void {
  writeFileSync(
    path,
    JSON.stringify(job, (_k, value: unknown) =>
      ArrayBuffer.isView(value) ? Array.from(value as Int32Array) : value,
    ),
  );
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Pads a table into aligned columns (first column left, the rest right). */
function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [fmt(headers), rule, ...rows.map(fmt)].join('\n');
}

const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '-'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const loadText = (l: Load | undefined): string =>
  l === undefined ? '-' : `${l.before.toFixed(2)}-${l.after.toFixed(2)}`;

// ---------------------------------------------------------------------------------------------

const OPTIONS = {
  threads: { type: 'string', default: '1,2' },
  steps: { type: 'string' },
  warmup: { type: 'string', default: '1' },
  single: { type: 'string' },
  batch: { type: 'string', default: '16' },
  'max-batch-tokens': { type: 'string' },
  'probe-threads': { type: 'string' },
  'peer-mem-mb': { type: 'string' },
  python: { type: 'string', default: '/usr/bin/python3' },
  'no-peer': { type: 'boolean', default: false },
  'no-decode': { type: 'boolean', default: false },
  'no-probe': { type: 'boolean', default: false },
  out: { type: 'string', default: 'bench-results/compare.json' },
  quick: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/** The flags, or the usage and exit code 2 on an unknown or malformed one. */
function parseFlags() {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const v = parseFlags().values;
  if (v.help) {
    console.log(HELP);
    return;
  }
  const quick = v.quick;
  const positive = (name: string, text: string | undefined, fallback: number, min = 1): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} must be a whole number of at least ${min}; got ${text}.`);
      process.exit(2);
    }
    return n;
  };
  const threadList = v.threads.split(',').map((t) => positive('threads', t.trim(), 1));
  const steps = positive('steps', v.steps, quick ? 1 : 3);
  const warmup = positive('warmup', v.warmup, 1, 0);
  const single = positive('single', v.single, quick ? 1 : 3);
  const decodeBatch = positive('batch', v.batch, 16);
  const capTokens = positive('max-batch-tokens', v['max-batch-tokens'], quick ? 8192 : 32768);
  const probeThreads = positive('probe-threads', v['probe-threads'], 1);
  const peerMemMB = positive('peer-mem-mb', v['peer-mem-mb'], Math.floor(availableMB() * 0.6));
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
  let peerOk = false;
  if (!v['no-peer']) {
    const r = spawnSync(v.python, [PEER, '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const info = r.status === 0 ? parsePeer(r.stdout) : undefined;
    if (info !== undefined) {
      peerOk = true;
      report.peer = { available: true, torch: info.torch, blas: info.blas };
      console.log(`peer: PyTorch ${info.torch} with ${info.blas} (${v.python})`);
      if (!/openblas|mkl|blis/i.test(info.blas)) {
        const note = `PyTorch's BLAS is ${info.blas}, not OpenBLAS: its figures are far below what it can do (apt-get install libopenblas0-pthread).`;
        report.notes.push(note);
        console.log(note);
      }
    } else {
      const err = `${r.error?.message ?? ''} ${r.stderr ?? ''}`;
      const reason = r.error
        ? `${v.python} cannot be run`
        : /No module named ['"]?torch/.test(err)
          ? `${v.python} has no torch module`
          : `the peer failed to start: ${err.trim().split('\n').pop() ?? ''}`;
      report.peer = { available: false, reason };
      console.log(
        `PyTorch is not available (${reason}), so this run measures the engine alone; \`apt-get install python3-torch libopenblas0-pthread\` adds the comparison.`,
      );
    }
  } else {
    report.peer = { available: false, reason: '--no-peer' };
  }

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
  const peerArgs = (threads: number, extra: string[]): string[] => [
    PEER,
    '--threads',
    String(threads),
    '--mem-limit-mb',
    String(peerMemMB),
    ...extra,
  ];

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
          peerArgs(threads, ['--gemm-peak']),
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
          peerArgs(threads, ['--job', jobPath]),
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
        engine: fromRun(
          et?.stepTokens,
          et?.memory.peakRssMB,
          run?.load.engine,
          et?.memory.wasmHeapMB,
        ),
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
            v.python,
            peerArgs(probeThreads, ['--job', probePath]),
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
        rows
          .filter((r) => r.ok)
          .reduce<number | null>((m, r) => Math.max(m ?? 0, r.batchTokens), null);
      probe.engineLargest = largest(probe.engine);
      probe.peerLargest = largest(probe.peer);
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
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
  printTables(report);
  console.log(`\nfigures: ${outPath} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

function printTables(r: Report): void {
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

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
