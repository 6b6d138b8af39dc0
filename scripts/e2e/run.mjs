#!/usr/bin/env node
/**
 * `npm run test:e2e` after the build: finds a Chromium for Playwright, then runs
 * `playwright test` with any extra arguments. In order:
 *   1. CHROMIUM_PATH, when it names a file;
 *   2. Playwright's own Chromium, when `npx playwright install chromium` has put it there;
 *   3. a Chromium or Chrome installed on the system (Linux, macOS and Windows locations);
 *   4. Playwright's own Chromium, downloaded now (needs network);
 * else it stops with one sentence saying what to run. The choice is printed, and handed to
 * playwright.config.ts as CHROMIUM_PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const SYSTEM_BROWSERS = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ],
  darwin: [
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
  win32: [
    join(
      process.env['PROGRAMFILES'] ?? 'C:\\Program Files',
      'Google\\Chrome\\Application\\chrome.exe',
    ),
    join(
      process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)',
      'Google\\Chrome\\Application\\chrome.exe',
    ),
    join(process.env['LOCALAPPDATA'] ?? '', 'Google\\Chrome\\Application\\chrome.exe'),
  ],
};

/** Playwright's bundled Chromium path, or undefined when it is not installed. */
function playwrightChromium() {
  try {
    const path = chromium.executablePath();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function findBrowser() {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (existsSync(fromEnv)) return { path: fromEnv, how: 'CHROMIUM_PATH' };
    console.error(`CHROMIUM_PATH is ${fromEnv}, which does not exist; looking elsewhere.`);
  }
  const own = playwrightChromium();
  if (own) return { path: own, how: "Playwright's own Chromium" };
  const system = (SYSTEM_BROWSERS[process.platform] ?? []).find((p) => existsSync(p));
  if (system) return { path: system, how: 'the system browser' };
  console.log(
    'No Chromium found; downloading Playwright’s own (npx playwright install chromium) ...',
  );
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const r = spawnSync(npx, ['playwright', 'install', 'chromium'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  const downloaded = r.status === 0 ? playwrightChromium() : undefined;
  return downloaded
    ? { path: downloaded, how: "Playwright's own Chromium (just downloaded)" }
    : undefined;
}

const browser = findBrowser();
if (!browser) {
  console.error(
    'The end-to-end tests need Chromium and none could be found or downloaded: run `npx playwright install chromium` with network access, install Chromium or Chrome, or set CHROMIUM_PATH to its executable.',
  );
  process.exit(1);
}
console.log(`e2e browser: ${browser.path} (${browser.how})`);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const run = spawnSync(npx, ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, CHROMIUM_PATH: browser.path },
});
process.exit(run.status ?? 1);
