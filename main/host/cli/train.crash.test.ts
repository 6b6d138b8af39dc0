/**
 * SLOW CRASH TEST (issue 6, "Crash safety"): SIGKILLs the real training process
 * (`node --import tsx main/host/cli.ts train`, engine worker and all) at 20 random moments of a
 * tiny run, the first during a fresh run and the other 19 during `train --resume RUN_DIR`.
 * It spawns 21 training processes; each costs several seconds of start-up (tsx, tfjs, the
 * wasm backend in the engine worker), which is most of its runtime.
 *
 * After each kill, before anything repairs the run folder: no checkpoint folder is
 * half-listed, every listed checkpoint loads with its sha256 checked and is the state of
 * its step, metrics.jsonl parses (a torn last line is tolerated) with each step at most once
 * and in order, run.json reads, and the next process resumes at exactly the newest
 * checkpoint's step, so a kill loses nothing but the steps after the last checkpoint.
 * Re-trained steps reproduce the losses they had before the kill. Finally the run completes
 * with steps 1..maxSteps each logged exactly once.
 *
 * The kill delays are random from a printed seed: CRASH_SEED=<seed> repeats them (the
 * moments they land on still depend on the machine's speed). CRASH_REPORT=<file> writes
 * the per-kill report there too.
 */
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../../shared/types';
import { readMetrics } from '../../runFolder/metricsLog';
import { RunsService } from '../services/runs';
import { checkpointsDir, readCheckpoint, scanCheckpoints } from '../../runFolder/checkpointStore';
import { rng } from '../../runFolder/checkpoint.fixture';
import { sampleCorpus } from './train';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const cli = path.join(repoRoot, 'main', 'host', 'cli.ts');

const KILLS = 20;
const CHECKPOINT_EVERY = 3;
const VALID_EVERY = 6;
/** Never reached during the kills; the final resume lowers it explicitly. */
const MAX_STEPS = 100_000;
/** A kill lands 0..MAX_DELAY_MS after the process first reports a step (a few steps). */
const MAX_DELAY_MS = 1500;
const CORPUS_LINES = 400;
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Options every train process gets: small and fast, one progress line per progress event. */
const COMMON = ['--backend', 'wasm', '--progress-every-ms', '0'];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

interface TrainProcess {
  /** The step the process trains from (its "Training ... from step N" line). */
  started: Promise<number>;
  /** The first step it reports done. */
  progressed: Promise<number>;
  /** The newest step it has reported done so far. */
  lastReported(): number;
  exit: Promise<Exit>;
  kill(): void;
  /** Milliseconds from spawn to the "Training ... from step" line. */
  startupMs(): number;
}

/** Processes not yet exited, killed in afterAll should an assertion end the test early. */
const live = new Set<() => void>();

function startTrain(args: string[]): TrainProcess {
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', cli, 'train', ...args, ...COMMON], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killIt = (): void => void proc.kill('SIGKILL');
  live.add(killIt);
  proc.on('exit', () => live.delete(killIt));
  let output = '';
  let buffered = '';
  let startedAt = NaN;
  let reported = -1;
  let onStarted: (step: number) => void = () => undefined;
  let onProgress: (step: number) => void = () => undefined;
  const exit = new Promise<Exit>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, output })),
  );
  const orExit = <T>(p: Promise<T>, what: string): Promise<T> =>
    Promise.race([
      p,
      exit.then((e): T => {
        throw new Error(
          `The train process exited (code ${e.code}, signal ${e.signal}) before ${what}:\n${e.output}`,
        );
      }),
    ]);
  const started = orExit(new Promise<number>((r) => (onStarted = r)), 'it started training');
  const progressed = orExit(new Promise<number>((r) => (onProgress = r)), 'it reported a step');
  // Unobserved rejections (a process that exits early) must not crash the run of the test.
  started.catch(() => undefined);
  progressed.catch(() => undefined);
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const from = /^Training .* from step (\d+) to \d+/.exec(line);
      if (from) {
        startedAt = performance.now();
        onStarted(Number(from[1]));
      }
      const step = /^step\s+(\d+)\/\d+ \|/.exec(line);
      if (step) {
        reported = Number(step[1]);
        onProgress(reported);
      }
    }
  });
  return {
    started,
    progressed,
    lastReported: () => reported,
    exit,
    kill: killIt,
    startupMs: () => startedAt - spawnedAt,
  };
}

