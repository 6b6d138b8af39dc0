/**
 * Checkpoint calls: list (best marked), average (scored by the engine worker), delete, export
 * to one .tstudio file, import; export and import as a Hugging Face MarianMT folder.
 * Where an export may be written and which file an import may read is the file policy's
 * call (main/host/fileAccess.ts).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ApiHandlers } from '../../../shared/api';
import type { EngineHost } from '../EngineHost';
import type { EventHub } from '../events';
import type { FileAccess } from '../fileAccess';
import { averageAndScore } from '../services/averageScoring';
import { EXPORT_EXTENSION, exportCheckpoint, importCheckpoint } from '../services/checkpoints';
import { exportMarian, importMarian } from '../services/marianModels';
import type { RunsService } from '../services/runs';
import { zipFolder } from '../services/zipFolder';
import { exists } from '../../runFolder/atomicFs';
import { deleteCheckpoint } from '../../runFolder/checkpointStore';

type CheckpointHandlers = Pick<
  ApiHandlers,
  | 'checkpointsList'
  | 'checkpointsAverage'
  | 'checkpointDelete'
  | 'checkpointExport'
  | 'checkpointImport'
  | 'checkpointExportHf'
  | 'checkpointImportHf'
>;

export function checkpointHandlers(
  home: string,
  runs: RunsService,
  engine: EngineHost,
  events: EventHub,
  files: FileAccess,
): CheckpointHandlers {
  return {
    checkpointsList: ({ runId }) => runs.checkpoints(runId),

    async checkpointsAverage({ runId, ids }) {
      // Listed at once without scores, then again once the engine has scored it.
      const info = await averageAndScore(
        home,
        runs,
        engine,
        runId,
        { refs: ids },
        {
          onWritten: () => events.emit('checkpoints', { runId }),
        },
      );
      events.emit('checkpoints', { runId });
      return info;
    },

    async checkpointDelete({ runId, id }) {
      const { id: checkpoint } = await runs.resolveCheckpoint(runId, id);
      await deleteCheckpoint(runs.runDir(runId), checkpoint);
      events.emit('checkpoints', { runId });
    },

    async checkpointExport({ runId, id, path }) {
      // Where it may go is settled first: a refused path costs nothing and names no run.
      const out = await files.exportTarget(path, `${runId}-${id}${EXPORT_EXTENSION}`);
      const run = await runs.get(runId);
      await mkdir(dirname(out), { recursive: true });
      const { file } = await exportCheckpoint(home, run, id, out);
      return { path: file };
    },

    checkpointImport: async ({ path, name }) =>
      importCheckpoint(runs, await files.readable(path), name === undefined ? {} : { name }),

    async checkpointExportHf({ runId, id, path }) {
      // Each click of the button gets its own folder; a named one must be new or empty.
      let name = `${runId}-${id}-hf`;
      for (
        let n = 2;
        path === undefined && (await exists(await files.exportTarget(undefined, name)));
        n++
      ) {
        name = `${runId}-${id}-hf-${n}`;
      }
      const out = await files.exportTarget(path, name);
      const run = await runs.get(runId);
      const { dir } = await exportMarian(home, run, id, out);
      // A browser downloads one file: the folder zipped beside it.
      if (files.confinedTo === undefined) return { path: dir };
      const zip = `${dir}.zip`;
      await zipFolder(dir, zip);
      return { path: zip };
    },

    checkpointImportHf: async ({ path, name, datasetId }) =>
      importMarian(runs, await files.readable(path), {
        ...(name === undefined ? {} : { name }),
        ...(datasetId === undefined ? {} : { datasetId }),
      }),
  };
}
