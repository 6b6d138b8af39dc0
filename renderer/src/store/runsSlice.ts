import type { StateCreator } from 'zustand';
import type { CheckpointInfo, RunInfo } from '../../../shared/types';
import { studio } from '../api';
import { downloadFromServer } from '../lib/download';
import { errorMessage } from '../lib/format';
import { pathsForFiles } from '../lib/upload';
import type { StudioState } from './index';

export type CheckpointsEntry = {
  list: CheckpointInfo[];
  loading: boolean;
  error: string | undefined;
};

export interface RunsSlice {
  runs: RunInfo[];
  runsLoaded: boolean;
  runsError: string | undefined;
  /** The run the Train and Checkpoints screens show (remembered). */
  selectedRunId: string | undefined;
  /** Failure of the last run action (start, pause, ...), as its sentence. */
  runActionError: string | undefined;
  runActionBusy: boolean;
  checkpoints: Record<string, CheckpointsEntry>;
  checkpointMessage: { kind: 'ok' | 'error'; text: string; path?: string } | undefined;
  checkpointBusy: boolean;

  loadRuns(): Promise<void>;
  selectRun(runId: string | undefined): void;
  upsertRun(run: RunInfo): void;
  runAction(
    action: 'start' | 'pause' | 'resume' | 'stop',
    runId: string,
    overrides?: { maxSteps?: number },
  ): Promise<void>;
  deleteRun(runId: string): Promise<boolean>;
  loadCheckpoints(runId: string): Promise<void>;
  averageCheckpoints(runId: string, ids: string[]): Promise<void>;
  /** Exports as one .tstudio file, or as a Hugging Face MarianMT folder (a .zip in web mode). */
  exportCheckpoint(runId: string, id: string, format?: 'tstudio' | 'huggingface'): Promise<void>;
  deleteCheckpoint(runId: string, id: string): Promise<void>;
  /** Imports a .tstudio file, or with `huggingFace` a MarianMT folder, as a new run. */
  importCheckpoint(source: { path: string; huggingFace?: boolean } | { file: File }): Promise<void>;
}

const RUN_KEY = 'studio.run';

