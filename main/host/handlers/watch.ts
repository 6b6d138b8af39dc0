/** Watch it learn: a run's pinned sentences and what the engine recorded for them. */
import type { ApiHandlers } from '../../../shared/api';
import { readPins, readWatch, writePins } from '../../runFolder/watchLog';
import type { RunsService } from '../services/runs';

type WatchHandlers = Pick<ApiHandlers, 'insideWatch' | 'insidePin'>;

export function watchHandlers(runs: RunsService): WatchHandlers {
  const state = async (runDir: string) => ({
    pins: await readPins(runDir),
    records: await readWatch(runDir),
  });
  return {
    async insideWatch({ runId }) {
      const run = await runs.get(runId);
      return state(runs.runDir(run.id));
    },
    async insidePin({ runId, sentences }) {
      const run = await runs.get(runId);
      const dir = runs.runDir(run.id);
      await writePins(dir, sentences);
      return state(dir);
    },
  };
}
