/**
 * The data of the studio: datasets, runs, checkpoints, metrics, translations, the engine.
 * Plain serialisable types only; they cross every process boundary as JSON. The settings
 * (model, training, decoding, import) are declared with their ranges in shared/schema/ and
 * re-exported here under the names the code uses.
 */
import type { ColumnPick, ColumnRef, CorpusFormat, PunctuationMode } from './schema/importOptions';
import type { PresetName } from './schema/presets';
import type { ModelConfig } from './schema/model';
import type { EarlyStoppingMetric, ResumeOverrideField, TrainConfig } from './schema/train';

export type { ModelConfig, ModelShape, NormPosition, PositionalEncodingKind } from './schema/model';
export type { EarlyStoppingMetric, ResumeOverrideField, TrainConfig } from './schema/train';
export { PRESETS, type Preset, type PresetName } from './schema/presets';
export type {
  CleaningOptions,
  ColumnPick,
  ColumnRef,
  CorpusFormat,
  ImportOptions,
  LengthUnit,
  ValidationOptions,
} from './schema/importOptions';
export type { DecodeMode, TranslateRequest } from './schema/decode';
export type { MetricRecord, StepProgress, TrainProgress } from './progress';

// ---------------------------------------------------------------------------
// Compute backends

/** The backend ladder, best first (DESIGN.md "Compute backends"). */
export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendRejection {
  backend: BackendName;
  /** A sentence: why this better backend was not taken, e.g. "not installed". */
  reason: string;
}

export interface EngineInfo {
  /** The backend in use. */
  backend: BackendName;
  /** Why this one: "forced by --backend", "best available", ... */
  reason: string;
  /** Every better candidate that was tried and why it was not taken. */
  rejected: BackendRejection[];
  tfjsVersion: string;
  /** Threads the backend computes with (0: native, its own thread pool). */
  threads: number;
  /** Why a multi-threaded backend runs on one thread, when it does. */
  threadsNote?: string;
  /** wasm only: whether the SIMD build is in use. */
  simd?: boolean;
  /** wasm only: the studio's own WebAssembly kernels, or why the stock ones run. */
  studioKernels?: {
    active: boolean;
    /** A sentence: why they are (or are not) active, and why fewer threads run when they do. */
    reason: string;
    /** 'relaxed': relaxed-SIMD FMA; 'simd': plain SIMD128; 'none': not loaded. */
    simd: 'relaxed' | 'simd' | 'none';
    threads: number;
  };
  nodeVersion: string;
  platform: string;
}

export type EngineState = 'starting' | 'ready' | 'busy' | 'crashed' | 'stopped';

export interface EngineStatus {
  state: EngineState;
  /** For 'crashed': what happened, as a sentence. */
  message?: string;
  info?: EngineInfo;
}

// ---------------------------------------------------------------------------
// Datasets

export interface LengthHistogram {
  /** Upper bound (inclusive) of each bucket, in tokens. */
  bounds: number[];
  counts: number[];
}

export interface SideStats {
  lang: string;
  tokens: number;
  /** Distinct whitespace-separated words. */
  vocabulary: number;
  meanLength: number;
  maxLength: number;
  histogram: LengthHistogram;
  topTokens: { token: string; count: number }[];
}

export interface CleaningReport {
  read: number;
  kept: number;
  droppedEmpty: number;
  /** Pairs with a side shorter than the minimum length. */
  droppedTooShort: number;
  droppedTooLong: number;
  droppedRatio: number;
  droppedDuplicate: number;
  droppedIdentical: number;
}

export interface DatasetStats {
  trainPairs: number;
  validPairs: number;
  src: SideStats;
  tgt: SideStats;
  cleaning: CleaningReport;
  /** For the user's own validation files: only empty pairs are dropped from them. */
  validCleaning?: CleaningReport;
  /** BPE vocabulary size actually learned (the source one when vocabularies are separate). */
  vocabSize: number;
  /** Target BPE vocabulary size when vocabularies are separate. */
  tgtVocabSize?: number;
}

export interface DatasetMeta {
  id: string;
  name: string;
  srcLang: string;
  tgtLang: string;
  createdAt: string;
  /** Where the pairs came from (file names only). */
  sources: string[];
  trainPairs: number;
  validPairs: number;
  vocabSize: number;
  sharedVocab: boolean;
  /** Target vocabulary size when `sharedVocab` is false (tokenizer.src.json + tokenizer.tgt.json). */
  tgtVocabSize?: number;
  /** Format the pairs were read from. */
  format?: CorpusFormat;
  /** How the tokenizer treats punctuation; absent for datasets imported before it was recorded, whose tokenizers are 'attached'. */
  punctuation?: PunctuationMode;
}

// ---------------------------------------------------------------------------
// Runs, metrics, checkpoints

export type RunStatus = 'created' | 'running' | 'paused' | 'stopped' | 'completed' | 'failed';

