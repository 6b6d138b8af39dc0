/**
 * Playwright fixtures: every test gets a fresh studio home and its own web-mode server
 * (`node out/main/cli.js serve`), started from the real build, stopped after the test.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StudioServer {
  url: string;
  origin: string;
  token: string;
  home: string;
  output: () => string;
}

async function startServer(home: string): Promise<{ server: StudioServer; child: ChildProcess }> {
  const cli = resolve('out/main/cli.js');
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not print its URL:\n${output}`)),
      30_000,
    );
    const check = (): void => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    child,
    server: {
      url,
      origin: parsed.origin,
      token: parsed.searchParams.get('token') ?? '',
      home,
      output: () => output,
    },
  };
}

export const test = base.extend<{ studio: StudioServer }>({
  // eslint-disable-next-line no-empty-pattern
  studio: async ({}, use) => {
    const home = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
    const { server, child } = await startServer(home);
    await use(server);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  },
});

export { expect };