function rememberedRun(): string | undefined {
  try {
    return globalThis.localStorage?.getItem(RUN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export const createRunsSlice: StateCreator<StudioState, [], [], RunsSlice> = (set, get) => ({
  runs: [],
  runsLoaded: false,
  runsError: undefined,
  selectedRunId: rememberedRun(),
  runActionError: undefined,
  runActionBusy: false,
  checkpoints: {},
  checkpointMessage: undefined,
  checkpointBusy: false,

  async loadRuns() {
    try {
      const runs = await studio.runsList();
      set({ runs, runsLoaded: true, runsError: undefined });
      const sel = get().selectedRunId;
      if (sel && !runs.some((r) => r.id === sel)) get().selectRun(runs[0]?.id);
      else if (!sel && runs[0]) get().selectRun(runs[0].id);
    } catch (err) {
      set({ runsLoaded: true, runsError: errorMessage(err) });
    }
  },

  selectRun(runId) {
    try {
      if (runId) globalThis.localStorage?.setItem(RUN_KEY, runId);
      else globalThis.localStorage?.removeItem(RUN_KEY);
    } catch {
      // Not remembered; still selected.
    }
    set({ selectedRunId: runId, runActionError: undefined, checkpointMessage: undefined });
  },

  upsertRun(run) {
    set((s) => {
      const i = s.runs.findIndex((r) => r.id === run.id);
      if (i < 0) return { runs: [...s.runs, run] };
      const runs = s.runs.slice();
      runs[i] = run;
      return { runs };
    });
  },

  async runAction(action, runId, overrides) {
    set({ runActionBusy: true, runActionError: undefined });
    try {
      const run =
        action === 'start'
          ? await studio.runStart(overrides ? { runId, overrides } : { runId })
          : action === 'pause'
            ? await studio.runPause({ runId })
            : action === 'resume'
              ? await studio.runResume({ runId })
              : await studio.runStop({ runId });
      get().upsertRun(run);
    } catch (err) {
      set({ runActionError: errorMessage(err) });
    } finally {
      set({ runActionBusy: false });
    }
  },

  async deleteRun(runId) {
    try {
      await studio.runDelete({ runId });
      set((s) => ({ runs: s.runs.filter((r) => r.id !== runId), runActionError: undefined }));
      if (get().selectedRunId === runId) get().selectRun(get().runs[0]?.id);
      return true;
    } catch (err) {
      set({ runActionError: errorMessage(err) });
      return false;
    }
  },

  async loadCheckpoints(runId) {
    set((s) => ({
      checkpoints: {
        ...s.checkpoints,
        [runId]: { list: s.checkpoints[runId]?.list ?? [], loading: true, error: undefined },
      },
    }));
    try {
      const list = await studio.checkpointsList({ runId });
      list.sort((a, b) => a.step - b.step || a.id.localeCompare(b.id));
      set((s) => ({
        checkpoints: { ...s.checkpoints, [runId]: { list, loading: false, error: undefined } },
      }));
    } catch (err) {
      set((s) => ({
        checkpoints: {
          ...s.checkpoints,
          [runId]: { list: [], loading: false, error: errorMessage(err) },
        },
      }));
    }
  },

  async averageCheckpoints(runId, ids) {
    set({ checkpointBusy: true, checkpointMessage: undefined });
    try {
      const ckpt = await studio.checkpointsAverage({ runId, ids });
      set({
        checkpointMessage: {
          kind: 'ok',
          text: `Averaged ${ids.length} checkpoints into ${ckpt.id}.`,
        },
      });
      await get().loadCheckpoints(runId);
    } catch (err) {
      set({ checkpointMessage: { kind: 'error', text: errorMessage(err) } });
    } finally {
      set({ checkpointBusy: false });
    }
  },

  async exportCheckpoint(runId, id, format = 'tstudio') {
    set({ checkpointBusy: true, checkpointMessage: undefined });
    try {
      const hf = format === 'huggingface';
      const { path } = hf
        ? await studio.checkpointExportHf({ runId, id })
        : await studio.checkpointExport({ runId, id });
      // In a browser the file is on the server: the browser downloads it from there.
      if (studio.transport === 'web') downloadFromServer(path);
      const text = `Exported checkpoint ${id}${hf ? ' for Hugging Face' : ''} to`;
      set({ checkpointMessage: { kind: 'ok', text, path } });
    } catch (err) {
      set({ checkpointMessage: { kind: 'error', text: errorMessage(err) } });
    } finally {
      set({ checkpointBusy: false });
    }
  },

  async deleteCheckpoint(runId, id) {
    set({ checkpointBusy: true, checkpointMessage: undefined });
    try {
      await studio.checkpointDelete({ runId, id });
      set({ checkpointMessage: { kind: 'ok', text: `Deleted checkpoint ${id}.` } });
      await get().loadCheckpoints(runId);
    } catch (err) {
      set({ checkpointMessage: { kind: 'error', text: errorMessage(err) } });
    } finally {
      set({ checkpointBusy: false });
    }
  },

  async importCheckpoint(source) {
    set({ checkpointBusy: true, checkpointMessage: undefined });
    try {
      const path = 'path' in source ? source.path : (await pathsForFiles([source.file]))[0];
      if (!path) throw new Error('No file was given to import.');
      const run =
        'huggingFace' in source && source.huggingFace === true
          ? await studio.checkpointImportHf({ path })
          : await studio.checkpointImport({ path });
      get().upsertRun(run);
      get().selectRun(run.id);
      set({ checkpointMessage: { kind: 'ok', text: `Imported as run “${run.name}”.` } });
      await get().loadCheckpoints(run.id);
    } catch (err) {
      set({ checkpointMessage: { kind: 'error', text: errorMessage(err) } });
    } finally {
      set({ checkpointBusy: false });
    }
  },
});
