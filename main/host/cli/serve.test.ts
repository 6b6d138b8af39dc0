/**
 * `serve` with a bad or busy port exits 2 with one sentence and no stack trace, and nothing
 * (no engine worker) keeps the process alive after (issue 11 "Runs").
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRendererDir, parsePort } from './serve';

const repo = join(import.meta.dirname, '../../..');
let home: string;
let renderer: string;
let blocker: Server;
let busyPort: number;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-serve-'));
  renderer = mkdtempSync(join(tmpdir(), 'studio-serve-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<div id="root"></div>');
  mkdirSync(join(renderer, 'assets'));
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  busyPort = (blocker.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((r) => blocker.close(() => r()));
  rmSync(home, { recursive: true, force: true });
  rmSync(renderer, { recursive: true, force: true });
});

/** Runs `serve` to its end (a hung process fails the test with status null). */
function serve(...args: string[]) {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repo, 'main/host/cli.ts'), 'serve', '--home', home, ...args],
    {
      cwd: repo,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, TRANSFORMER_STUDIO_RENDERER: renderer },
    },
  );
  return { status: child.status, stdout: child.stdout, stderr: child.stderr.trim() };
}

describe('serve', () => {
  it('exits 2 with one sentence for --port abc', () => {
    const { status, stderr, stdout } = serve('--port', 'abc');
    expect(stderr).toBe('--port must be a whole number of at least 0; got abc.');
    expect(status).toBe(2);
    expect(stdout).toBe('');
  });

  it('exits 2 with one sentence on a busy port, and does not linger', () => {
    const { status, stderr, stdout } = serve('--port', String(busyPort));
    expect(stderr).toBe(
      `Port ${busyPort} is already in use on 127.0.0.1; pick another with --port, or --port 0 for a free one.`,
    );
    expect(status).toBe(2);
    expect(stdout).toBe('');
  });
});

describe('parsePort', () => {
  it('takes 0 to 65535, nothing else', () => {
    expect(parsePort(undefined)).toBe(0);
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8000')).toBe(8000);
    expect(parsePort('65535')).toBe(65535);
    expect(() => parsePort('65536')).toThrow(
      '--port must be a whole number from 0 (a free port) to 65535; got "65536".',
    );
    expect(() => parsePort('')).toThrow(
      '--port must be a whole number from 0 (a free port) to 65535; got "".',
    );
    for (const bad of ['-1', '1.5', 'abc', ' ']) expect(() => parsePort(bad)).toThrow(/--port/);
  });
});

describe('findRendererDir', () => {
  it('takes TRANSFORMER_STUDIO_RENDERER when set', () => {
    expect(findRendererDir({ TRANSFORMER_STUDIO_RENDERER: renderer })).toBe(renderer);
  });
});
