/**
 * Hugging Face MarianMT export and import of runs (issue 12). No tfjs: the export renames
 * and renumbers a checkpoint's plain tensors (main/runFolder/marian), and the import writes
 * a run whose step-0 checkpoint holds the converted weights.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import { PRESETS, type RunInfo } from '../../../shared/types';
import { exists, sha256, writeFileAtomic } from '../../runFolder/atomicFs';
import type { CheckpointSelector } from '../../runFolder/checkpointSelection';
import {
  readCheckpoint,
  resolveCheckpointId,
  writeCheckpoint,
} from '../../runFolder/checkpointStore';
import {
  marianFolderContent,
  readMarianFolder,
  writeMarianFolder,
} from '../../runFolder/marian/marianFolder';
import { toMarianConfig } from '../../runFolder/marian/marianConfig';
import { startingCheckpoint } from '../../runFolder/marian/startingCheckpoint';
import { tokenizerPathFor } from './checkpoints';
import { newRunId, RUN_TOKENIZER_FILE, type RunsService } from './runs';

/** The dataset id an imported Hugging Face model's run records (it was trained elsewhere). */
export const HF_DATASET_PREFIX = 'hf-';

/**
 * Writes checkpoint `selector` of `run` as a MarianMT folder `outDir` (new or empty).
 * Refused with a sentence: a model Marian cannot express (pre-LN, learned positions, untied
 * embeddings), a tokenizer that is not the checkpoint's, a folder already holding files.
 * @returns the checkpoint id `selector` resolved to and the bytes written
 */
export async function exportMarian(
  home: string,
  run: RunInfo,
  selector: CheckpointSelector,
  outDir: string,
): Promise<{ dir: string; checkpoint: string; bytes: number }> {
  const runDir = path.join(home, 'runs', run.id);
  const { id } = await resolveCheckpointId(runDir, selector, run.train.earlyStoppingMetric);
  const ck = await readCheckpoint(runDir, id, { optimizer: false });
  // A model Marian cannot express is refused before anything else is looked at.
  toMarianConfig(ck.state.model);
  const tokPath = await tokenizerPathFor(home, run);
  const tokenizerJson = await fsp.readFile(tokPath, 'utf8').catch((err: unknown) => {
    throw new AppError(
      ErrorCode.NotFound,
      `Cannot export: the tokenizer ${tokPath} of run "${run.name}" cannot be read (${(err as Error).message}).`,
    );
  });
  if (sha256(tokenizerJson) !== ck.state.tokenizer.sha256) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `Cannot export: ${tokPath} is not the tokenizer checkpoint ${id} was trained with (its sha256 differs).`,
    );
  }
  const s = ck.state;
  const content = marianFolderContent(ck.weights, tokenizerJson, {
    runName: run.name,
    runId: run.id,
    datasetId: run.datasetId,
    preset: run.preset,
    checkpoint: id,
    step: s.step,
    model: s.model,
    train: s.train,
    ...(s.validLoss !== undefined ? { validLoss: s.validLoss } : {}),
    ...(s.bleu !== undefined ? { bleu: s.bleu } : {}),
    ...(s.bleuSentences !== undefined ? { bleuSentences: s.bleuSentences } : {}),
    ...(s.bleuWholeSet !== undefined ? { bleuWholeSet: s.bleuWholeSet } : {}),
    ...(s.averagedFrom !== undefined ? { averagedFrom: s.averagedFrom } : {}),
  });
  const dir = path.resolve(outDir);
  const bytes = await writeMarianFolder(dir, content);
  return { dir, checkpoint: id, bytes };
}

/**
 * Imports a MarianMT folder as a new run at step 0 (status 'stopped', history 'imported')
 * with the run's own tokenizer.json and one resumable checkpoint `0` (startingCheckpoint.ts):
 * it translates and evaluates at once, and resuming it fine-tunes the imported weights on
 * `datasetId`, whose text the run tokenizes with the imported tokenizer. Every refusal comes
 * before anything is written, and the run folder is built under a temporary name, so a
 * refused or failed import creates nothing.
 * @param opts.datasetId a dataset of the studio home to fine-tune on (default: none, `hf-<folder>`)
 */
export async function importMarian(
  runs: RunsService,
  dir: string,
  opts: { name?: string; datasetId?: string } = {},
): Promise<RunInfo> {
  const folder = path.resolve(dir);
  if (opts.datasetId !== undefined) {
    const split = path.join(runs.home, 'datasets', opts.datasetId, 'train.src');
    if (!(await exists(split))) {
      throw new AppError(
        ErrorCode.NotFound,
        `There is no dataset ${opts.datasetId} to fine-tune on; import one first (npm run import) and name its id.`,
      );
    }
  }
  const hf = await readMarianFolder(folder);
  const now = new Date();
  const name = opts.name ?? `${path.basename(folder)} (Hugging Face)`;
  const base = PRESETS.base.train;
  const train = { ...base, maxLength: Math.min(base.maxLength, hf.model.maxPositions - 2) };
  const datasetId = opts.datasetId ?? `${HF_DATASET_PREFIX}${path.basename(folder)}`;
  const run: RunInfo = {
    id: newRunId(name, now),
    name,
    datasetId,
    preset: 'custom',
    model: hf.model,
    train,
    status: 'stopped',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    step: 0,
    history: [
      {
        time: now.toISOString(),
        event: 'imported',
        step: 0,
        note: `Imported from the Hugging Face MarianMT folder ${folder}${hf.renumbered ? '; token ids were renumbered so that <pad> <s> </s> <unk> are 0 to 3 (each token keeps its vector)' : ''}.`,
      },
    ],
  };
  await runs.writeNew(run, async (tmpDir) => {
    await writeFileAtomic(path.join(tmpDir, RUN_TOKENIZER_FILE), hf.tokenizerJson);
    const tokenizer = { datasetId, sha256: sha256(hf.tokenizerJson) };
    await writeCheckpoint(
      tmpDir,
      startingCheckpoint(run.id, hf.weights, hf.model, train, tokenizer),
    );
  });
  return run;
}
