/**
 * Playwright fixtures. Every test gets a fresh studio home.
 * - `studio`: a web-mode server (`node out/main/cli.js serve`) started from the real build.
 * - `app`: the studio opened and ready to drive: in the `web` project, Debian's Chromium on
 *   that server; in the `electron` project, the desktop app through Playwright's Electron
 *   support (skipped, saying why, where no Electron binary is installed).
 */
import { _electron as electron, test as base, expect, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findElectronBinary } from './electronBinary';

export interface StudioServer {
  url: string;
  origin: string;
  token: string;
  home: string;
  output: () => string;
}

export interface StudioApp {
  page: Page;
  mode: 'web' | 'electron';
  home: string;
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
  // The flows start once the engine has chosen its backend, as a user sees the studio after
  // its first seconds: a threaded wasm start that hangs is replaced after
  // THREADED_START_LIMIT_MS (main/host/EngineHost.ts), and no flow should time out on that.
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the engine did not start within 120 s:\n${output}`)),
      120_000,
    );
    const check = (): void => {
      if (/Engine backend: |The engine did not start/.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    check();
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
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

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Trains a run with the CLI (`train`, the sample corpus) into the fresh home before the studio
 * opens it: the desktop app, web mode and the terminal share one home.
 */
export interface SeedRun {
  maxSteps: number;
  /** More `train` flags, e.g. early stopping. */
  args?: string[];
}

export const test = base.extend<{
  seedRun: SeedRun | undefined;
  home: string;
  studio: StudioServer;
  app: StudioApp;
}>({
  seedRun: [undefined, { option: true }],

  home: async ({ seedRun }, use, testInfo) => {
    // Skip before seeding: training the seed run takes a minute that a skipped test wastes.
    if (testInfo.project.name === 'electron') {
      const binary = findElectronBinary();
      test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');
    }
    const home = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
    if (seedRun) {
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          resolve('main/host/cli.ts'),
          'train',
          '--out',
          home,
          '--max-steps',
          String(seedRun.maxSteps),
          ...(seedRun.args ?? []),
        ],
        { stdio: 'pipe', timeout: 300_000 },
      );
    }
    await use(home);
    rmSync(home, { recursive: true, force: true });
  },

  studio: async ({ home }, use) => {
    const { server, child } = await startServer(home);
    await use(server);
    await stop(child);
  },

  app: async ({ home, page }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const binary = findElectronBinary();
      test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');
      if (!('path' in binary)) return;
      const app = await electron.launch({
        executablePath: binary.path,
        args: [resolve('out/main/index.js'), `--home=${home}`],
      });
      try {
        const window = await app.firstWindow();
        await use({ page: window, mode: 'electron', home });
      } finally {
        await app.close();
      }
      return;
    }
    const { server, child } = await startServer(home);
    try {
      await page.goto(server.url);
      await use({ page, mode: 'web', home });
    } finally {
      // What the server printed is the first thing to read when a web-mode flow fails.
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('server output', { body: server.output() });
        process.stderr.write(`--- serve output ---\n${server.output()}\n`);
      }
      await stop(child);
    }
  },
});

export { expect };

/** The sample corpus shipped in resources/ (our own, see resources/sample/README.md). */
export const SAMPLE = {
  en: resolve('resources/sample/sample.en'),
  de: resolve('resources/sample/sample.de'),
};
