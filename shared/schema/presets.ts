/**
 * The presets: tiny (seconds on a laptop CPU), small, and the paper's base model. Each fixes
 * every model knob and training setting; a run may override any of them, within the ranges
 * of model.ts and train.ts.
 */
import type { ModelShape } from './model';
import type { TrainConfig } from './train';

/** The presets, smallest first. */
export const PRESET_NAMES = ['tiny', 'small', 'base'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Every model knob and training setting of a preset, and the vocabulary it suggests. */
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
  minutes: 0,
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

/** The presets by name (DESIGN.md "Presets"). */
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
