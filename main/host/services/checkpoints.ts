/**
 * Export and import of one checkpoint as a single .tstudio file. No tfjs here.
 * Retention and averaging live in the run folder (main/runFolder), where the worker uses them too.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { ModelConfig, RunInfo, TrainConfig } from '../../../shared/types';
import {
  readSafetensorsFile,
  unwritableFile,
  writeSafetensorsFile,
  type TokenizerRef,
  type TrainingPosition,
} from '../../runFolder/checkpointFormat';
import type { CheckpointSelector } from '../../runFolder/checkpointSelection';
import {
  readCheckpoint,
  resolveCheckpointId,
  writeCheckpoint,
} from '../../runFolder/checkpointStore';
import type { NamedTensor } from '../../../shared/namedTensor';
import { fsyncDir, randomSuffix, sha256, TEMP_PREFIX } from '../../runFolder/atomicFs';
import { averageId } from '../../runFolder/averaging';
import { RUN_TOKENIZER_FILE, newRunId, type RunsService } from './runs';

/** Extension of exported checkpoints. */
export const EXPORT_EXTENSION = '.tstudio';
/** __metadata__.format of an exported checkpoint. */
export const EXPORT_FORMAT = 'transformer-studio/model';
export const EXPORT_VERSION = '1';

/**
 * Where a run's tokenizer.json is: the run's own copy (imported runs), else its dataset's.
 */
export async function tokenizerPathFor(home: string, run: RunInfo): Promise<string> {
  const own = path.join(home, 'runs', run.id, RUN_TOKENIZER_FILE);
  try {
    await fsp.access(own);
    return own;
  } catch {
    return path.join(home, 'datasets', run.datasetId, 'tokenizer.json');
  }
}

/** What an exported file says about itself (from its __metadata__). */
export interface ExportedModel {
  model: ModelConfig;
  train: TrainConfig;
  tokenizerJson: string;
  tokenizer: TokenizerRef;
  source: {
    runId: string;
    runName: string;
    datasetId: string;
    preset: RunInfo['preset'];
    checkpoint: string;
  };
  step: number;
  averagedFrom?: number[];
  validLoss?: number;
  bleu?: number;
  /** Present when the export carries the optimiser state (the import can then be resumed). */
  position?: TrainingPosition;
  weights: NamedTensor[];
  optimizer: NamedTensor[];
}

const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * Exports one checkpoint as a single safetensors file whose __metadata__ carries the
 * model config, training config, tokenizer.json text and provenance. With
 * `withOptimizer`, the Adam moments and the training position are included too, so the
 * imported run can continue training; without, the file holds only what translating
 * needs (a weights-only checkpoint, e.g. an average, never carries optimiser state;
 * `withOptimizer` in the result says what was written). Written atomically; a place that
 * cannot be written is a FileUnwritable error naming it.
 *
 * @param selector a step, a checkpoint id, best (per the run's early-stopping metric) or last
 * @returns `checkpoint`: the id `selector` resolved to
 */
export async function exportCheckpoint(
  home: string,
  run: RunInfo,
  selector: CheckpointSelector,
  outFile: string,
  opts: { withOptimizer?: boolean } = {},
): Promise<{ file: string; bytes: number; withOptimizer: boolean; checkpoint: string }> {
  const runDir = path.join(home, 'runs', run.id);
  const { id } = await resolveCheckpointId(runDir, selector, run.train.earlyStoppingMetric);
  const ck = await readCheckpoint(runDir, id, { optimizer: opts.withOptimizer ?? false });
  const tokPath = await tokenizerPathFor(home, run);
  let tokenizerJson: string;
  try {
    tokenizerJson = await fsp.readFile(tokPath, 'utf8');
  } catch (err) {
    throw new AppError(
      ErrorCode.NotFound,
      `Cannot export: the tokenizer ${tokPath} of run "${run.name}" cannot be read (${(err as Error).message}).`,
    );
  }
  const tokSha = sha256(tokenizerJson);
  if (tokSha !== ck.state.tokenizer.sha256) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `Cannot export: ${tokPath} is not the tokenizer checkpoint ${ck.info.id} was trained with (its sha256 differs).`,
    );
  }
  const withOptimizer = (opts.withOptimizer ?? false) && ck.state.resumable;
  const meta: Record<string, string> = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    model: JSON.stringify(ck.state.model),
    train: JSON.stringify(ck.state.train),
    tokenizer: tokenizerJson,
    tokenizer_ref: JSON.stringify(ck.state.tokenizer),
    source: JSON.stringify({
      runId: run.id,
      runName: run.name,
      datasetId: run.datasetId,
      preset: run.preset,
      checkpoint: ck.info.id,
    }),
    step: String(ck.state.step),
  };
  if (ck.state.averagedFrom) meta.averaged_from = JSON.stringify(ck.state.averagedFrom);
  if (ck.state.validLoss !== undefined) meta.valid_loss = String(ck.state.validLoss);
  if (ck.state.bleu !== undefined) meta.bleu = String(ck.state.bleu);
  if (withOptimizer && ck.state.position) meta.position = JSON.stringify(ck.state.position);
  const tensors = withOptimizer ? [...ck.weights, ...ck.optimizer] : ck.weights;
  if (ck.weights.some((t) => t.name.startsWith(OPTIMIZER_PREFIX))) {
    throw new AppError(
      ErrorCode.Internal,
      `A weight of checkpoint ${ck.info.id} is named "${OPTIMIZER_PREFIX}...", which export reserves for optimiser state.`,
    );
  }
  const dir = path.dirname(path.resolve(outFile));
  try {
    await fsp.mkdir(dir, { recursive: true });
  } catch (err) {
    throw unwritableFile(dir, err);
  }
  const tmp = path.join(dir, `${TEMP_PREFIX}${path.basename(outFile)}-${randomSuffix()}`);
  try {
    const digest = await writeSafetensorsFile(tmp, tensors, meta, outFile);
    await fsp.rename(tmp, outFile).catch((err: unknown) => {
      throw unwritableFile(outFile, err);
    });
    await fsyncDir(dir);
    return { file: outFile, bytes: digest.bytes, withOptimizer, checkpoint: ck.info.id };
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

function parseJsonMeta<T>(meta: Record<string, string>, key: string, file: string): T {
  const text = meta[key];
  if (text === undefined) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `${file} is not a Transformer Studio export: it has no "${key}" metadata.`,
      { file },
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `The "${key}" metadata of ${file} is not valid JSON.`,
      { file },
    );
  }
}

