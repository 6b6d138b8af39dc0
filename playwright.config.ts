/**
 * e2e against web mode in Debian's Chromium (no browser download here), and against the
 * desktop app through Playwright's Electron support when an Electron binary is present.
 */
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// scripts/e2e/run.mjs (npm run test:e2e) finds a browser and passes it here; run directly,
// `playwright test` falls back to Debian's path, then to Playwright's own Chromium.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // One worker: the engine trains on the same 2 cores the browser renders with.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    headless: true,
    viewport: { width: 1360, height: 880 },
    launchOptions: {
      ...(existsSync(chromium) ? { executablePath: chromium } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'web' },
    // The same flows in the desktop app; each test skips itself, saying why, without a binary.
    { name: 'electron', testIgnore: ['auth.spec.ts'] },
  ],
});