export interface RunInfo {
  id: string;
  name: string;
  datasetId: string;
  preset: PresetName | 'custom';
  model: ModelConfig;
  train: TrainConfig;
  status: RunStatus;
  /** For 'failed': the reason, as a sentence. */
  error?: string;
  createdAt: string;
  updatedAt: string;
  step: number;
  backend?: BackendName;
  /**
   * What happened to the run's settings over its life, oldest first: creation, import,
   * and every resume, with any setting changed explicitly at that point.
   */
  history?: RunHistoryEntry[];
  /** How the run's last training session ended; absent while it trains or before it ran. */
  end?: RunEnd;
}

/**
 * How a training session ended: 'finished' reached max steps, 'stopped' by the user,
 * 'early_stopped' by its early-stopping metric, 'failed' with the reason.
 */
export type RunEndKind = 'finished' | 'stopped' | 'early_stopped' | 'failed';

/** A run's ending as run.json records it and the run panel and `train` show it. */
export interface RunEnd {
  kind: RunEndKind;
  /** The sentence saying why, e.g. "Early stopping: BLEU did not improve for 5 evaluations." */
  reason: string;
  step: number;
  /** ISO time it ended. */
  time: string;
  /** Seconds the session trained (from its start or resume to its end). */
  elapsedSeconds?: number;
  /** Lowest validation loss and highest BLEU in the run's metrics, with their steps. */
  bestValidLoss?: { value: number; step: number };
  bestBleu?: { value: number; step: number; sentences: number };
  /** Target tokens trained on over the whole run (absent for runs logged before tokens were kept). */
  tokensSeen?: number;
}

/** One entry of a run's history in run.json. */
export interface RunHistoryEntry {
  time: string;
  event: 'created' | 'imported' | 'resumed';
  /** The step the run stood at (for 'resumed': the checkpoint it continues from). */
  step: number;
  /** Settings changed at this point, with their old and new values. */
  changes?: { field: ResumeOverrideField; from: number; to: number }[];
  /** A sentence of detail, e.g. the file a run was imported from. */
  note?: string;
}

/** The metric that picked a run's best checkpoint, and on how many sentences BLEU was. */
export interface BestBy {
  metric: EarlyStoppingMetric;
  /** For 'bleu': the sentences it was computed on, when known. */
  sentences?: number;
}

export interface CheckpointInfo {
  /**
   * The checkpoint's folder name under runs/<id>/checkpoints/: the step for trained
   * checkpoints ("3000"), "avg-<steps>" for averaged ones. What read/export/delete take.
   */
  id: string;
  runId: string;
  step: number;
  createdAt: string;
  validLoss?: number;
  bleu?: number;
  /** Validation sentences `bleu` was computed on (absent in checkpoints older than this field). */
  bleuSentences?: number;
  /** True when those sentences were the whole validation set. */
  bleuWholeSet?: boolean;
  bytes: number;
  best: boolean;
  /** On the best checkpoint only: which metric ranked it (see checkpointSelection.ts). */
  bestBy?: BestBy;
  /** Set when the checkpoint was made by averaging others. */
  averagedFrom?: number[];
  /** On an average without scores: why, in a sentence (e.g. its run's dataset was gone). */
  scoreNote?: string;
}

// ---------------------------------------------------------------------------
// Dataset import: what the UI sends and sees (main/importer/datasets.ts implements it)

export interface ColumnInfo {
  /** What to pass in ColumnPick: an index (TSV/CSV) or a dotted path (JSONL). */
  ref: ColumnRef;
  /** Header name, field path, or "column N". */
  name: string;
  /** The first few non-empty values. */
  samples: string[];
  /** A language guessed from the header or field name (`en`, `translation.de`). */
  lang?: string;
}
export interface ColumnsOverview {
  columns: ColumnInfo[];
  /** TSV/CSV: whether the first row looks like column names. */
  header: boolean;
  /** The columns we would pick: named languages first, else the first two text columns. */
  suggested: ColumnPick | undefined;
}

export type ImportPhase = 'reading' | 'validation' | 'tokenizer' | 'stats' | 'saving' | 'done';

/** A progress event of an import, a few per second at most. */
export interface ImportProgress {
  phase: ImportPhase;
  /** Pairs (rows) read so far, training and validation input together. */
  lines: number;
  /** Bytes of input read so far (compressed bytes for gzip). */
  bytes: number;
  /** Bytes of all input files on disk. */
  totalBytes: number;
  /** Overall progress, 0 to 100. */
  percent: number;
}

// ---------------------------------------------------------------------------
// Translation (the playground)

export interface Hypothesis {
  text: string;
  /** Target token strings, ending with </s> when finished. */
  tokens: string[];
  /** Sum of token log-probabilities. */
  logProb: number;
  /** The length-normalised score the beam ranks by. */
  score: number;
  /** log p of each chosen token. */
  tokenLogProbs: number[];
}

export interface AttentionMaps {
  /** [layer][head][tgt][tgt]: decoder self-attention. */
  self: number[][][][];
  /** [layer][head][tgt][src]: encoder-decoder attention. */
  cross: number[][][][];
}

export interface Translation {
  srcTokens: string[];
  hypotheses: Hypothesis[];
  /** For the best hypothesis, when asked. */
  attention?: AttentionMaps;
  checkpoint: string;
  ms: number;
}
