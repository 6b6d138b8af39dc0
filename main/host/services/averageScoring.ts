/**
 * Averaging checkpoints from the Checkpoints screen or `npm run checkpoints -- average`: the
 * average is written (main/runFolder/averaging.ts), then the engine worker scores it as
 * training scores its checkpoints (validation loss on the run's validation split, BLEU on the
 * training evaluator's sample) and the scores go into its state.json, so the list, the star
 * and "did averaging help" see them. While a run trains, the scoring call waits for a gap
 * between two steps, as translate does. An average that cannot be scored is still kept, with
 * a sentence in its state.json saying why.
 */
import { join } from 'node:path';
import type { CheckpointInfo } from '../../../shared/types';
import { DATASET_FILES, datasetsDir } from '../../importer/datasetFolder';
import type { EngineHost } from '../EngineHost';
import { exists } from '../../runFolder/atomicFs';
import { averageCheckpoints } from '../../runFolder/averaging';
import type { CheckpointSelector } from '../../runFolder/checkpointSelection';
import { annotateCheckpoint } from '../../runFolder/checkpointStore';
import { tokenizerPathFor } from './checkpoints';
import type { RunsService } from './runs';

/** Which checkpoints to average: the last k trained ones, or chosen ones. */
export type AverageSelection = { last: number } | { refs: readonly CheckpointSelector[] };

export interface AverageScoringOptions {
  /** Called once the average is on disk, before it is scored (the list can show it at once). */
  onWritten?: (info: CheckpointInfo) => void;
  /** Called when the engine is asked to score it (not when it cannot be scored). */
  onScoring?: (info: CheckpointInfo) => void;
}

/**
 * Averages checkpoints of run `runId`, scores the average in the engine worker and records
 * the scores (or, when it cannot be scored, `scoreNote`) in its state.json.
 * @returns the average as the run's listing now shows it (scores, best marked)
 */
export async function averageAndScore(
  home: string,
  runs: RunsService,
  engine: Pick<EngineHost, 'call'>,
  runId: string,
  which: AverageSelection,
  options: AverageScoringOptions = {},
): Promise<CheckpointInfo> {
  const run = await runs.get(runId);
  const runDir = runs.runDir(run.id);
  const written = await averageCheckpoints(runDir, which);
  options.onWritten?.(written);
  const datasetDir = join(datasetsDir(home), run.datasetId);
  let record: Parameters<typeof annotateCheckpoint>[2];
  const unscored = `${written.id} has no validation loss or BLEU`;
  if (!(await exists(datasetDir))) {
    record = {
      scoreNote: `${unscored}: the dataset ${run.datasetId} that run "${run.name}" trained on is no longer in the studio, so there is no validation set to score it on.`,
    };
  } else if (!(await exists(join(datasetDir, DATASET_FILES.validSrc)))) {
    record = {
      scoreNote: `${unscored}: the dataset ${run.datasetId} of run "${run.name}" has no validation split to score it on.`,
    };
  } else {
    options.onScoring?.(written);
    try {
      record = await engine.call('checkpointScore', {
        runDir,
        checkpoint: written.id,
        datasetDir,
        tokenizerPath: await tokenizerPathFor(home, run),
        train: run.train,
      });
    } catch (err) {
      // The average itself is fine and stays; the sentence says why it has no scores.
      const why = err instanceof Error ? err.message : String(err);
      record = { scoreNote: `${written.id} was written but could not be scored: ${why}` };
    }
  }
  await annotateCheckpoint(runDir, written.id, record);
  const listed = (await runs.checkpoints(run.id)).find((c) => c.id === written.id);
  return listed ?? { ...written, ...record };
}