/** Reads and checks an exported file without importing it. */
export async function readExport(file: string): Promise<ExportedModel> {
  const { tensors, metadata: meta } = await readSafetensorsFile(file);
  if (meta.format !== EXPORT_FORMAT) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `${file} is a safetensors file but not a Transformer Studio export (format ${JSON.stringify(meta.format ?? null)}).`,
      { file },
    );
  }
  if (meta.version !== EXPORT_VERSION) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `${file} has export version ${meta.version}; this studio reads version ${EXPORT_VERSION}.`,
      { file },
    );
  }
  const tokenizerJson = meta.tokenizer;
  if (tokenizerJson === undefined) {
    throw new AppError(ErrorCode.CheckpointInvalid, `${file} does not contain its tokenizer.`, {
      file,
    });
  }
  const tokenizer = parseJsonMeta<TokenizerRef>(meta, 'tokenizer_ref', file);
  if (sha256(tokenizerJson) !== tokenizer.sha256) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `The tokenizer inside ${file} does not match its recorded sha256; the file is damaged.`,
      { file },
    );
  }
  const step = Number(meta.step);
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new AppError(ErrorCode.CheckpointInvalid, `${file} has no valid step in its metadata.`, {
      file,
    });
  }
  const out: ExportedModel = {
    model: parseJsonMeta<ModelConfig>(meta, 'model', file),
    train: parseJsonMeta<TrainConfig>(meta, 'train', file),
    tokenizerJson,
    tokenizer,
    source: parseJsonMeta<ExportedModel['source']>(meta, 'source', file),
    step,
    weights: tensors.filter((t) => !t.name.startsWith(OPTIMIZER_PREFIX)),
    optimizer: tensors.filter((t) => t.name.startsWith(OPTIMIZER_PREFIX)),
  };
  if (meta.averaged_from !== undefined)
    out.averagedFrom = parseJsonMeta<number[]>(meta, 'averaged_from', file);
  if (meta.valid_loss !== undefined) out.validLoss = Number(meta.valid_loss);
  if (meta.bleu !== undefined) out.bleu = Number(meta.bleu);
  if (meta.position !== undefined)
    out.position = parseJsonMeta<TrainingPosition>(meta, 'position', file);
  return out;
}

/**
 * Imports an exported file as a new run: run.json (status 'stopped', history 'imported'),
 * the run's own tokenizer.json, and one checkpoint (resumable only when the export
 * carried the optimiser state). The run folder is built under a temporary name and
 * renamed into place, so a failed import leaves nothing behind.
 */
export async function importCheckpoint(
  runs: RunsService,
  file: string,
  opts: { name?: string } = {},
): Promise<RunInfo> {
  const ex = await readExport(file);
  const now = new Date();
  const name = opts.name ?? `${ex.source.runName} (imported)`;
  const run: RunInfo = {
    id: newRunId(name, now),
    name,
    datasetId: ex.tokenizer.datasetId,
    preset: ex.source.preset,
    model: ex.model,
    train: ex.train,
    status: 'stopped',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    step: ex.step,
    history: [
      {
        time: now.toISOString(),
        event: 'imported',
        step: ex.step,
        note: `Imported from ${path.basename(file)} (run "${ex.source.runName}", checkpoint ${ex.source.checkpoint}).`,
      },
    ],
  };
  await runs.writeNew(run, async (tmpDir) => {
    const tokHandle = await fsp.open(path.join(tmpDir, RUN_TOKENIZER_FILE), 'w');
    try {
      await tokHandle.writeFile(ex.tokenizerJson);
      await tokHandle.sync();
    } finally {
      await tokHandle.close();
    }
    // The run is built in a temporary folder, so its id is passed explicitly.
    await writeCheckpoint(tmpDir, {
      runId: run.id,
      id: ex.averagedFrom ? averageId(ex.averagedFrom) : String(ex.step),
      weights: ex.weights,
      optimizer: ex.position ? ex.optimizer : [],
      state: {
        step: ex.step,
        ...(ex.position ? { position: ex.position } : {}),
        model: ex.model,
        train: ex.train,
        tokenizer: ex.tokenizer,
        ...(ex.validLoss !== undefined ? { validLoss: ex.validLoss } : {}),
        ...(ex.bleu !== undefined ? { bleu: ex.bleu } : {}),
        ...(ex.averagedFrom ? { averagedFrom: ex.averagedFrom } : {}),
      },
    });
  });
  return run;
}
