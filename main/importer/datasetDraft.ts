/**
 * Import stage 7, write: the dataset folder while it is built. Everything is written into
 * `datasets/.import-<pid>-<random>/` and fsynced; `commit` renames it to `datasets/<id>/`
 * in one step, so a dataset is either all there or not listed. `discard` removes the
 * folder (a failed or cancelled import); a killed process's folder is swept by the next
 * listing (datasetFolder.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetMeta, DatasetStats } from '../../shared/types';
import { fsyncDir, writeFileAtomic, writeJsonAtomic } from '../runFolder/atomicFs';
import { DATASET_FILES, IMPORT_PREFIX } from './datasetFolder';
import { LineWriter, inspectFile } from './datasetsIO';
import type { CorpusFileInfo } from './datasetsIO';
import type { PairSink } from './split';
import type { TrainedTokenizers } from './trainBpe';

/** A split's two files, written line by line, as one sink of pairs. */
class SplitWriter implements PairSink {
  constructor(
    readonly src: LineWriter,
    readonly tgt: LineWriter,
  ) {}

  write(src: string, tgt: string): void {
    this.src.write(src);
    this.tgt.write(tgt);
  }

  get pairs(): number {
    return this.src.lines;
  }
}

/** A dataset folder under construction. */
export class DatasetDraft {
  /** Writers not closed yet: abandoned when the draft is discarded. */
  private open: LineWriter[];

  private constructor(
    /** The datasets folder the draft is committed into. */
    readonly dir: string,
    /** The folder being written. */
    readonly path: string,
    readonly train: SplitWriter,
    readonly valid: SplitWriter,
  ) {
    this.open = [train.src, train.tgt, valid.src, valid.tgt];
  }

  /** Creates `dir` if needed and an empty draft folder in it with the four split files open. */
  static async create(dir: string): Promise<DatasetDraft> {
    const path = join(dir, `${IMPORT_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    await mkdir(path);
    const opened: LineWriter[] = [];
    try {
      for (const file of [
        DATASET_FILES.trainSrc,
        DATASET_FILES.trainTgt,
        DATASET_FILES.validSrc,
        DATASET_FILES.validTgt,
      ]) {
        opened.push(await LineWriter.create(join(path, file)));
      }
    } catch (err) {
      for (const w of opened) await w.abandon();
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    const [ts, tt, vs, vt] = opened as [LineWriter, LineWriter, LineWriter, LineWriter];
    return new DatasetDraft(dir, path, new SplitWriter(ts, tt), new SplitWriter(vs, vt));
  }

  /** Writes out the buffers that are full enough to be worth a write call. */
  async flushFull(): Promise<void> {
    for (const w of this.open) if (w.full) await w.flush();
  }

  /** Flushes, fsyncs and closes the four split files; no more pairs after this. */
  async closeSplits(): Promise<void> {
    for (const w of this.open.splice(0)) await w.close();
  }

  /** The stored training files, to read back (the statistics pass). */
  async trainFiles(): Promise<[CorpusFileInfo, CorpusFileInfo]> {
    return [
      await inspectFile(join(this.path, DATASET_FILES.trainSrc)),
      await inspectFile(join(this.path, DATASET_FILES.trainTgt)),
    ];
  }

  /** tokenizer.json, or tokenizer.src.json and tokenizer.tgt.json for separate vocabularies. */
  async writeTokenizers(tokenizers: TrainedTokenizers): Promise<void> {
    if (tokenizers.shared) {
      await writeFileAtomic(join(this.path, DATASET_FILES.tokenizer), tokenizers.source.toJSON());
      return;
    }
    await writeFileAtomic(join(this.path, DATASET_FILES.tokenizerSrc), tokenizers.source.toJSON());
    await writeFileAtomic(join(this.path, DATASET_FILES.tokenizerTgt), tokenizers.target.toJSON());
  }

  async writeStats(stats: DatasetStats): Promise<void> {
    await writeJsonAtomic(join(this.path, DATASET_FILES.stats), stats);
  }

  async writeMeta(meta: DatasetMeta): Promise<void> {
    await writeJsonAtomic(join(this.path, DATASET_FILES.meta), meta);
  }

  /** Renames the draft to `<dir>/<id>`: from now on the dataset is listed. */
  async commit(id: string): Promise<void> {
    await rename(this.path, join(this.dir, id));
    await fsyncDir(this.dir);
  }

  /** Closes what is open and removes the draft folder; never throws. */
  async discard(): Promise<void> {
    for (const w of this.open.splice(0)) await w.abandon();
    await rm(this.path, { recursive: true, force: true }).catch(() => undefined);
  }
}
