/**
 * The Evaluate screen's state: which run and checkpoints, the two test files (uploaded in
 * web mode), how to decode, and the running or finished evaluation with its progress.
 */
import type { StateCreator } from 'zustand';
import type { EvaluateProgress, EvaluationResult } from '../../../shared/evaluation';
import { studio } from '../api';
import { errorMessage, newId } from '../lib/format';
import { pathsForFiles } from '../lib/upload';
import type { StudioState } from './index';

/** A test file: the name the person gave and the path the studio reads. */
export interface TestFile {
  name: string;
  path: string;
}

export interface EvaluationState {
  evalId: string;
  running: boolean;
  progress: EvaluateProgress | undefined;
  result: EvaluationResult | undefined;
  error: string | undefined;
}

export interface EvaluateSlice {
  evalRunId: string | undefined;
  /** Checkpoint ids picked, in the order they were picked. */
  evalCheckpoints: string[];
  evalSrc: TestFile | undefined;
  evalRef: TestFile | undefined;
  evalUploading: string | undefined;
  evalFilesError: string | undefined;
  evalMode: 'greedy' | 'beam';
  evalBeamSize: number;
  evalAlpha: number;
  evaluation: EvaluationState | undefined;

  setEvalRun(runId: string | undefined): void;
  toggleEvalCheckpoint(id: string): void;
  /** Two dropped files: source then reference (swapped when the names say otherwise). */
  setEvalFiles(files: File[], srcLang?: string): Promise<void>;
  swapEvalFiles(): void;
  setEvalDecode(
    patch: Partial<Pick<EvaluateSlice, 'evalMode' | 'evalBeamSize' | 'evalAlpha'>>,
  ): void;
  runEvaluation(): Promise<void>;
  onEvaluateProgress(p: EvaluateProgress): void;
}

/** True when `name` ends in the language code, as in test.en or newstest2014.en.gz. */
function namesLanguage(name: string, lang: string): boolean {
  return new RegExp(`[._-]${lang.replace(/[^A-Za-z0-9_-]/g, '')}(\\.[a-z]+)?$`, 'i').test(name);
}

export const createEvaluateSlice: StateCreator<StudioState, [], [], EvaluateSlice> = (
  set,
  get,
) => ({
  evalRunId: undefined,
  evalCheckpoints: [],
  evalSrc: undefined,
  evalRef: undefined,
  evalUploading: undefined,
  evalFilesError: undefined,
  evalMode: 'greedy',
  evalBeamSize: 4,
  evalAlpha: 0.6,
  evaluation: undefined,

  setEvalRun(runId) {
    set({ evalRunId: runId, evalCheckpoints: [] });
    if (runId) void get().loadCheckpoints(runId);
  },

  toggleEvalCheckpoint(id) {
    set((s) => ({
      evalCheckpoints: s.evalCheckpoints.includes(id)
        ? s.evalCheckpoints.filter((c) => c !== id)
        : [...s.evalCheckpoints, id],
    }));
  },

  async setEvalFiles(files, srcLang) {
    if (files.length !== 2) {
      set({
        evalFilesError: `Drop two files, the source sentences and their reference translations (one per line, aligned); you gave ${files.length}.`,
      });
      return;
    }
    let [a, b] = files as [File, File];
    if (srcLang && namesLanguage(b.name, srcLang) && !namesLanguage(a.name, srcLang))
      [a, b] = [b, a];
    set({ evalFilesError: undefined, evalUploading: a.name });
    try {
      const [srcPath, refPath] = await pathsForFiles([a, b], (name) =>
        set({ evalUploading: name }),
      );
      set({
        evalSrc: { name: a.name, path: srcPath! },
        evalRef: { name: b.name, path: refPath! },
        evalUploading: undefined,
      });
    } catch (err) {
      set({ evalUploading: undefined, evalFilesError: errorMessage(err) });
    }
  },

  swapEvalFiles() {
    set((s) => ({ evalSrc: s.evalRef, evalRef: s.evalSrc }));
  },

  setEvalDecode(patch) {
    set(patch);
  },

  async runEvaluation() {
    const s = get();
    if (!s.evalRunId || !s.evalSrc || !s.evalRef || s.evalCheckpoints.length === 0) return;
    if (s.evaluation?.running) return;
    const evalId = newId('eval');
    set({
      evaluation: {
        evalId,
        running: true,
        progress: undefined,
        result: undefined,
        error: undefined,
      },
    });
    try {
      const result = await studio.evaluate({
        evalId,
        runId: s.evalRunId,
        checkpoints: s.evalCheckpoints,
        src: s.evalSrc.path,
        ref: s.evalRef.path,
        mode: s.evalMode,
        beamSize: s.evalBeamSize,
        alpha: s.evalAlpha,
      });
      set((st) => ({
        evaluation:
          st.evaluation?.evalId === evalId
            ? { ...st.evaluation, running: false, result }
            : st.evaluation,
      }));
    } catch (err) {
      set((st) => ({
        evaluation:
          st.evaluation?.evalId === evalId
            ? { ...st.evaluation, running: false, error: errorMessage(err) }
            : st.evaluation,
      }));
    }
  },

  onEvaluateProgress(p) {
    const ev = get().evaluation;
    if (!ev || ev.evalId !== p.evalId || !ev.running) return;
    set({ evaluation: { ...ev, progress: p } });
  },
});
