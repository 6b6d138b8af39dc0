/**
 * Starting worker threads, from a build or from source. A built worker is a sibling bundle
 * (out/main/<name>.js); from source (tests, `npm run train`) the TypeScript entry runs through
 * tsx. Node 20 ignores `--import` in a worker's execArgv, so a source worker starts from a
 * two-line bootstrap that registers tsx's ESM hooks inside the worker, then imports the entry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { AppError, ErrorCode } from '../../shared/errors';

/** How to start a worker: a built bundle, or the TypeScript source through tsx. */
export type WorkerEntry = { kind: 'built'; file: string } | { kind: 'source'; file: string };

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Finds a worker's code: `<bundle>.js` next to the running bundle (out/main/, maybe from
 * out/main/chunks/), else the source file under main/.
 * @param bundle the bundle's name in electron.config.ts, e.g. 'worker'
 * @param source the source path relative to main/, e.g. 'worker/engineWorker.ts'
 */
export function resolveWorkerEntry(bundle: string, source: string): WorkerEntry {
  for (const dir of [here, join(here, '..')]) {
    const built = join(dir, `${bundle}.js`);
    if (existsSync(built)) return { kind: 'built', file: built };
  }
  const file = join(here, '..', source);
  if (existsSync(file)) return { kind: 'source', file };
  throw new AppError(
    ErrorCode.Internal,
    `The ${bundle} worker was not found next to ${here}; run npm run build.`,
  );
}

function tsxBootstrap(file: string): string {
  const require = createRequire(import.meta.url);
  const tsxDir = dirname(require.resolve('tsx/package.json'));
  const pkg = JSON.parse(readFileSync(join(tsxDir, 'package.json'), 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const api = pathToFileURL(
    join(tsxDir, pkg.exports['./esm/api']?.import.default ?? 'dist/esm/api/index.mjs'),
  ).href;
  const entry = pathToFileURL(file).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

/** Starts a worker thread from an entry (built or source). */
export function startWorker(entry: WorkerEntry, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  return entry.kind === 'built'
    ? new Worker(entry.file, options)
    : new Worker(tsxBootstrap(entry.file), { ...options, eval: true });
}
