/**
 * The check of every line of the files waiting to be imported: the import's own reading,
 * cleaning and split, run in the background after the preview and again (debounced) when
 * an option changes, so a bad line anywhere shows before Import is pressed.
 */
import type { StateCreator } from 'zustand';
import type { CorpusCheck } from '../../../shared/corpusCheck';
import type { ImportProgress } from '../../../shared/types';
import { studio } from '../api';
import { errorCode, errorMessage, newId } from '../lib/format';
import { importOptionsFor } from './importForm';
import type { StudioState } from './index';

/** Quiet time after an option changes before the files are checked again. */
const RECHECK_DELAY_MS = 500;

export interface CorpusCheckState {
  checkId: string;
  /** The files and options this check is for; a new key starts a new check. */
  key: string;
  running: boolean;
  progress: ImportProgress | undefined;
  result: CorpusCheck | undefined;
  /** The check call itself failed (a problem in the data is `result.problem`). */
  error: string | undefined;
}

export interface CorpusCheckSlice {
  corpusCheck: CorpusCheckState | undefined;
  /** Checks the pending files with the form's options, unless that exact check is done or running. */
  checkPendingFiles(delayMs?: number): void;
  /** Stops a running check and forgets its result (files discarded or imported). */
  dropCorpusCheck(): void;
  onCheckProgress(p: ImportProgress & { importId: string }): void;
}

export const createCorpusCheckSlice: StateCreator<StudioState, [], [], CorpusCheckSlice> = (
  set,
  get,
) => {
  let timer: ReturnType<typeof setTimeout> | undefined;

  const cancelRunning = (): void => {
    const running = get().corpusCheck;
    if (running?.running) void studio.datasetCancelImport({ importId: running.checkId });
  };

  const run = async (): Promise<void> => {
    const { pendingFiles: files, importForm, preview } = get();
    // Problems the preview found already stop the import; the check would repeat them.
    if (files.length === 0 || preview === undefined || preview.problems.length > 0) return;
    const { name: _name, ...options } = importOptionsFor(importForm);
    const key = JSON.stringify({ files, options });
    if (get().corpusCheck?.key === key) return;
    cancelRunning();
    const checkId = newId('check');
    set({
      corpusCheck: {
        checkId,
        key,
        running: true,
        progress: undefined,
        result: undefined,
        error: undefined,
      },
    });
    const mine = (): boolean => get().corpusCheck?.checkId === checkId;
    try {
      const result = await studio.datasetCheck({ checkId, files, options });
      if (mine())
        set((s) => ({
          corpusCheck: s.corpusCheck && { ...s.corpusCheck, running: false, result },
        }));
    } catch (err) {
      if (!mine()) return;
      const cancelled = errorCode(err) === 'CANCELLED';
      set((s) => ({
        corpusCheck: s.corpusCheck && {
          ...s.corpusCheck,
          running: false,
          error: cancelled ? undefined : errorMessage(err),
        },
      }));
    }
  };

  return {
    corpusCheck: undefined,

    checkPendingFiles(delayMs = RECHECK_DELAY_MS) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void run();
      }, delayMs);
    },

    dropCorpusCheck() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      cancelRunning();
      set({ corpusCheck: undefined });
    },

    onCheckProgress(p) {
      const st = get().corpusCheck;
      if (!st || st.checkId !== p.importId || !st.running) return;
      const { importId: _id, ...progress } = p;
      set({ corpusCheck: { ...st, progress } });
    },
  };
};
