/**
 * Crash safety (issue 6): a training process is SIGKILLed at 20 random moments; after each
 * kill every listed checkpoint loads (full sha256 check) and holds exactly its step's
 * weights, metrics.jsonl parses with each step logged once, run.json reads, and the run
 * resumes from its newest checkpoint. The child is crashChild.fixture.ts with a fake
 * trainer of a few MB of weights; the persistence code is the real one.
 */
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointsDir, listCheckpoints, readCheckpoint } from '../training/checkpointIO';
import { rng, TEST_MODEL, TEST_TRAIN } from '../training/checkpointIO.fixture';
import { fakeLoss, fakeWeights } from './crashChild.fixture';
import { readMetrics } from './metricsLog';
import { RunsService } from './runs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const childScript = path.join(here, 'crashChild.fixture.ts');
const KILLS = 20;
const CHECKPOINT_EVERY = 10;
const SEED = Number(process.env.CRASH_SEED ?? 20250601);

interface Child {
  ready: Promise<number>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill: () => void;
  lines: string[];
}

function startChild(home: string, runId: string, extra: string[] = []): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', childScript, '--home', home, '--run', runId, '--step-ms', '8', ...extra],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  let onReady: (step: number) => void = () => undefined;
  const ready = new Promise<number>((resolve) => (onReady = resolve));
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      const m = /^ready (\d+)$/.exec(line);
      if (m) onReady(Number(m[1]));
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { ready, exit, kill: () => proc.kill('SIGKILL'), lines };
}

/** Every listed checkpoint loads with its hashes checked and holds exactly its step's weights. */
const expectedWeights = new Map<number, ReturnType<typeof fakeWeights>>();

async function checkCheckpoints(runDir: string): Promise<number[]> {
  const steps: number[] = [];
  for (const c of await listCheckpoints(runDir)) {
    const ck = await readCheckpoint(runDir, c.id);
    const expected = expectedWeights.get(c.step) ?? fakeWeights(c.step);
    expectedWeights.set(c.step, expected);
    ck.weights.forEach((t, i) => {
      expect(t.name).toBe(expected[i]!.name);
      expect(
        Buffer.compare(Buffer.from(t.data.buffer), Buffer.from(expected[i]!.data.buffer)),
      ).toBe(0);
    });
    steps.push(c.step);
  }
  return steps;
}

/** The steps in metrics.jsonl: each once, 1..n in order, losses equal to the fake curve. */
async function checkMetrics(runDir: string): Promise<{ last: number; torn: boolean }> {
  const { records, skippedLastLine } = await readMetrics(runDir);
  records.forEach((r, i) => {
    expect(r.step).toBe(i + 1);
    expect(r.kind === 'train' && r.loss).toBe(fakeLoss(r.step));
  });
  return { last: records.length, torn: skippedLastLine !== undefined };
}

describe('crash safety', () => {
  let home: string;
  beforeAll(async () => {
    home = await fsp.mkdtemp(path.join(os.tmpdir(), 'crash-'));
  });
  afterAll(async () => {
    await fsp.rm(home, { recursive: true, force: true });
  });

  it(`survives ${KILLS} SIGKILLs at random moments, losing only steps after the last checkpoint`, async () => {
    const runs = new RunsService(home);
    const run = await runs.create({
      name: 'crash',
      datasetId: 'ds-none',
      preset: 'custom',
      model: TEST_MODEL,
      train: { ...TEST_TRAIN, maxSteps: 1_000_000, checkpointEvery: CHECKPOINT_EVERY, keepLast: 2 },
    });
    const runDir = runs.runDir(run.id);
    const random = rng(SEED);
    const report: string[] = [];
    let resumeStep = 0;

    for (let kill = 1; kill <= KILLS; kill++) {
      const child = startChild(home, run.id);
      const ready = await Promise.race([
        child.ready,
        child.exit.then((e) => {
          throw new Error(`The child exited before training (code ${e.code}):\n${e.stderr}`);
        }),
      ]);
      // The child continues exactly where the last resume said it would.
      expect(ready).toBe(resumeStep);
      const delay = Math.floor(random() * 700);
      await new Promise((r) => setTimeout(r, delay));
      child.kill();
      const exit = await child.exit;
      expect(exit.signal, exit.stderr).toBe('SIGKILL');

      // State on disk right after the kill, before anything repairs it.
      const leftovers = (
        await fsp.readdir(checkpointsDir(runDir)).catch(() => [] as string[])
      ).filter((n) => n.startsWith('.'));
      const steps = await checkCheckpoints(runDir);
      const metrics = await checkMetrics(runDir);
      await runs.get(run.id);
      const lastCkpt = steps.at(-1) ?? 0;
      expect(metrics.last).toBeGreaterThanOrEqual(lastCkpt);
      // Metrics are synced before each checkpoint, so at most one interval is lost.
      expect(metrics.last - lastCkpt).toBeLessThanOrEqual(CHECKPOINT_EVERY);

      // Resume as the engine will: newest verified checkpoint, metrics cut back to it.
      const plan = await runs.prepareResume(run.id);
      expect(plan.fromStep).toBe(lastCkpt);
      expect(plan.rejected).toEqual([]);
      if (plan.checkpoint) await readCheckpoint(runDir, plan.checkpoint.id);
      expect((await checkMetrics(runDir)).last).toBe(lastCkpt);
      resumeStep = plan.fromStep;
      report.push(
        `kill ${String(kill).padStart(2)} after ${String(delay).padStart(3)} ms: logged to step ${metrics.last}, ` +
          `checkpoints [${steps.join(', ')}], lost ${metrics.last - lastCkpt} step(s) past the checkpoint` +
          (metrics.torn ? ', torn metrics line skipped' : '') +
          (leftovers.length > 0 ? `, cut mid-write (${leftovers.join(', ')})` : ''),
      );
    }

    // The run completes after all that, with one explicit change logged.
    const target = resumeStep + 15;
    const child = startChild(home, run.id, ['--max-steps', String(target)]);
    const exit = await child.exit;
    expect(exit.code, exit.stderr).toBe(0);
    expect(child.lines.at(-1)).toBe(`done ${target}`);
    expect((await checkMetrics(runDir)).last).toBe(target);
    expect((await checkCheckpoints(runDir)).at(-1)).toBe(target);
    const final = await runs.get(run.id);
    expect(final).toMatchObject({ status: 'completed', step: target });
    expect(final.history?.at(-1)?.changes).toEqual([
      { field: 'maxSteps', from: 1_000_000, to: target },
    ]);

    const summary = `crash safety (seed ${SEED}):\n${report.join('\n')}\ncompleted at step ${target}`;
    console.log(summary);
    if (process.env.CRASH_REPORT) await fsp.writeFile(process.env.CRASH_REPORT, `${summary}\n`);
  }, 120_000);
});
