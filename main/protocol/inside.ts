/**
 * The Inside screen's calls between EngineHost and the engine worker: the request of
 * shared/inside.ts resolved to files, plus what only the run knows (its training settings and
 * the checkpoint's step, for the training-signals view).
 */
import type { InsideCallName, InsideOutputs, InsideSettings } from '../../shared/inside';

/** An Inside request resolved to files (run folder, tokenizer, checkpoint id), settings complete. */
export interface InsideJob extends InsideSettings {
  runDir: string;
  tokenizerPath: string;
  /** A checkpoint id (the host resolves best / last). */
  checkpoint: string;
  /** The checkpoint's optimiser step. */
  step: number;
  train: {
    warmupSteps: number;
    lrFactor: number;
    labelSmoothing: number;
    maxSteps: number;
    /** Time budget in minutes; 0 = trained by steps. */
    minutes: number;
  };
}

/** One engine call per Inside view: the same names as the API's. */
export type InsideEngineCalls = {
  [K in InsideCallName]: { input: InsideJob; output: InsideOutputs[K] };
};
