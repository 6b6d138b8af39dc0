/**
 * The data of the studio: configs, datasets, runs, checkpoints, metrics.
 * Plain serialisable types only; they cross every process boundary as JSON.
 */

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
// Model and training configuration (a single typed config is the model's whole interface)

export type PositionalEncodingKind = 'sinusoidal' | 'learned';
/** Post-LN as in the paper (x + Sublayer(x) then LayerNorm), or pre-LN. */
export type NormPosition = 'post' | 'pre';

export interface ModelConfig {
  /** Source vocabulary size (from the tokenizer). */
  srcVocabSize: number;
  /** Target vocabulary size; equal to srcVocabSize when the vocabulary is shared. */
  tgtVocabSize: number;
  /** d_model: width of every sublayer output. */
  dModel: number;
  /** h: attention heads; d_k = d_v = d_model / h. */
  heads: number;
  /** d_ff: inner width of the position-wise feed-forward network. */
  dFF: number;
  /** N for the encoder stack. */
  encoderLayers: number;
  /** N for the decoder stack. */
  decoderLayers: number;
  /** P_drop, applied to sublayer outputs, embedding sums and attention weights. */
  dropout: number;
  /** Longest sequence (in tokens, with <s> / </s>) the positional encoding covers. */
  maxPositions: number;
  positionalEncoding: PositionalEncodingKind;
  normPosition: NormPosition;
  /** Paper 3.4: one matrix for source and target embeddings and the pre-softmax projection. Needs a shared vocabulary. */
  tieEmbeddings: boolean;
}

export type EarlyStoppingMetric = 'bleu' | 'valid_loss';

export interface TrainConfig {
  /** Target tokens per batch (batches are built by token count, bucketed by length). */
  batchTokens: number;
  /** Stop after this many optimiser steps. */
  maxSteps: number;
  /** Warm-up steps of the learning-rate schedule. */
  warmupSteps: number;
  /** lr = lrFactor * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5). */
  lrFactor: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  /** epsilon_ls of label smoothing. */
  labelSmoothing: number;
  /** Clip the global gradient norm to this (0 = off). */
  clipNorm: number;
  /** Drop training pairs longer than this many tokens on either side. */
  maxLength: number;
  /** Validation loss every N steps. */
  validEvery: number;
  /** BLEU/chrF (greedy decode on a validation sample) every N steps; 0 = off. */
  bleuEvery: number;
  /** Validation sentences decoded for BLEU (a fixed sample). */
  bleuSamples: number;
  /** Write a checkpoint every N steps (and always at stop). */
  checkpointEvery: number;
  /** Keep the last N checkpoints (plus the best). */
  keepLast: number;
  /** Early stopping: stop after `patience` evaluations without improvement; 0 = off. */
  patience: number;
  earlyStoppingMetric: EarlyStoppingMetric;
  /** Seed for initialisation, dropout and data order. */
  seed: number;
}

export type PresetName = 'tiny' | 'small' | 'base';

/** Model knobs a preset fixes; vocabulary sizes come from the dataset's tokenizer. */
export type ModelShape = Omit<ModelConfig, 'srcVocabSize' | 'tgtVocabSize'>;

export interface Preset {
  name: PresetName;
  description: string;
  model: ModelShape;
  train: TrainConfig;
  /** Suggested BPE vocabulary size for a dataset trained with this preset. */
  vocabSize: number;
}

const PAPER_TRAIN: TrainConfig = {
  batchTokens: 4096,
  maxSteps: 100_000,
  warmupSteps: 4000,
  lrFactor: 1,
  adamBeta1: 0.9,
  adamBeta2: 0.98,
  adamEpsilon: 1e-9,
  labelSmoothing: 0.1,
  clipNorm: 1,
  maxLength: 100,
  validEvery: 1000,
  bleuEvery: 5000,
  bleuSamples: 500,
  checkpointEvery: 5000,
  keepLast: 5,
  patience: 0,
  earlyStoppingMetric: 'bleu',
  seed: 1,
};

export const PRESETS: Record<PresetName, Preset> = {
  tiny: {
    name: 'tiny',
    description: 'Seconds to minutes on a laptop CPU: for seeing the whole loop work.',
    model: {
      dModel: 64,
      heads: 4,
      dFF: 256,
      encoderLayers: 2,
      decoderLayers: 2,
      dropout: 0.1,
      maxPositions: 128,
      positionalEncoding: 'sinusoidal',
      normPosition: 'post',
      tieEmbeddings: true,
    },
    train: {
      ...PAPER_TRAIN,
      batchTokens: 1024,
      maxSteps: 400,
      warmupSteps: 100,
      lrFactor: 2,
      validEvery: 50,
      bleuEvery: 200,
      bleuSamples: 100,
      checkpointEvery: 100,
      keepLast: 3,
    },
    vocabSize: 2000,
  },
  small: {
    name: 'small',
    description: 'A real model for a small corpus (Multi30k) on a CPU or a modest GPU.',
    model: {
      dModel: 256,
      heads: 4,
      dFF: 1024,
      encoderLayers: 3,
      decoderLayers: 3,
      dropout: 0.1,
      maxPositions: 256,
      positionalEncoding: 'sinusoidal',
      normPosition: 'post',
      tieEmbeddings: true,
    },
    train: {
      ...PAPER_TRAIN,
      batchTokens: 2048,
      maxSteps: 20_000,
      warmupSteps: 2000,
      lrFactor: 1,
      validEvery: 250,
      bleuEvery: 1000,
      bleuSamples: 200,
      checkpointEvery: 1000,
    },
    vocabSize: 8000,
  },
  base: {
    name: 'base',
    description:
      "The paper's base model (6+6 layers, d_model 512, 8 heads, d_ff 2048): wants a GPU.",
    model: {
      dModel: 512,
      heads: 8,
      dFF: 2048,
      encoderLayers: 6,
      decoderLayers: 6,
      dropout: 0.1,
      maxPositions: 512,
      positionalEncoding: 'sinusoidal',
      normPosition: 'post',
      tieEmbeddings: true,
    },
    train: { ...PAPER_TRAIN },
    vocabSize: 32000,
  },
};

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
  format?: 'aligned' | 'tsv' | 'csv' | 'jsonl';
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
}

