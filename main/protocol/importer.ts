/**
 * Messages between the host and the dataset-import worker (main/importer/importWorker.ts).
 * Plain data only; one import per worker.
 */
import type { CorpusCheck } from '../../shared/corpusCheck';
import type { Result } from '../../shared/errors';
import type { DatasetMeta, ImportOptions, ImportProgress } from '../../shared/types';

export type ImportWorkerIn =
  | { type: 'start'; home: string; files: string[]; options: ImportOptions }
  /** The import's checks over every line, writing nothing (main/importer/checkCorpus.ts). */
  | { type: 'check'; files: string[]; options: ImportOptions }
  | { type: 'cancel' };

export type ImportWorkerOut =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; result: Result<DatasetMeta> }
  | { type: 'checked'; result: Result<CorpusCheck> };
