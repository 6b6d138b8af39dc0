/**
 * The datasets of a studio home (DESIGN.md "Data on disk"), as the host sees them: list,
 * get, statistics, the stored pairs and tokenizer(s), rename and delete, on the main thread;
 * preview and import are main/importer's pipeline (importDataset.ts), which the app runs in
 * the import worker thread (importRunner.ts) and the CLI and tests call in-process here.
 *
 * An import builds `datasets/.import-<pid>-<random>/` and renames it to `datasets/<id>/`
 * only when everything is written and fsynced; a failed or cancelled import removes its
 * folder, and folders of a killed process are swept on the next list.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { DatasetPreview } from '../../../shared/preview';
import type {
  DatasetMeta,
  DatasetStats,
  ImportOptions,
  ImportPhase,
  ImportProgress,
  ValidationOptions,
} from '../../../shared/types';
import {
  DATASET_FILES,
  assertNameFree,
  checkDatasetName,
  datasetsDir,
  isDatasetId,
  listDatasets,
  readDatasetMeta,
} from '../../importer/datasetFolder';
import { importDataset } from '../../importer/importDataset';
import type { ImportHooks } from '../../importer/importDataset';
import { previewCorpus } from '../../importer/preview';
import type { PreviewOptions } from '../../importer/preview';
import { removeAtomic, writeJsonAtomic } from '../../runFolder/atomicFs';

export type { CorpusFormat } from '../../text/corpusFormats';
export type { ColumnPick, ColumnRef, ColumnsOverview, ColumnInfo } from '../../text/corpus';
export type { CleaningOptions, LengthUnit } from '../../text/cleaning';
export type { ImportHooks, PreviewOptions };
export type { DatasetPreview, ImportOptions, ImportPhase, ImportProgress, ValidationOptions };

/** The stored tokenizer(s) of a dataset, as Hugging Face tokenizer.json text. */
export type DatasetTokenizerFiles =
  { shared: true; json: string } | { shared: false; src: string; tgt: string };

export interface DeleteOptions {
  /** Delete even when runs use the dataset. */
  force?: boolean;
  /** Names or ids of the runs that use this dataset (the caller knows the runs). */
  inUseBy?: string[];
}

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The datasets of one studio home. Every method is async and throws AppError.
 *
 * @param home the studio home folder; datasets live in `<home>/datasets/`.
 */
export class DatasetService {
  readonly dir: string;
  /** Names of imports in progress in this process, so two imports cannot take one name. */
  private readonly pendingNames = new Set<string>();

  constructor(readonly home: string) {
    this.dir = datasetsDir(home);
  }

  // -------------------------------------------------------------------------
  // Reading

  /** Every complete dataset, newest first. Also sweeps folders left by killed imports. */
  list(): Promise<DatasetMeta[]> {
    return listDatasets(this.dir);
  }

  /** One dataset's meta; NotFound when there is none. */
  async get(id: string): Promise<DatasetMeta> {
    if (!isDatasetId(id)) throw this.notFound(id);
    try {
      return await readDatasetMeta(this.dir, id);
    } catch {
      throw this.notFound(id);
    }
  }

  /** One dataset's statistics (stats.json). */
  async stats(id: string): Promise<DatasetStats> {
    await this.get(id);
    return JSON.parse(
      await readFile(join(this.dir, id, DATASET_FILES.stats), 'utf8'),
    ) as DatasetStats;
  }

  /** The stored pairs of a split, for training or evaluation. */
  async readPairs(id: string, split: 'train' | 'valid'): Promise<{ src: string[]; tgt: string[] }> {
    await this.get(id);
    const read = async (file: string): Promise<string[]> => {
      const text = await readFile(join(this.dir, id, file), 'utf8');
      if (text === '') return [];
      const lines = text.split('\n');
      lines.pop(); // every stored line ends with "\n"
      return lines;
    };
    const src = await read(split === 'train' ? DATASET_FILES.trainSrc : DATASET_FILES.validSrc);
    const tgt = await read(split === 'train' ? DATASET_FILES.trainTgt : DATASET_FILES.validTgt);
    if (src.length !== tgt.length) {
      throw new AppError(
        ErrorCode.CorpusInvalid,
        `Dataset ${id} is damaged: its ${split} source has ${formatInt(src.length)} lines but its target ${formatInt(tgt.length)}; import the corpus again.`,
      );
    }
    return { src, tgt };
  }

  /** The stored tokenizer(s) as tokenizer.json text, for BpeTokenizer.fromJSON. */
  async loadTokenizer(id: string): Promise<DatasetTokenizerFiles> {
    const meta = await this.get(id);
    const read = (file: string): Promise<string> => readFile(join(this.dir, id, file), 'utf8');
    if (meta.sharedVocab) return { shared: true, json: await read(DATASET_FILES.tokenizer) };
    return {
      shared: false,
      src: await read(DATASET_FILES.tokenizerSrc),
      tgt: await read(DATASET_FILES.tokenizerTgt),
    };
  }

  // -------------------------------------------------------------------------
  // Changing

  /** Renames a dataset (the id stays); AlreadyExists when another dataset has that name. */
  async rename(id: string, name: string): Promise<DatasetMeta> {
    const meta = await this.get(id);
    const clean = checkDatasetName(name);
    await assertNameFree(this.dir, clean, id);
    const next: DatasetMeta = { ...meta, name: clean };
    await writeJsonAtomic(join(this.dir, id, DATASET_FILES.meta), next);
    return next;
  }

  /**
   * Deletes a dataset. When runs use it (`inUseBy`, which the caller knows), this is an
   * InUse error unless `force`. The folder is first renamed away, so it vanishes from the
   * list at once even if removing its files is slow or interrupted.
   */
  async delete(id: string, options: DeleteOptions = {}): Promise<void> {
    const meta = await this.get(id);
    const users = options.inUseBy ?? [];
    if (users.length > 0 && options.force !== true) {
      throw new AppError(
        ErrorCode.InUse,
        `Dataset "${meta.name}" is used by ${users.length === 1 ? 'run' : 'runs'} ${users.map((u) => `"${u}"`).join(', ')}; those runs could not resume or be evaluated without it. Delete the runs first, or confirm to delete the dataset anyway.`,
        { id, runs: users.join(', ') },
      );
    }
    await removeAtomic(join(this.dir, id));
  }

  // -------------------------------------------------------------------------
  // Preview and import (main/importer)

  /**
   * What the dropped files hold: the detected format, the columns or fields to pick from
   * (with sample values), guessed languages, the first pairs, and problems found so far.
   * Reads only the start of each file.
   */
  preview(files: string[], options: PreviewOptions = {}): Promise<DatasetPreview> {
    return previewCorpus(files, options);
  }

  /**
   * Imports a parallel corpus in this thread (importDataset): two aligned text files
   * (source first), or one TSV, CSV or JSONL file; any of them gzipped. Throws AppError; on
   * any failure nothing is left in `datasets/`.
   */
  import(
    files: string[],
    options: ImportOptions = {},
    hooks: ImportHooks = {},
  ): Promise<DatasetMeta> {
    return importDataset(this.dir, files, options, hooks, this.pendingNames);
  }

  private notFound(id: string): AppError {
    return new AppError(
      ErrorCode.NotFound,
      `There is no dataset with the id "${String(id)}"; it may have been deleted.`,
      { id: String(id) },
    );
  }
}

/** The service for a studio home. */
export function createDatasetService(home: string): DatasetService {
  return new DatasetService(home);
}
