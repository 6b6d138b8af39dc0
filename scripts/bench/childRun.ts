/**
 * Running one measurement process of compare.ts: every measurement runs in its own process,
 * one after the other, with a time limit, its peak memory sampled from outside (so it is known
 * even when the child dies of an out-of-memory abort), and the load average around it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root: every child runs there. */
export const ROOT = resolve(HERE, '../..');
/** The engine's side of the comparison, run as a child per measurement. */
export const ENGINE_CHILD = join(HERE, 'compareEngine.ts');

/** The 1-minute load average before and after a measurement. */
export interface Load {
  before: number;
  after: number;
}

/** The 1-minute load average, to two decimals. */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** How a measurement process ended and what it printed. */
export interface ChildOutcome {
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
export function runChild(
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
export function failure(o: ChildOutcome, what: string): string {
  if (o.timedOut) return `${what} was stopped after its time limit`;
  if (o.stderrTail.some((l) => l.includes('Aborted('))) {
    // Emscripten's abort: in a training step, the wasm heap (at most 4 GiB) ran out.
    return `${what} aborted in wasm (out of memory: the wasm heap is at most 4 GiB)`;
  }
  const last = o.stderrTail.filter((l) => !/^\s*at /.test(l)).pop() ?? '';
  const how = o.signal !== null ? `was killed by ${o.signal}` : `exited with code ${o.code}`;
  return `${what} ${how}${last ? `: ${last.trim().slice(0, 240)}` : ''}`;
}

/** A JSON file a child wrote, or undefined when it is missing or unreadable. */
export function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
