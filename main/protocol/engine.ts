/**
 * The typed protocol between EngineHost (main thread) and the engine worker.
 * Discriminated unions on `type`; messages carry plain numbers, strings and arrays, never tensors.
 */
import type { ErrorData, Result } from '../../shared/errors';
import type {
  BackendName,
  CheckpointInfo,
  EngineInfo,
  MetricRecord,
  ModelConfig,
  RunEndKind,
  TrainConfig,
  TrainProgress,
  Translation,
} from '../../shared/types';
import type { DecodeSettings } from '../../shared/schema/decode';
import type { InsideEngineCalls } from './inside';

/** Everything the worker needs to train a run; it reads and writes the run folder itself. */
export interface TrainJobSpec {
  runId: string;
  /** runs/<id>: the worker appends metrics.jsonl and writes checkpoints/ here. */
  runDir: string;
  /** datasets/<id>: train/valid pairs and the tokenizer. */
  datasetDir: string;
  /** The tokenizer.json the run trains with (sha256 recorded in every checkpoint). */
  tokenizerPath: string;
  datasetId: string;
  model: ModelConfig;
  train: TrainConfig;
  /** Checkpoint id to continue from exactly; null = a fresh start at step 0. */
  resumeFrom: string | null;
}

/** A translate request resolved to files (run folder, tokenizer, checkpoint id), its settings complete. */
export interface TranslateJob extends DecodeSettings {
  runDir: string;
  tokenizerPath: string;
  /** A checkpoint id (the host resolves best / last). */
  checkpoint: string;
  text: string;
}

/** Many sentences with one checkpoint (no attention), the settings complete. */
export interface TranslateManyJob extends Omit<DecodeSettings, 'attention'> {
  runDir: string;
  tokenizerPath: string;
  /** A checkpoint id (resolved by the caller). */
  checkpoint: string;
  texts: string[];
}

/**
 * A checkpoint to score as training scores its own (an average made after training): its
 * run folder and id, the run's dataset (its validation split) and tokenizer, and the run's
 * training settings (batching and label smoothing of the loss, the BLEU sample size).
 */
export interface ScoreCheckpointJob {
  runDir: string;
  /** A checkpoint id (resolved by the caller). */
  checkpoint: string;
  /** datasets/<id>: valid.src and valid.tgt are read from here. */
  datasetDir: string;
  tokenizerPath: string;
  train: TrainConfig;
}

/** What scoring a checkpoint gives: the fields a training checkpoint records in state.json. */
export interface CheckpointScoresOut {
  validLoss?: number;
  bleu?: number;
  /** Validation sentences `bleu` was computed on, and whether they were all of them. */
  bleuSentences?: number;
  bleuWholeSet?: boolean;
}

export type TrainCommand = 'pause' | 'resume' | 'stop';
export type TrainEndStatus = 'completed' | 'stopped' | 'failed';

/** Request/response calls the worker serves: method -> input and output (the Inside views: ./inside.ts). */
export interface EngineCalls extends InsideEngineCalls {
  engineInfo: { input: void; output: EngineInfo };
  /** Echo for protocol tests and liveness checks. */
  ping: { input: { payload: string }; output: { payload: string; backend: BackendName } };
  /** Prepares a run (data, model, optimiser, checkpoint) and starts its loop; answers with the start step. */
  trainStart: { input: TrainJobSpec; output: { step: number; pairs: number } };
  /** Pause (answers once the loop is parked between two steps) / resume / stop the active run. */
  trainControl: {
    input: { runId: string; command: TrainCommand };
    output: { state: 'running' | 'paused' | 'stopping'; step: number };
  };
  /** Served between two training steps when a run is active. */
  translate: { input: TranslateJob; output: Translation };
  /** Many sentences, batched by length, in input order (evaluation, the CLI). */
  translateMany: {
    input: TranslateManyJob;
    output: { translations: Omit<Translation, 'checkpoint' | 'ms'>[]; truncated: number };
  };
  /** Validation loss and BLEU of one checkpoint; served between training steps, like translate. */
  checkpointScore: { input: ScoreCheckpointJob; output: CheckpointScoresOut };
}
export type EngineMethod = keyof EngineCalls;

/** Events the worker pushes without being asked. */
export type EngineEvent =
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  /** Sentences done of a translateMany call (after each batch). */
  | { type: 'translateProgress'; done: number; total: number }
  | { type: 'trainProgress'; progress: TrainProgress }
  /** A record already appended to metrics.jsonl by the worker. */
  | { type: 'trainMetric'; runId: string; record: MetricRecord }
  | { type: 'trainCheckpoint'; runId: string; checkpoint: CheckpointInfo }
  | {
      type: 'trainEnded';
      runId: string;
      status: TrainEndStatus;
      /** The status told apart further: a 'stopped' run may have stopped early by itself. */
      kind?: RunEndKind;
      step: number;
      error?: ErrorData;
      reason?: string;
      /** Seconds this session trained. */
      elapsedSeconds?: number;
    };

export type HostToWorker =
  /** wasmThreads: threads for the wasm backend (1 = single-threaded). */
  | { type: 'init'; backend: BackendName | 'auto'; wasmThreads: number }
  | {
      [K in EngineMethod]: { type: 'call'; id: number; method: K; input: EngineCalls[K]['input'] };
    }[EngineMethod]
  /** Test hook: makes the worker die in the given way (crash-recovery tests). */
  | { type: 'crash'; how: 'throw' | 'exit' };

export type WorkerToHost =
  | { type: 'ready'; info: EngineInfo }
  | { type: 'initFailed'; error: ErrorData }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EngineEvent };
