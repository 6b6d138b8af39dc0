/**
 * Runs a dataset import in a worker thread (main/importer/importWorker.ts) and looks, to the
 * caller, like DatasetService.import: progress callbacks, an AbortSignal, a DatasetMeta or an
 * AppError. What is imported is the same; only the thread differs. The check of dropped
 * files (every line read, nothing written) runs there too, for the same reason.
 */
import type { CorpusCheck } from '../../../shared/corpusCheck';
import { AppError, ErrorCode, unwrap } from '../../../shared/errors';
import type { Result } from '../../../shared/errors';
import type { DatasetMeta, ImportOptions, ImportProgress } from '../../../shared/types';
import { resolveWorkerEntry, startWorker } from '../threads';
import type { ImportWorkerIn, ImportWorkerOut } from '../../protocol/importer';

/** Progress and cancellation of a job in the import worker. */
export interface ImportWorkerHooks {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export function importInWorker(
  home: string,
  files: string[],
  options: ImportOptions,
  hooks: ImportWorkerHooks = {},
): Promise<DatasetMeta> {
  return runInImportWorker<DatasetMeta>(
    { type: 'start', home, files, options },
    'import',
    (msg) => (msg.type === 'done' ? msg.result : undefined),
    hooks,
  );
}

/** The import's checks over every line of the files (main/importer/checkCorpus.ts). */
export function checkInWorker(
  files: string[],
  options: ImportOptions,
  hooks: ImportWorkerHooks = {},
): Promise<CorpusCheck> {
  return runInImportWorker<CorpusCheck>(
    { type: 'check', files, options },
    'check of the files',
    (msg) => (msg.type === 'checked' ? msg.result : undefined),
    hooks,
  );
}

/** One job in a fresh import worker: sends `job`, relays progress, settles on its answer. */
function runInImportWorker<T>(
  job: ImportWorkerIn,
  what: string,
  answer: (msg: ImportWorkerOut) => Result<T> | undefined,
  hooks: ImportWorkerHooks,
): Promise<T> {
  const worker = startWorker(resolveWorkerEntry('importWorker', 'importer/importWorker.ts'));
  const send = (msg: ImportWorkerIn): void => worker.postMessage(msg);
  const stopped = (why: string): AppError =>
    new AppError(ErrorCode.Internal, `The ${what} stopped unexpectedly${why}.`);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => send({ type: 'cancel' });
    hooks.signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: ImportWorkerOut) => {
      if (msg.type === 'progress') {
        hooks.onProgress?.(msg.progress);
        return;
      }
      const result = answer(msg);
      if (result === undefined) return;
      settle(() => {
        try {
          resolve(unwrap(result));
        } catch (err) {
          reject(err);
        }
      });
    });
    worker.on('error', (err) => settle(() => reject(stopped(`: ${err.message}`))));
    worker.on('exit', (code) => settle(() => reject(stopped(` (exit code ${code})`))));
    send(job);
    if (hooks.signal?.aborted) onAbort();
  });
}
