/**
 * The studio home: one folder holding datasets/ and runs/ (DESIGN.md "Data on disk").
 * The CLI and web mode default to the same folder Electron uses as userData, so the desktop
 * app, `npm run train` and `npm run serve` see the same datasets and runs.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_NAME = 'Transformer Studio';

/** Electron's userData path for this app, computed without Electron. */
export function defaultHome(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.TRANSFORMER_STUDIO_HOME) return resolve(env.TRANSFORMER_STUDIO_HOME);
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/** Creates the home's folders if needed and returns its absolute path. */
export function ensureHome(dir: string): string {
  const home = resolve(dir);
  mkdirSync(join(home, 'datasets'), { recursive: true });
  mkdirSync(join(home, 'runs'), { recursive: true });
  return home;
}
