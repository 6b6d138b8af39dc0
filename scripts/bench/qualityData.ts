/**
 * What quality.ts reads and writes around the two trainings: the Multi30k validation files
 * (gzipped, read in place), the studio run it trained (run.json, its checkpoints), and the
 * peer's job file: the studio's own token ids of the dataset it imported, so both sides see
 * the same tokenization and vocabulary.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AppError, ErrorCode } from '../../shared/errors';
import { BOS_ID, EOS_ID, PAD_ID } from '../../shared/specialTokens';
import type { CheckpointInfo, ModelConfig, RunInfo } from '../../shared/types';
import { DATASET_FILES } from '../../main/importer/datasetFolder';
import { listCheckpoints, readCheckpointState } from '../../main/runFolder/checkpointStore';
import { BpeTokenizer } from '../../main/text/tokenizer';

/** The lines of a text file, gzipped or not (a final newline ends the last line). */
export function readLines(path: string): string[] {
  if (!existsSync(path)) {
    throw new AppError(ErrorCode.FileUnreadable, `${path} is not there; pass --data DIR.`);
  }
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The one run in a fresh studio home, and its folder. */
export function theRun(home: string): { run: RunInfo; dir: string } {
  const runs = join(home, 'runs');
  const ids = existsSync(runs) ? readdirSync(runs).filter((n) => !n.startsWith('.')) : [];
  const id = ids.find((n) => existsSync(join(runs, n, 'run.json')));
  if (id === undefined) {
    throw new AppError(ErrorCode.NotFound, `The studio's training left no run in ${runs}.`);
  }
  const dir = join(runs, id);
  return { run: JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunInfo, dir };
}

/** The checkpoint to decode: the average a budget run ends with, else the last one. */
export async function finalCheckpoint(runDir: string): Promise<CheckpointInfo> {
  const all = await listCheckpoints(runDir);
  const averaged = all.filter((c) => c.averagedFrom !== undefined);
  const pick = (averaged.length > 0 ? averaged : all).reduce<CheckpointInfo | undefined>(
    (best, c) => (best === undefined || c.step > best.step ? c : best),
    undefined,
  );
  if (pick === undefined) {
    throw new AppError(ErrorCode.NotFound, `The studio's run ${runDir} has no checkpoint.`);
  }
  return pick;
}

/**
 * Seconds of the run's budget clock at its last trained checkpoint (`position.extra.elapsedMs`,
 * main/worker/timeBudget.ts): training steps and the validation and checkpoints due during
 * them, without the start-up before the first step or the averaging after the deadline.
 */
export async function budgetSeconds(runDir: string): Promise<number | undefined> {
  const trained = (await listCheckpoints(runDir)).filter((c) => c.averagedFrom === undefined);
  const last = trained.reduce<CheckpointInfo | undefined>(
    (best, c) => (best === undefined || c.step > best.step ? c : best),
    undefined,
  );
  if (last === undefined) return undefined;
  const elapsed = (await readCheckpointState(runDir, last.id)).position?.extra?.['elapsedMs'];
  return typeof elapsed === 'number' ? elapsed / 1000 : undefined;
}

/** The shared tokenizer of the run's dataset (the bench always imports a shared vocabulary). */
export function runTokenizer(home: string, run: RunInfo): BpeTokenizer {
  const own = join(home, 'runs', run.id, 'tokenizer.json');
  const path = existsSync(own)
    ? own
    : join(home, 'datasets', run.datasetId, DATASET_FILES.tokenizer);
  if (!existsSync(path)) {
    throw new AppError(
      ErrorCode.NotFound,
      `No shared tokenizer.json for run ${run.id}; the benchmark imports one shared vocabulary.`,
    );
  }
  return BpeTokenizer.fromJSON(readFileSync(path, 'utf8'));
}

/** The job file the peer reads (scripts/bench/peer/torch_quality.py). */
export interface PeerJob {
  vocabSize: number;
  ids: { pad: number; bos: number; eos: number };
  model: Pick<
    ModelConfig,
    'dModel' | 'heads' | 'dFF' | 'encoderLayers' | 'decoderLayers' | 'dropout' | 'maxPositions'
  >;
  /** The studio's length filter: pairs longer than this (with `</s>`) on a side are left out. */
  maxLength: number;
  /** Token ids without specials; the peer adds `</s>` and `<s>` as the studio's batches do. */
  train: { src: number[][]; tgt: number[][] };
  valid: { src: number[][]; tgt: number[][] };
  decode: { src: number[][]; beam: number; alpha: number; margin: number };
}

function split(home: string, datasetId: string, name: 'train' | 'valid'): string[][] {
  const dir = join(home, 'datasets', datasetId);
  const src = name === 'train' ? DATASET_FILES.trainSrc : DATASET_FILES.validSrc;
  const tgt = name === 'train' ? DATASET_FILES.trainTgt : DATASET_FILES.validTgt;
  return [readLines(join(dir, src)), readLines(join(dir, tgt))];
}

/**
 * Writes the peer's job: the stored train and validation pairs of the studio's dataset and
 * the sentences to translate, all as the studio's token ids.
 */
export function writePeerJob(
  path: string,
  home: string,
  run: RunInfo,
  tokenizer: BpeTokenizer,
  sources: readonly string[],
  decode: { beam: number; alpha: number; margin: number },
): PeerJob {
  const encode = (lines: readonly string[]): number[][] => lines.map((l) => tokenizer.encode(l));
  const [trainSrc = [], trainTgt = []] = split(home, run.datasetId, 'train');
  const [validSrc = [], validTgt = []] = split(home, run.datasetId, 'valid');
  const m = run.model;
  const job: PeerJob = {
    vocabSize: tokenizer.vocabSize,
    ids: { pad: PAD_ID, bos: BOS_ID, eos: EOS_ID },
    model: {
      dModel: m.dModel,
      heads: m.heads,
      dFF: m.dFF,
      encoderLayers: m.encoderLayers,
      decoderLayers: m.decoderLayers,
      dropout: m.dropout,
      maxPositions: m.maxPositions,
    },
    maxLength: Math.min(run.train.maxLength, m.maxPositions),
    train: { src: encode(trainSrc), tgt: encode(trainTgt) },
    valid: { src: encode(validSrc), tgt: encode(validTgt) },
    decode: { src: encode(sources), ...decode },
  };
  writeFileSync(path, JSON.stringify(job));
  return job;
}
