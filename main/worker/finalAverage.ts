/**
 * The end of a run with a time budget: the last checkpoints (up to AVERAGE_LAST, at least
 * two) are averaged into one (paper 6.1) and the average is evaluated; its validation loss
 * and BLEU are recorded in its state.json, so the run's checkpoint list shows them.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { CheckpointInfo } from '../../shared/types';
import { averageCheckpoints } from '../runFolder/averaging';
import { annotateCheckpoint, listCheckpoints, readCheckpoint } from '../runFolder/checkpointStore';
import type { Trainer } from '../training/trainer';
import type { Evaluator } from './evaluator';

/** How many of the newest checkpoints a budget run averages (the paper's base model: 5). */
export const AVERAGE_LAST = 5;

/**
 * Averages the newest checkpoints of `runDir` and scores the average with `evaluator`
 * (its weights are loaded into the trainer's model for that, then the trained ones put back).
 * @returns the average with its scores; undefined when there are fewer than two checkpoints
 *   or this average exists already (a resumed run that had already finished)
 */
export async function averageAndEvaluate(
  runDir: string,
  trainer: Pick<Trainer, 'model'>,
  evaluator: Pick<Evaluator, 'score'>,
): Promise<CheckpointInfo | undefined> {
  const trained = (await listCheckpoints(runDir)).filter((c) => c.averagedFrom === undefined);
  const last = Math.min(AVERAGE_LAST, trained.length);
  if (last < 2) return undefined;
  let info: CheckpointInfo;
  try {
    info = await averageCheckpoints(runDir, { last });
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.AlreadyExists) return undefined;
    throw err;
  }
  const averaged = await readCheckpoint(runDir, info.id, { optimizer: false });
  const trainedWeights = trainer.model.exportWeights();
  trainer.model.loadWeights(averaged.weights);
  try {
    const scores = await evaluator.score();
    await annotateCheckpoint(runDir, info.id, scores);
    return { ...info, ...scores };
  } finally {
    trainer.model.loadWeights(trainedWeights);
  }
}
