/**
 * The Inside screen's calls: each resolves the run's checkpoint (best / last / an id) and the
 * tokenizer to files and hands the view to the engine worker, which does all the tensor work
 * (served between two training steps when a run trains).
 */
import type { ApiHandlers } from '../../../shared/api';
import { AppError, ErrorCode } from '../../../shared/errors';
import {
  INSIDE_CALL_NAMES,
  type InsideCallName,
  type InsideSettings,
} from '../../../shared/inside';
import type { CheckpointInfo, RunInfo } from '../../../shared/types';
import type { InsideJob } from '../../protocol/inside';
import type { EngineHost } from '../EngineHost';
import { tokenizerPathFor } from '../services/checkpoints';
import type { RunsService } from '../services/runs';

type InsideHandlers = Pick<ApiHandlers, InsideCallName>;

/**
 * The checkpoint a request names: 'best' (else the newest), 'last', or an id.
 * @throws AppError(NotFound) with the ids the run has
 */
export function chooseCheckpoint(
  run: RunInfo,
  checkpoints: readonly CheckpointInfo[],
  which: string,
): CheckpointInfo {
  const chosen =
    which === 'best'
      ? (checkpoints.find((c) => c.best) ?? checkpoints[checkpoints.length - 1])
      : which === 'last'
        ? checkpoints[checkpoints.length - 1]
        : checkpoints.find((c) => c.id === which);
  if (chosen) return chosen;
  throw new AppError(
    ErrorCode.NotFound,
    checkpoints.length === 0
      ? `Run "${run.name}" has no checkpoint yet; train it until the first checkpoint (every ${run.train.checkpointEvery} steps) or stop it to write one.`
      : `Run "${run.name}" has no checkpoint ${which}; it has ${checkpoints.map((c) => c.id).join(', ')}.`,
  );
}

export function insideHandlers(
  home: string,
  runs: RunsService,
  engine: EngineHost,
): InsideHandlers {
  async function job(request: InsideSettings): Promise<InsideJob> {
    const run = await runs.get(request.runId);
    const chosen = chooseCheckpoint(run, await runs.checkpoints(run.id), request.checkpoint);
    const { warmupSteps, lrFactor, labelSmoothing, maxSteps, minutes } = run.train;
    return {
      ...request,
      checkpoint: chosen.id,
      step: chosen.step,
      runDir: runs.runDir(run.id),
      tokenizerPath: await tokenizerPathFor(home, run),
      train: { warmupSteps, lrFactor, labelSmoothing, maxSteps, minutes },
    };
  }
  const handlers = {} as Record<InsideCallName, (r: InsideSettings) => Promise<unknown>>;
  for (const name of INSIDE_CALL_NAMES) {
    handlers[name] = async (request) => engine.call(name, await job(request));
  }
  return handlers as InsideHandlers;
}
