import type { StateCreator } from 'zustand';
import { DECODE_DEFAULTS, DEFAULT_CHECKPOINT_REF } from '../../../shared/schema/decode';
import type { DecodeMode, Translation } from '../../../shared/types';
import { studio } from '../api';
import { errorMessage } from '../lib/format';
import type { StudioState } from './index';

export type AttentionKind = 'cross' | 'self';

export interface PlaygroundSlice {
  pgRunId: string | undefined;
  /** 'best', 'last' or a checkpoint id. */
  pgCheckpoint: string;
  pgText: string;
  pgMode: DecodeMode;
  pgBeamSize: number;
  pgAlpha: number;
  pgNbest: number;
  pgResult: Translation | undefined;
  pgError: string | undefined;
  pgBusy: boolean;
  /** Counts finished translate calls (answer or error): lets tests and effects see a new one. */
  pgSeq: number;
  heatKind: AttentionKind;
  heatLayer: number;
  /** A head index, or 'avg' for the mean over heads. */
  heatHead: number | 'avg';

  setPlayground(
    patch: Partial<
      Pick<
        PlaygroundSlice,
        | 'pgCheckpoint'
        | 'pgText'
        | 'pgMode'
        | 'pgBeamSize'
        | 'pgAlpha'
        | 'pgNbest'
        | 'heatKind'
        | 'heatLayer'
        | 'heatHead'
      >
    >,
  ): void;
  openInPlayground(runId: string, checkpoint?: string): void;
  setPlaygroundRun(runId: string | undefined): void;
  translate(): Promise<void>;
}

export const createPlaygroundSlice: StateCreator<StudioState, [], [], PlaygroundSlice> = (
  set,
  get,
) => ({
  pgRunId: undefined,
  pgCheckpoint: DEFAULT_CHECKPOINT_REF,
  pgText: '',
  // The decode schema's defaults: the playground starts as the CLI and the API decode.
  pgMode: DECODE_DEFAULTS.mode,
  pgBeamSize: DECODE_DEFAULTS.beamSize,
  pgAlpha: DECODE_DEFAULTS.alpha,
  pgNbest: DECODE_DEFAULTS.nbest,
  pgResult: undefined,
  pgError: undefined,
  pgBusy: false,
  pgSeq: 0,
  heatKind: 'cross',
  heatLayer: 0,
  heatHead: 'avg',

  setPlayground(patch) {
    set(patch);
  },

  openInPlayground(runId, checkpoint = DEFAULT_CHECKPOINT_REF) {
    set({ pgRunId: runId, pgCheckpoint: checkpoint, pgResult: undefined, pgError: undefined });
    get().selectRun(runId);
    void get().loadCheckpoints(runId);
    get().setScreen('playground');
  },

  setPlaygroundRun(runId) {
    set({
      pgRunId: runId,
      pgCheckpoint: DEFAULT_CHECKPOINT_REF,
      pgResult: undefined,
      pgError: undefined,
    });
    if (runId) void get().loadCheckpoints(runId);
  },

  async translate() {
    const s = get();
    const runId = s.pgRunId ?? s.selectedRunId;
    const text = s.pgText.trim();
    if (!runId) {
      set({ pgError: 'Pick a trained run first.' });
      return;
    }
    if (!text) {
      set({ pgError: 'Type a sentence to translate.' });
      return;
    }
    set({ pgBusy: true, pgError: undefined });
    try {
      const result = await studio.translate({
        runId,
        checkpoint: s.pgCheckpoint,
        text,
        mode: s.pgMode,
        ...(s.pgMode === 'beam'
          ? { beamSize: s.pgBeamSize, alpha: s.pgAlpha, nbest: Math.min(s.pgNbest, s.pgBeamSize) }
          : {}),
        attention: true,
      });
      const layers = (s.heatKind === 'self' ? result.attention?.self : result.attention?.cross)
        ?.length;
      set((st) => ({
        pgResult: result,
        pgBusy: false,
        pgSeq: st.pgSeq + 1,
        heatLayer: layers !== undefined && s.heatLayer >= layers ? layers - 1 : s.heatLayer,
      }));
    } catch (err) {
      set((st) => ({ pgBusy: false, pgError: errorMessage(err), pgSeq: st.pgSeq + 1 }));
    }
  },
});
