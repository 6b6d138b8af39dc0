/**
 * Runs a dataset import in a worker thread (main/importer/importWorker.ts) and looks, to the
 * caller, like DatasetService.import: progress callbacks, an AbortSignal, a DatasetMeta or an
 * AppError. What is imported is the same; only the thread differs.
 */
import { AppError, ErrorCode, unwrap } from '../../../shared/errors';
import type { DatasetMeta, ImportOptions, ImportProgress } from '../../../shared/types';
import { resolveWorkerEntry, startWorker } from '../threads';
import type { ImportWorkerIn, ImportWorkerOut } from '../../protocol/importer';

export function importInWorker(
  home: string,
  files: string[],
  options: ImportOptions,
  hooks: { onProgress?: (p: ImportProgress) => void; signal?: AbortSignal } = {},
): Promise<DatasetMeta> {
  const worker = startWorker(resolveWorkerEntry('importWorker', 'importer/importWorker.ts'));
  const send = (msg: ImportWorkerIn): void => worker.postMessage(msg);
  return new Promise<DatasetMeta>((resolve, reject) => {
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
      if (msg.type === 'progress') hooks.onProgress?.(msg.progress);
      else
        settle(() => {
          try {
            resolve(unwrap(msg.result));
          } catch (err) {
            reject(err);
          }
        });
    });
    worker.on('error', (err) =>
      settle(() =>
        reject(new AppError(ErrorCode.Internal, `The import stopped unexpectedly: ${err.message}`)),
      ),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(
          new AppError(ErrorCode.Internal, `The import stopped unexpectedly (exit code ${code}).`),
        ),
      ),
    );
    send({ type: 'start', home, files, options });
    if (hooks.signal?.aborted) onAbort();
  });
}