/** Training settings that may be changed when a run is resumed (explicitly, and logged). */
export type ResumeOverrideField =
  | 'lrFactor'
  | 'maxSteps'
  | 'validEvery'
  | 'bleuEvery'
  | 'checkpointEvery'
  | 'keepLast'
  | 'patience';

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

/** One line of metrics.jsonl. `kind` says which fields are present. */
export type MetricRecord =
  | {
      kind: 'train';
      step: number;
      time: number;
      loss: number;
      lr: number;
      gradNorm: number;
      tokensPerSec: number;
    }
  | { kind: 'valid'; step: number; time: number; loss: number; perplexity: number }
  | { kind: 'bleu'; step: number; time: number; bleu: number; chrf: number; samples: number };

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
  bytes: number;
  best: boolean;
  /** Set when the checkpoint was made by averaging others. */
  averagedFrom?: number[];
}

export interface TrainProgress {
  runId: string;
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  /** Seconds left at the current speed. */
  etaSec: number;
  validLoss?: number;
}

// ---------------------------------------------------------------------------
// Dataset import: what the UI sends and sees (main/importer/datasets.ts implements it)

/** `aligned`: two aligned plain-text files, one sentence per line. The others: one file, two picked columns/fields. */
export type CorpusFormat = 'aligned' | 'tsv' | 'csv' | 'jsonl';
/** TSV/CSV: a 0-based column index; JSONL: a dotted field path (`translation.en`). */
export type ColumnRef = number | string;
/** The two columns (TSV/CSV) or fields (JSONL) that hold the source and target text. */
export interface ColumnPick {
  src: ColumnRef;
  tgt: ColumnRef;
}
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

export type LengthUnit = 'words' | 'chars';
/** What is dropped at import. Lengths are whitespace-separated words or UTF-16 characters. */
export interface CleaningOptions {
  lengthUnit: LengthUnit;
  /** Drop pairs where either side is shorter than this (default 1). */
  minLength: number;
  /** Drop pairs where either side is longer than this (default 250 words). */
  maxLength: number;
  /** Drop pairs where the longer side is more than this many times the shorter (default 9, as in Moses' clean-corpus-n; 0 = off). */
  maxRatio: number;
  /** Drop exact duplicate pairs after the first (default on). */
  dedupe: boolean;
  /** Drop pairs whose two sides are the same text, usually untranslated (default on). */
  dropIdentical: boolean;
}

/** How the validation set is made: a seeded share of the corpus, or the user's own files. */
export type ValidationOptions =
  | {
      /** Share of the cleaned pairs sent to validation (0 to 0.5; default 0.05). */
      fraction: number;
      /** Seed of the split (default 1): the same seed gives the same split. */
      seed?: number;
      /** At most this many validation pairs (default 5,000); later pairs go to training. */
      maxPairs?: number;
    }
  | {
      /** Validation corpus in the same format as the training corpus: two aligned files or one TSV/CSV/JSONL. */
      files: string[];
    };

/** Everything an import can be told; every field has a default. */
export interface ImportOptions {
  /** Dataset name, unique among datasets (default: from the file names and languages). */
  name?: string;
  /** Format override; default: two files are aligned text, one file is sniffed (TSV, CSV or JSONL). */
  format?: CorpusFormat;
  /** TSV/CSV: column indices (0-based); JSONL: field paths (`en`, `translation.en`). Default: the preview's suggestion. */
  columns?: ColumnPick;
  /** TSV/CSV: whether the first row holds column names (default: guessed). */
  header?: boolean;
  /** Language codes (default: guessed from file, column or field names; else "src"/"tgt"). */
  srcLang?: string;
  tgtLang?: string;
  /** Cleaning rules; unset fields take the defaults. */
  cleaning?: Partial<CleaningOptions>;
  validation?: ValidationOptions;
  /** BPE vocabulary size including the 4 special tokens (default 8,000). */
  vocabSize?: number;
  /** One vocabulary for both languages (default true; needed for tied embeddings). */
  sharedVocab?: boolean;
  /** Longest accepted line in bytes (default 1 MiB). */
  maxLineBytes?: number;
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

export type DecodeMode = 'greedy' | 'beam';

export interface TranslateRequest {
  runId: string;
  /** A checkpoint id ("3000", "avg-...") or 'best' / 'last'. Default 'best'. */
  checkpoint?: string;
  text: string;
  mode: DecodeMode;
  /** Beam width B (beam mode). */
  beamSize?: number;
  /** Length penalty alpha: score / ((5 + len) / 6)^alpha. */
  alpha?: number;
  /** How many hypotheses to return (beam mode). */
  nbest?: number;
  /** Return attention weights of every layer and head (for the heatmap). */
  attention?: boolean;
  /** Use the key/value cache (default true); off is the uncached reference. */
  cache?: boolean;
}

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
