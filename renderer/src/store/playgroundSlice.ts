import type { StateCreator } from 'zustand';
import { DECODE_DEFAULTS, DEFAULT_CHECKPOINT_REF } from '../../../shared/schema/decode';
import type { DecodeMode, Translation } from '../../../shared/types';
import { studio } from '../api';
import { errorMessage } from '../lib/format';
import { checkpointAtOrBefore, noCheckpointNote, openedNote } from '../lib/pointCheckpoint';
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
  /** Why this run and checkpoint were opened (a click on a curve), shown while they stay picked. */
  pgOpenedNote: { runId: string; checkpoint: string; text: string } | undefined;

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
  openInPlayground(runId: string, checkpoint?: string, note?: string): void;
  /**
   * Opens the run's checkpoint at `step` (or the nearest saved before it) in the Playground,
   * from a click on a curve; resolves to the sentence saying why nothing opened, if so.
   */
  openStepInPlayground(runId: string, step: number): Promise<string | undefined>;
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
  pgOpenedNote: undefined,

  setPlayground(patch) {
    set(patch);
  },

  openInPlayground(runId, checkpoint = DEFAULT_CHECKPOINT_REF, note) {
    set({
      pgRunId: runId,
      pgCheckpoint: checkpoint,
      pgResult: undefined,
      pgError: undefined,
      pgOpenedNote: note === undefined ? undefined : { runId, checkpoint, text: note },
    });
    get().selectRun(runId);
    void get().loadCheckpoints(runId);
    get().setScreen('playground');
  },

  async openStepInPlayground(runId, step) {
    // Read afresh: a training run saves checkpoints after the list was last shown.
    await get().loadCheckpoints(runId);
    const entry = get().checkpoints[runId];
    if (entry?.error) return entry.error;
    const list = entry?.list ?? [];
    const checkpoint = checkpointAtOrBefore(list, step);
    if (!checkpoint) {
      const name = get().runs.find((r) => r.id === runId)?.name ?? runId;
      return noCheckpointNote(name, step, list);
    }
    get().openInPlayground(runId, checkpoint.id, openedNote(step, checkpoint));
    return undefined;
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
