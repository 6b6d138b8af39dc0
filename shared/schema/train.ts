/**
 * The training settings: the schedule, Adam, regularisation, evaluation and checkpoint
 * intervals, each with its range, label, help and CLI flag. Presets give the values
 * (presets.ts); a run may change only RESUME_OVERRIDABLE ones when it resumes.
 */
import { z } from 'zod';
import {
  choiceField,
  intField,
  numberField,
  settingsGroup,
  tableIssues,
  type ConfigIssue,
} from './field';

const train = settingsGroup({
  batchTokens: intField({
    label: 'Batch tokens',
    noun: 'batch tokens',
    help: 'Target tokens per batch; batches are built by token count and bucketed by length.',
    unit: 'tokens',
    flag: 'batch-tokens',
    min: 16,
    max: 1_048_576,
    step: 256,
  }),
  maxSteps: intField({
    label: 'Steps',
    noun: 'max steps',
    help: 'Stop after this many optimiser steps.',
    flag: 'max-steps',
    min: 1,
    max: 10_000_000,
    step: 100,
  }),
  minutes: numberField({
    label: 'Time budget (0 = off)',
    noun: 'time budget',
    help: 'Train for this many minutes: the lr warms up, then cools down (cosine) to its floor at the deadline; the last checkpoints are then averaged and evaluated. 0 = train by steps.',
    unit: 'minutes',
    flag: 'minutes',
    min: 0.01,
    max: 100_000,
    step: 5,
    zeroOff: true,
    default: 0,
  }),
  warmupSteps: intField({
    label: 'Warm-up steps',
    noun: 'warm-up steps',
    help: 'Steps over which the learning rate rises before it decays as step^-0.5.',
    flag: 'warmup',
    min: 1,
    max: 1_000_000,
    step: 100,
  }),
  lrFactor: numberField({
    label: 'LR factor',
    noun: 'learning-rate factor',
    help: 'lr = factor · d_model^-0.5 · min(step^-0.5, step · warmup^-1.5)',
    flag: 'lr-factor',
    min: 1e-6,
    max: 100,
    step: 0.1,
  }),
  adamBeta1: numberField({
    label: 'Adam beta1',
    noun: 'Adam beta1',
    help: "Decay of Adam's first moment (paper: 0.9).",
    min: 0,
    max: 0.999999,
    step: 0.01,
  }),
  adamBeta2: numberField({
    label: 'Adam beta2',
    noun: 'Adam beta2',
    help: "Decay of Adam's second moment (paper: 0.98).",
    min: 0,
    max: 0.999999,
    step: 0.001,
  }),
  adamEpsilon: numberField({
    label: 'Adam epsilon',
    noun: 'Adam epsilon',
    help: "Added to Adam's denominator (paper: 1e-9).",
    min: 0,
    max: 1,
    step: 1e-9,
  }),
  labelSmoothing: numberField({
    label: 'Label smoothing',
    noun: 'label smoothing',
    help: 'epsilon_ls: the share of the target probability spread over the vocabulary (paper: 0.1).',
    min: 0,
    max: 0.99,
    step: 0.01,
  }),
  clipNorm: numberField({
    label: 'Gradient clip (0 = off)',
    noun: 'gradient clip norm',
    help: 'Clip the global gradient norm to this; 0 turns clipping off.',
    min: 0,
    max: 1e6,
    step: 0.1,
  }),
  maxLength: intField({
    label: 'Max length (tokens)',
    noun: 'max length',
    help: 'Training pairs longer than this many tokens on either side are left out.',
    unit: 'tokens',
    min: 1,
    max: 8192,
    step: 10,
  }),
  validEvery: intField({
    label: 'Validate every',
    noun: 'validation interval',
    help: 'Validation loss every this many steps.',
    unit: 'steps',
    flag: 'valid-every',
    min: 1,
    max: 10_000_000,
    step: 10,
  }),
  bleuEvery: intField({
    label: 'BLEU every (0 = off)',
    noun: 'BLEU interval',
    help: 'BLEU and chrF of greedy translations of a validation sample every this many steps; 0 = never.',
    unit: 'steps',
    flag: 'bleu-every',
    min: 0,
    max: 10_000_000,
    step: 50,
  }),
  bleuSamples: intField({
    label: 'BLEU samples',
    noun: 'BLEU samples',
    help: 'Validation sentences translated for BLEU (a fixed sample).',
    min: 0,
    max: 10_000_000,
    step: 50,
  }),
  checkpointEvery: intField({
    label: 'Checkpoint every',
    noun: 'checkpoint interval',
    help: 'Write a checkpoint every this many steps (and always when training stops).',
    unit: 'steps',
    flag: 'checkpoint-every',
    min: 1,
    max: 10_000_000,
    step: 50,
  }),
  keepLast: intField({
    label: 'Checkpoints kept',
    noun: 'checkpoints kept',
    help: 'Keep the newest this many checkpoints, plus the best.',
    min: 1,
    max: 1000,
  }),
  patience: intField({
    label: 'Patience (0 = off)',
    noun: 'patience',
    help: 'Early stopping: stop after this many evaluations without improvement; 0 = never.',
    flag: 'patience',
    min: 0,
    max: 1_000_000,
  }),
  earlyStoppingMetric: choiceField({
    label: 'Early stopping on',
    noun: 'early-stopping metric',
    help: 'What "best" means for early stopping and the best checkpoint.',
    flag: 'early-stop-on',
    values: ['bleu', 'valid_loss'],
    labels: { bleu: 'BLEU', valid_loss: 'validation loss' },
  }),
  seed: intField({
    label: 'Seed',
    noun: 'seed',
    help: 'Seed of initialisation, dropout and data order: the same seed trains the same run.',
    min: 0,
    max: 4_294_967_295,
  }),
});

/** Every training field by key, with its metadata. */
export const TRAIN_FIELDS = train.fields;
/** The training fields in form order. */
export const TRAIN_TABLE = train.table;

/** A training config as zod checks it: every field in its range. */
export const trainConfigSchema = z.object(train.shape);

/** How a run trains: saved in every checkpoint next to the model config. */
export type TrainConfig = z.infer<typeof trainConfigSchema>;
/** What early stopping and the best checkpoint go by. */
export type EarlyStoppingMetric = TrainConfig['earlyStoppingMetric'];

/** Any training settings on top of a preset, each in its range. */
export const trainOverridesSchema = trainConfigSchema.partial();

/**
 * Training settings a resume may change (explicitly, and logged in the run's history);
 * anything else would change the data order or the model, so the run would not continue.
 */
export const RESUME_OVERRIDABLE = [
  'lrFactor',
  'maxSteps',
  'validEvery',
  'bleuEvery',
  'checkpointEvery',
  'keepLast',
  'patience',
] as const satisfies readonly (keyof TrainConfig)[];

/** A training setting a resume may change. */
export type ResumeOverrideField = (typeof RESUME_OVERRIDABLE)[number];

/** What a resume may change, each in its range. */
export const resumeOverridesSchema = trainConfigSchema
  .pick(
    Object.fromEntries(RESUME_OVERRIDABLE.map((k) => [k, true])) as {
      [K in ResumeOverrideField]: true;
    },
  )
  .partial();

/** Every inconsistency in a training config, as full sentences; empty when it is valid. */
export function trainConfigIssues(c: TrainConfig): ConfigIssue[] {
  // Configs saved before the time budget existed have none: they train by steps.
  return tableIssues(train.table, { ...c, minutes: c.minutes ?? 0 });
}