type TrainRecord = Extract<MetricRecord, { kind: 'train' }>;

/** What a killed run folder holds, checked before anything repairs it. */
interface Inspection {
  checkpointSteps: number[];
  lastLogged: number;
  torn: boolean;
  /** Dot-entries left by a write cut short (in checkpoints/ or the run folder). */
  leftovers: string[];
}

/** Train losses seen so far, by step: a re-trained step must reproduce its loss. */
const lossByStep = new Map<number, number>();

async function inspect(runs: RunsService, runId: string): Promise<Inspection> {
  const runDir = runs.runDir(runId);
  // run.json reads (it is only ever replaced atomically).
  expect((await runs.get(runId)).id).toBe(runId);

  // No checkpoint folder is half-listed; every listed one loads with its hashes verified.
  const { checkpoints, skipped } = await scanCheckpoints(runDir);
  expect(skipped).toEqual([]);
  for (const c of checkpoints) {
    const ck = await readCheckpoint(runDir, c.id);
    expect(ck.state.step).toBe(c.step);
    expect(ck.state.resumable).toBe(true);
    expect(ck.state.position?.optimizerStep).toBe(c.step);
    expect(ck.weights.length).toBeGreaterThan(0);
    expect(ck.optimizer.length).toBeGreaterThan(0);
  }

  // metrics.jsonl parses; train steps are 1..n, each once, in order; other kinds in order.
  const { records, skippedLastLine } = await readMetrics(runDir);
  const train = records.filter((r): r is TrainRecord => r.kind === 'train');
  train.forEach((r, i) => expect(r.step).toBe(i + 1));
  const valid = records.filter((r) => r.kind === 'valid').map((r) => r.step);
  valid.forEach((s, i) => {
    if (i > 0) expect(s).toBeGreaterThan(valid[i - 1]!);
  });
  for (const r of train) {
    const before = lossByStep.get(r.step);
    if (before === undefined) lossByStep.set(r.step, r.loss);
    else expect(r.loss, `loss of re-trained step ${r.step}`).toBeCloseTo(before, 4);
  }

  const leftovers = [
    ...(await fsp.readdir(checkpointsDir(runDir)).catch(() => [] as string[])),
    ...(await fsp.readdir(runDir)),
  ].filter((n) => n.startsWith('.'));
  return {
    checkpointSteps: checkpoints.map((c) => c.step),
    lastLogged: train.at(-1)?.step ?? 0,
    torn: skippedLastLine !== undefined,
    leftovers,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

describe('crash safety of the real train process (SLOW: 21 processes, 20 SIGKILLs)', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'train-crash-'));
  });
  afterAll(async () => {
    for (const kill of live) kill();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it(`survives ${KILLS} SIGKILLs at random moments, losing only steps after the last checkpoint`, async () => {
    console.log(`crash safety: seed ${SEED} (repeat with CRASH_SEED=${SEED})`);
    const began = performance.now();
    // A small corpus: start-up (tokenising the training pairs) is paid 21 times.
    const sample = sampleCorpus();
    const src = path.join(tmp, 'corpus.en');
    const tgt = path.join(tmp, 'corpus.de');
    for (const [from, to] of [
      [sample.src, src],
      [sample.tgt, tgt],
    ] as const) {
      const lines = (await fsp.readFile(from, 'utf8')).split('\n').slice(0, CORPUS_LINES);
      await fsp.writeFile(to, `${lines.join('\n')}\n`);
    }
    const home = path.join(tmp, 'home');
    const runs = new RunsService(home);
    const random = rng(SEED);
    const report: string[] = [];
    const lost: number[] = [];
    const startups: number[] = [];
    let midWrite = 0;
    let tornLines = 0;
    let runId: string | undefined;
    let resumeStep = 0;

    for (let kill = 1; kill <= KILLS; kill++) {
      const proc = startTrain(
        runId === undefined
          ? [
              ...['--src', src, '--tgt', tgt, '--out', home, '--vocab', '120'],
              ...['--batch-tokens', '96', '--max-steps', String(MAX_STEPS)],
              ...['--checkpoint-every', String(CHECKPOINT_EVERY)],
              ...['--valid-every', String(VALID_EVERY), '--bleu-every', '0'],
            ]
          : ['--resume', runs.runDir(runId)],
      );
      // It continues exactly where the last checkpoint before the kill left off.
      expect(await proc.started).toBe(resumeStep);
      startups.push(proc.startupMs());
      if (runId === undefined) {
        const ids = (await fsp.readdir(runs.runsDir)).filter((n) => !n.startsWith('.'));
        expect(ids).toHaveLength(1);
        runId = ids[0]!;
      }
      await proc.progressed;
      const delay = Math.floor(random() * MAX_DELAY_MS);
      await new Promise((r) => setTimeout(r, delay));
      const reported = proc.lastReported();
      proc.kill();
      const exit = await proc.exit;
      expect(exit.signal, exit.output).toBe('SIGKILL');

      const seen = await inspect(runs, runId);
      const lastCheckpoint = seen.checkpointSteps.at(-1) ?? 0;
      // Metrics are synced before each checkpoint, so at most one interval is lost.
      expect(seen.lastLogged).toBeGreaterThanOrEqual(lastCheckpoint);
      expect(seen.lastLogged - lastCheckpoint).toBeLessThanOrEqual(CHECKPOINT_EVERY);
      expect(lastCheckpoint).toBeGreaterThanOrEqual(resumeStep);
      const cut = seen.leftovers.length > 0;
      midWrite += Number(cut);
      tornLines += Number(seen.torn);
      lost.push(seen.lastLogged - lastCheckpoint);
      report.push(
        `kill ${String(kill).padStart(2)}: from step ${String(resumeStep).padStart(3)}, ` +
          `${String(delay).padStart(4)} ms after the first step, last reported ${reported}, ` +
          `logged to ${seen.lastLogged}, checkpoints [${seen.checkpointSteps.join(', ')}], ` +
          `lost ${seen.lastLogged - lastCheckpoint}` +
          (seen.torn ? ', torn metrics line' : '') +
          (cut ? `, cut mid-write (${seen.leftovers.join(', ')})` : ''),
      );
      resumeStep = lastCheckpoint;
    }
    if (runId === undefined) throw new Error('No run was created.');

    // The run completes after all that: a few more steps, ending off a checkpoint boundary.
    const target = resumeStep + CHECKPOINT_EVERY + 1;
    const last = startTrain(['--resume', runs.runDir(runId), '--max-steps', String(target)]);
    expect(await last.started).toBe(resumeStep);
    const exit = await last.exit;
    expect(exit.code, exit.output).toBe(0);
    const done = await inspect(runs, runId);
    expect(done.lastLogged).toBe(target);
    expect(done.torn).toBe(false);
    expect(done.leftovers).toEqual([]);
    expect(done.checkpointSteps.at(-1)).toBe(target);
    const { records } = await readMetrics(runs.runDir(runId));
    const steps = records.filter((r) => r.kind === 'train').map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: target }, (_, i) => i + 1));
    const final = await runs.get(runId);
    expect(final).toMatchObject({ status: 'completed', step: target });
    expect(final.history?.at(-1)?.changes).toEqual([
      { field: 'maxSteps', from: MAX_STEPS, to: target },
    ]);

    const seconds = (performance.now() - began) / 1000;
    const summary =
      `crash safety (seed ${SEED}): ${KILLS} SIGKILLs of the real train process; steps lost per kill ` +
      `[${lost.join(', ')}] (total ${lost.reduce((a, b) => a + b, 0)}, max ${Math.max(...lost)}, ` +
      `checkpoint every ${CHECKPOINT_EVERY}), all after the last checkpoint; every resume started at ` +
      `the newest checkpoint; ${midWrite} kill(s) cut a write short, ${tornLines} torn metrics line(s); ` +
      `completed with steps 1..${target} each logged once; ${seconds.toFixed(0)} s, ` +
      `median start-up ${(median(startups) / 1000).toFixed(1)} s per process`;
    console.log(`${report.join('\n')}\n${summary}`);
    if (process.env.CRASH_REPORT) {
      await fsp.writeFile(process.env.CRASH_REPORT, `${report.join('\n')}\n${summary}\n`);
    }
  }, 600_000);
});
