/**
 * A dataset import in its own worker thread: reading, cleaning and BPE training take seconds
 * of CPU on a large corpus, and the Electron main thread must not freeze meanwhile. One
 * import (or check of dropped files) per worker; the worker ends when it answers.
 */
import { parentPort } from 'node:worker_threads';
import { fail, ok } from '../../shared/errors';
import type { ImportProgress } from '../../shared/types';
import type { ImportWorkerIn, ImportWorkerOut } from '../protocol/importer';
import { checkCorpus } from './checkCorpus';
import { datasetsDir } from './datasetFolder';
import { importDataset } from './importDataset';

const port = parentPort;
if (!port) throw new Error('main/importer/importWorker.ts must run in a worker thread.');

const controller = new AbortController();
const post = (msg: ImportWorkerOut): void => port.postMessage(msg);

port.on('message', (msg: ImportWorkerIn) => {
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  const hooks = {
    signal: controller.signal,
    onProgress: (progress: ImportProgress) => post({ type: 'progress', progress }),
  };
  if (msg.type === 'check') {
    checkCorpus(msg.files, msg.options, hooks)
      .then(
        (check) => post({ type: 'checked', result: ok(check) }),
        (err: unknown) => post({ type: 'checked', result: fail(err) }),
      )
      .finally(() => port.close());
    return;
  }
  importDataset(datasetsDir(msg.home), msg.files, msg.options, hooks)
    .then(
      (meta) => post({ type: 'done', result: ok(meta) }),
      (err: unknown) => post({ type: 'done', result: fail(err) }),
    )
    .finally(() => port.close());
});
