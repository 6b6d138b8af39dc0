/**
 * Resume safety and checkpoint names through the real CLI (`node --import tsx
 * main/host/cli.ts ...` in child processes, as a person types them), issue 11 "Runs":
 * damaged checkpoints are named, set aside and never deleted; a run with no good
 * checkpoint is not restarted from step 0 unless --from-scratch; settings given on resume
 * are validated before run.json is written; `best` and `last` name checkpoints; a folder
 * to import and an unwritable export target get one sentence and an exit code, no stack.
 * One tiny run on 400 pairs of resources/sample (6 steps, a checkpoint every 2) is trained
 * once and copied back before each test.
 */
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODEL_FILE, OPTIMIZER_FILE, STATE_FILE } from '../../runFolder/checkpointFormat';
import { DAMAGED_DIR } from '../../runFolder/damagedCheckpoints';
import { readMetrics } from '../../runFolder/metricsLog';
import { sampleCorpus } from './train';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const cli = path.join(repoRoot, 'main', 'host', 'cli.ts');

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end. */
function studio(args: string[]): Promise<Done> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const TRAIN_FLAGS = ['--backend', 'wasm', '--progress-every-ms', '0'];

let tmp: string;
let home: string;
let runDir: string;
let pristine: string;

/** Every file of a folder with its bytes (base64), for "nothing was written". */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await fsp.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(dir, p), (await fsp.readFile(p)).toString('base64'));
    }
  };
  await walk(dir);
  return out;
}

const ckFile = (step: number, name: string): string =>
  path.join(runDir, 'checkpoints', String(step), name);

async function truncateWeights(step: number): Promise<void> {
  const f = ckFile(step, MODEL_FILE);
  await fsp.truncate(f, Math.floor((await fsp.stat(f)).size / 2));
}

/** The set-aside folders, by checkpoint id. */
async function setAside(): Promise<Map<string, string>> {
  const dir = path.join(runDir, 'checkpoints', DAMAGED_DIR);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  return new Map(names.map((n) => [n.split('-')[0]!, path.join(dir, n)]));
}

/** A printed error is one line: no stack frames, no Node object dump. */
function expectOneSentence(text: string): void {
  const lines = text.trim().split('\n');
  expect(lines, text).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
  expect(lines[0]).toMatch(/\.$/);
}

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'train-resume-'));
  const sample = sampleCorpus();
  const src = path.join(tmp, 'corpus.en');
  const tgt = path.join(tmp, 'corpus.de');
  for (const [from, to] of [
    [sample.src, src],
    [sample.tgt, tgt],
  ] as const) {
    const lines = (await fsp.readFile(from, 'utf8')).split('\n').slice(0, 400);
    await fsp.writeFile(to, `${lines.join('\n')}\n`);
  }
  home = path.join(tmp, 'home');
  const trained = await studio([
    'train',
    ...['--src', src, '--tgt', tgt, '--out', home, '--vocab', '120'],
    ...['--batch-tokens', '96', '--max-steps', '6', '--checkpoint-every', '2'],
    ...['--valid-every', '2', '--bleu-every', '0', ...TRAIN_FLAGS],
  ]);
  expect(trained.code, trained.stdout + trained.stderr).toBe(0);
  const [id] = (await fsp.readdir(path.join(home, 'runs'))).filter((n) => !n.startsWith('.'));
  runDir = path.join(home, 'runs', id!);
  expect((await fsp.readdir(path.join(runDir, 'checkpoints'))).sort()).toEqual(['2', '4', '6']);
  pristine = path.join(tmp, 'pristine');
  await fsp.cp(runDir, pristine, { recursive: true });
}, 300_000);

beforeEach(async () => {
  await fsp.rm(runDir, { recursive: true, force: true });
  await fsp.cp(pristine, runDir, { recursive: true });
});

afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

