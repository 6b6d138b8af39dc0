/**
 * Checkpoint calls: list (best marked), average, delete, export to one .tstudio file, import.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiHandlers } from '../../../shared/api';
import type { EventHub } from '../events';
import { averageCheckpoints } from '../../runFolder/averaging';
import { EXPORT_EXTENSION, exportCheckpoint, importCheckpoint } from '../services/checkpoints';
import type { RunsService } from '../services/runs';
import { deleteCheckpoint } from '../../runFolder/checkpointIO';

type CheckpointHandlers = Pick<
  ApiHandlers,
  | 'checkpointsList'
  | 'checkpointsAverage'
  | 'checkpointDelete'
  | 'checkpointExport'
  | 'checkpointImport'
>;

export function checkpointHandlers(
  home: string,
  runs: RunsService,
  events: EventHub,
): CheckpointHandlers {
  return {
    checkpointsList: ({ runId }) => runs.checkpoints(runId),

    async checkpointsAverage({ runId, ids }) {
      const info = await averageCheckpoints(runs.runDir(runId), { refs: ids });
      events.emit('checkpoints', { runId });
      return info;
    },

    async checkpointDelete({ runId, id }) {
      await runs.get(runId);
      await deleteCheckpoint(runs.runDir(runId), id);
      events.emit('checkpoints', { runId });
    },

    async checkpointExport({ runId, id, path }) {
      const run = await runs.get(runId);
      const exportsDir = join(home, 'exports');
      await mkdir(exportsDir, { recursive: true });
      const out = path ?? join(exportsDir, `${run.id}-${id}${EXPORT_EXTENSION}`);
      const { file } = await exportCheckpoint(home, run, id, out);
      return { path: file };
    },

    checkpointImport: ({ path, name }) =>
      importCheckpoint(runs, path, name === undefined ? {} : { name }),
  };
}
