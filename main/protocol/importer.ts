/**
 * Messages between the host and the dataset-import worker (main/importer/importWorker.ts).
 * Plain data only; one import per worker.
 */
import type { Result } from '../../shared/errors';
import type { DatasetMeta, ImportOptions, ImportProgress } from '../../shared/types';

export type ImportWorkerIn =
  { type: 'start'; home: string; files: string[]; options: ImportOptions } | { type: 'cancel' };

export type ImportWorkerOut =
  { type: 'progress'; progress: ImportProgress } | { type: 'done'; result: Result<DatasetMeta> };
