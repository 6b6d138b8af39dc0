import type { StateCreator } from 'zustand';
import type {
  InsideCallName,
  InsideOutputs,
  InsideRequest,
  WatchState,
} from '../../../shared/inside';
import { studio } from '../api';
import { errorMessage } from '../lib/format';
import type { StudioState } from './index';

/** One view's last answer, and the request it answered (to tell when it is stale). */
export interface InsideEntry<K extends InsideCallName> {
  key: string;
  busy: boolean;
  result?: InsideOutputs[K];
  error?: string;
}

/** An Inside view: one of the engine's, or the watch-it-learn strip. */
export type InsideView = InsideCallName | 'watch';

/** The Inside screen: which view is open, its knobs, and each view's answer. */
export interface InsideSlice {
  inView: InsideView;
  inLayer: number;
  inHead: number;
  inTopK: number;
  inBeamSize: number;
  inAlpha: number;
  inEntries: { [K in InsideCallName]?: InsideEntry<K> };
  /** Counts finished Inside calls (answer or error): lets tests see a new one. */
  inSeq: number;
  /** Watch it learn: the run it is for, its pins and records. */
  inWatch: (WatchState & { runId: string }) | undefined;
  inWatchError: string | undefined;

  setInside(
    patch: Partial<
      Pick<InsideSlice, 'inView' | 'inLayer' | 'inHead' | 'inTopK' | 'inBeamSize' | 'inAlpha'>
    >,
  ): void;
  /** The request the open screen describes (the Playground's run, checkpoint and sentence). */
  insideRequest(): InsideRequest | undefined;
  /** Computes a view unless its answer for the current request is there or on its way. */
  loadInside(view: InsideCallName, force?: boolean): Promise<void>;
  /** Opens the Inside screen on the Playground's run, checkpoint and sentence. */
  openInside(view?: InsideView): void;
  /** Reads a run's pinned sentences and their recordings. */
  loadWatch(runId: string): Promise<void>;
  /** Sets a run's pinned sentences. */
  pinWatch(runId: string, sentences: string[]): Promise<void>;
}

/** The request's identity: a new key means the view's answer is stale. */
export function insideKey(view: InsideCallName, r: InsideRequest): string {
  return JSON.stringify([view, r]);
}

export const createInsideSlice: StateCreator<StudioState, [], [], InsideSlice> = (set, get) => ({
  inView: 'insideAttention',
  inLayer: 0,
  inHead: 0,
  inTopK: 5,
  inBeamSize: 4,
  inAlpha: 0.6,
  inEntries: {},
  inSeq: 0,
  inWatch: undefined,
  inWatchError: undefined,

  setInside(patch) {
    set(patch);
  },

  insideRequest() {
    const s = get();
    const runId = s.pgRunId ?? s.selectedRunId;
    const text = s.pgText.trim();
    if (!runId || !text) return undefined;
    return {
      runId,
      checkpoint: s.pgCheckpoint,
      text,
      layer: s.inLayer,
      head: s.inHead,
      topK: s.inTopK,
      beamSize: s.inBeamSize,
      alpha: s.inAlpha,
    };
  },

  async loadInside(view, force = false) {
    const request = get().insideRequest();
    if (!request) return;
    const key = insideKey(view, request);
    const old = get().inEntries[view];
    if (!force && old?.key === key && (old.busy || old.result !== undefined)) return;
    const put = (entry: InsideEntry<typeof view>) =>
      set((s) => ({ inEntries: { ...s.inEntries, [view]: entry } }));
    put({
      key,
      busy: true,
      ...(old?.result !== undefined ? { result: old.result } : {}),
    } as InsideEntry<typeof view>);
    try {
      const call = studio[view] as (r: InsideRequest) => Promise<InsideOutputs[typeof view]>;
      const result = await call(request);
      if (get().inEntries[view]?.key === key) put({ key, busy: false, result });
    } catch (err) {
      if (get().inEntries[view]?.key === key) put({ key, busy: false, error: errorMessage(err) });
    } finally {
      set((s) => ({ inSeq: s.inSeq + 1 }));
    }
  },

  openInside(view) {
    if (view) set({ inView: view });
    get().setScreen('inside');
  },

  async loadWatch(runId) {
    try {
      const state = await studio.insideWatch({ runId });
      set({ inWatch: { ...state, runId }, inWatchError: undefined });
    } catch (err) {
      set({ inWatchError: errorMessage(err) });
    }
  },

  async pinWatch(runId, sentences) {
    try {
      const state = await studio.insidePin({ runId, sentences });
      set({ inWatch: { ...state, runId }, inWatchError: undefined });
    } catch (err) {
      set({ inWatchError: errorMessage(err) });
    }
  },
});