describe('train --resume with damaged checkpoints (real CLI)', () => {
  it('names the rejected checkpoints, resumes from the newest good one and sets the damaged aside', async () => {
    await truncateWeights(6);
    await fsp.writeFile(ckFile(4, STATE_FILE), '{"format": "transformer-studio/checkp');
    const truncated = await fsp.readFile(ckFile(6, MODEL_FILE));

    const done = await studio(['train', '--resume', runDir, '--max-steps', '8', ...TRAIN_FLAGS]);
    const output = done.stdout + done.stderr;
    expect(done.code, output).toBe(0);
    expect(done.stderr).toMatch(
      /Rejected damaged checkpoints 6 \(model\.safetensors has \d+ bytes, \d+ recorded\); 4 \(The checkpoint state .*state\.json is not JSON .*\); set aside \(6 to checkpoints\/\.damaged\/6-\S+, 4 to checkpoints\/\.damaged\/4-\S+\)\./,
    );
    expect(done.stdout).toMatch(/from step 2 to 8/);

    // Nothing deleted: the damaged folders are whole under .damaged, bytes as they were.
    const aside = await setAside();
    expect([...aside.keys()].sort()).toEqual(['4', '6']);
    expect(await fsp.readFile(path.join(aside.get('6')!, MODEL_FILE))).toEqual(truncated);
    expect(await fsp.readFile(path.join(aside.get('4')!, STATE_FILE), 'utf8')).toBe(
      '{"format": "transformer-studio/checkp',
    );
    // The metrics after the resumed step are handled as before: steps 1..8, each once.
    const { records } = await readMetrics(runDir);
    const steps = records.filter((r) => r.kind === 'train').map((r) => r.step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const run = JSON.parse(await fsp.readFile(path.join(runDir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'completed', step: 8 });
  });

  it('refuses to start over when every checkpoint is damaged; --from-scratch starts at step 0', async () => {
    await fsp.rm(ckFile(6, OPTIMIZER_FILE));
    await truncateWeights(4);
    await fsp.writeFile(ckFile(2, STATE_FILE), 'not json at all');
    const before = await snapshot(runDir);

    const refused = await studio(['train', '--resume', runDir, ...TRAIN_FLAGS]);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expectOneSentence(refused.stderr);
    expect(refused.stderr).toMatch(
      /no checkpoint it can resume from, so it would start over from step 0\. Rejected as damaged: 6 \(optimizer\.safetensors is missing\); 4 \(model\.safetensors has \d+ bytes, \d+ recorded\); 2 \(The checkpoint state .* is not JSON .*\)\. Nothing was changed; .*--from-scratch/,
    );
    expect(await snapshot(runDir)).toEqual(before);

    const scratch = await studio([
      'train',
      ...['--resume', runDir, '--from-scratch', '--max-steps', '2'],
      ...TRAIN_FLAGS,
    ]);
    expect(scratch.code, scratch.stdout + scratch.stderr).toBe(0);
    expect(scratch.stdout).toMatch(/from step 0 to 2/);
    expect(scratch.stderr).toMatch(/training restarts from step 0/);
    expect([...(await setAside()).keys()].sort()).toEqual(['2', '4', '6']);
  });

  it('validates settings before writing: --lr-factor 1000 exits 2 and run.json stays byte-identical', async () => {
    const runJson = await fsp.readFile(path.join(runDir, 'run.json'));
    const before = await snapshot(runDir);
    const done = await studio([
      'train',
      ...['--resume', runDir, '--lr-factor', '1000', '--max-steps', '50'],
      ...TRAIN_FLAGS,
    ]);
    expect(done.code, done.stdout + done.stderr).toBe(2);
    expectOneSentence(done.stderr);
    expect(done.stderr).toMatch(/--lr-factor must be between .* got 1000\./);
    expect(await fsp.readFile(path.join(runDir, 'run.json'))).toEqual(runJson);
    expect(await snapshot(runDir)).toEqual(before);
  });
});

describe('checkpoint names and file errors (real CLI)', () => {
  it("exports best and last, as README's `checkpoints -- export <run-dir> best model.tstudio`", async () => {
    const out = path.join(tmp, 'exports');
    const best = await studio(['checkpoints', 'export', runDir, 'best', path.join(out, 'model')]);
    expect(best.code, best.stdout + best.stderr).toBe(0);
    expect(best.stdout).toMatch(/^Exported checkpoint best \([246]\) of run /);
    expect((await fsp.stat(path.join(out, 'model.tstudio'))).size).toBeGreaterThan(0);
    const last = await studio(['checkpoints', 'export', runDir, 'last', path.join(out, 'l')]);
    expect(last.code, last.stdout + last.stderr).toBe(0);
    expect(last.stdout).toMatch(/^Exported checkpoint last \(6\) of run /);
  });

  it('an import of a folder and an export to an unwritable place: one sentence, exit 2', async () => {
    const imported = await studio(['checkpoints', 'import', runDir, '--home', home]);
    expect(imported.code).toBe(2);
    expectOneSentence(imported.stderr);
    expect(imported.stderr).toBe(`${runDir} cannot be read: it is a folder, not a file.\n`);

    const blocker = path.join(tmp, 'a-file');
    await fsp.writeFile(blocker, 'x');
    const target = path.join(blocker, 'model.tstudio');
    const exported = await studio(['checkpoints', 'export', runDir, 'last', target]);
    expect(exported.code).toBe(2);
    expectOneSentence(exported.stderr);
    expect(exported.stderr).toBe(
      `${blocker} cannot be written: it is a file, not a folder. Choose another place or free some space.\n`,
    );

    // Permissions bind everyone but root.
    if (process.getuid?.() !== 0) {
      const locked = path.join(tmp, 'locked');
      await fsp.mkdir(locked, { mode: 0o555 });
      const denied = await studio(['checkpoints', 'export', runDir, 'last', `${locked}/m`]);
      expect(denied.code).toBe(2);
      expectOneSentence(denied.stderr);
      expect(denied.stderr).toMatch(/cannot be written: permission was denied/);
    }
  });
});
