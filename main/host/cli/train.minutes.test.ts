/**
 * `train --minutes M` through the real CLI (issue 16, "Quality per minute"): a run with a
 * time budget stops on time, writes its final checkpoint with the elapsed training time,
 * averages its last checkpoints and records the average's scores; killed mid-run, it
 * resumes with the remaining budget (the schedule continues, it does not start over).
 * Tiny preset on 400 pairs of resources/sample. No assertion depends on the machine's speed:
 * the budget is checked against the elapsed time the run recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints, readCheckpointState } from '../../runFolder/checkpointStore';
import { readMetrics } from '../../runFolder/metricsLog';
import { elapsedFromPosition } from '../../worker/timeBudget';
import { sampleCorpus } from './train';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const cli = path.join(repoRoot, 'main', 'host', 'cli.ts');

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { proc: ChildProcess; done: Promise<Done> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<Done>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { proc, done };
}

const COMMON = [
  ...['--batch-tokens', '96', '--max-steps', '100000', '--warmup', '1'],
  ...['--checkpoint-every', '5', '--valid-every', '5', '--bleu-every', '0'],
  ...['--backend', 'wasm', '--progress-every-ms', '0', '--vocab', '120'],
];

let tmp: string;
let src: string;
let tgt: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'train-minutes-'));
  const sample = sampleCorpus();
  src = path.join(tmp, 'corpus.en');
  tgt = path.join(tmp, 'corpus.de');
  for (const [from, to] of [
    [sample.src, src],
    [sample.tgt, tgt],
  ] as const) {
    const lines = (await fsp.readFile(from, 'utf8')).split('\n').slice(0, 400);
    await fsp.writeFile(to, `${lines.join('\n')}\n`);
  }
});

afterAll(async () => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
  await fsp.rm(tmp, { recursive: true, force: true });
});

async function onlyRun(home: string): Promise<string> {
  const ids = (await fsp.readdir(path.join(home, 'runs'))).filter((n) => !n.startsWith('.'));
  expect(ids).toHaveLength(1);
  return path.join(home, 'runs', ids[0]!);
}

/** The newest trained checkpoint and the elapsed time it recorded. */
async function newestTrained(runDir: string): Promise<{ step: number; elapsedMs: number }> {
  const trained = (await listCheckpoints(runDir)).filter((c) => c.averagedFrom === undefined);
  const newest = trained[trained.length - 1]!;
  const state = await readCheckpointState(runDir, newest.id);
  return { step: newest.step, elapsedMs: elapsedFromPosition(state.position?.extra) };
}

/** The averaged checkpoint a budget run ends with has its validation loss recorded. */
async function expectScoredAverage(runDir: string): Promise<void> {
  const avg = (await listCheckpoints(runDir)).filter((c) => c.averagedFrom !== undefined);
  expect(avg).toHaveLength(1);
  expect(avg[0]!.averagedFrom!.length).toBeGreaterThanOrEqual(2);
  expect(avg[0]!.validLoss).toBeGreaterThan(0);
}

describe('train --minutes (real CLI)', () => {
  it('stops on time, checkpoints, averages the last checkpoints and scores the average', async () => {
    const home = path.join(tmp, 'home-a');
    const run = start([
      'train',
      '--src',
      src,
      '--tgt',
      tgt,
      '--out',
      home,
      '--minutes',
      '0.1',
      ...COMMON,
    ]);
    running.push(run.proc);
    const done = await run.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toMatch(/Run completed/);
    const runDir = await onlyRun(home);
    const last = await newestTrained(runDir);
    // It trained until the 6 s budget had passed, and stopped long before max-steps.
    expect(last.elapsedMs).toBeGreaterThanOrEqual(6_000);
    expect(last.step).toBeLessThan(100_000);
    await expectScoredAverage(runDir);
    // The lr fell to the floor (10% of the peak) along the way: the last is below the first.
    const lrs = (await readMetrics(runDir)).records.flatMap((r) =>
      r.kind === 'train' ? [r.lr] : [],
    );
    expect(lrs[lrs.length - 1]!).toBeLessThan(lrs[0]!);
    expect(lrs[lrs.length - 1]!).toBeGreaterThanOrEqual(lrs[0]! * 0.1 * 0.999);
  }, 180_000);

  it('killed mid-run, resumes with the remaining budget', async () => {
    const home = path.join(tmp, 'home-b');
    const run = start([
      'train',
      '--src',
      src,
      '--tgt',
      tgt,
      '--out',
      home,
      '--minutes',
      '0.25',
      ...COMMON,
    ]);
    running.push(run.proc);
    // Kill once the second checkpoint exists (well inside the 15 s budget).
    let killedAt: { step: number; elapsedMs: number } | undefined;
    for (let i = 0; i < 600 && killedAt === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const runs = await fsp.readdir(path.join(home, 'runs')).catch(() => [] as string[]);
      const id = runs.find((n) => !n.startsWith('.'));
      if (id === undefined) continue;
      const dir = path.join(home, 'runs', id);
      const ids = await fsp.readdir(path.join(dir, 'checkpoints')).catch(() => [] as string[]);
      if (ids.filter((n) => /^\d+$/.test(n)).length >= 2) {
        run.proc.kill('SIGKILL');
        await run.done;
        killedAt = await newestTrained(dir);
      }
    }
    expect(killedAt).toBeDefined();
    expect(killedAt!.elapsedMs).toBeGreaterThan(0);
    expect(killedAt!.elapsedMs).toBeLessThan(15_000);
    const runDir = await onlyRun(home);
    const before = (await readMetrics(runDir)).records.flatMap((r) =>
      r.kind === 'train' && r.step <= killedAt!.step ? [r.lr] : [],
    );

    const resumed = start([
      'train',
      '--resume',
      runDir,
      '--backend',
      'wasm',
      '--progress-every-ms',
      '0',
    ]);
    running.push(resumed.proc);
    const done = await resumed.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    const last = await newestTrained(runDir);
    expect(last.step).toBeGreaterThan(killedAt!.step);
    expect(last.elapsedMs).toBeGreaterThanOrEqual(15_000);
    await expectScoredAverage(runDir);
    // The schedule continued where the checkpoint left it (warm-up 1 step, so the lr only
    // falls with elapsed time): the first resumed step's lr is at most the last one before.
    const after = (await readMetrics(runDir)).records.flatMap((r) =>
      r.kind === 'train' && r.step === killedAt!.step + 1 ? [r.lr] : [],
    );
    expect(after[after.length - 1]!).toBeLessThanOrEqual(before[before.length - 1]!);
    expect(after[after.length - 1]!).toBeLessThan(before[0]!);
  }, 240_000);
});
