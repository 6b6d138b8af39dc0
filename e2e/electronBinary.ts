/**
 * Is there an Electron binary to drive? Electron >= 42 installs none with npm and fetches it at
 * first launch; `require('electron')` would start that download, so look without touching it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function findElectronBinary(): { path: string } | { reason: string } {
  const pkg = resolve('node_modules/electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(pkg, 'path.txt');
  const executable = existsSync(pathFile)
    ? readFileSync(pathFile, 'utf8').trim()
    : process.platform === 'win32'
      ? 'electron.exe'
      : 'electron';
  const candidate = override ? join(override, executable) : join(pkg, 'dist', executable);
  if (existsSync(candidate)) return { path: candidate };
  return {
    reason:
      `No Electron binary at ${candidate}: Electron 45 downloads it at first launch (npm start), which needs network access. ` +
      'The same flows ran against web mode in Chromium.',
  };
}
