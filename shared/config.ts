/**
 * Config validation and estimates, shared so the renderer can show the same
 * full-sentence messages as you type that the engine raises before training.
 */
import type { ModelConfig, TrainConfig } from './types';

/** A problem with one field, as a sentence a person can act on. */
export interface ConfigIssue {
  field: string;
  message: string;
}

function positiveInt(issues: ConfigIssue[], field: string, value: number, name = field): void {
  if (!Number.isInteger(value) || value < 1) {
    issues.push({ field, message: `${name} must be a whole number of at least 1; got ${value}.` });
  }
}

function inRange(
  issues: ConfigIssue[],
  field: string,
  value: number,
  lo: number,
  hi: number,
  name = field,
): void {
  if (!Number.isFinite(value) || value < lo || value > hi) {
    issues.push({ field, message: `${name} must be between ${lo} and ${hi}; got ${value}.` });
  }
}

/** Every inconsistency in a model config; empty when it is valid. */
export function modelConfigIssues(c: ModelConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  positiveInt(issues, 'srcVocabSize', c.srcVocabSize, 'source vocabulary size');
  positiveInt(issues, 'tgtVocabSize', c.tgtVocabSize, 'target vocabulary size');
  positiveInt(issues, 'dModel', c.dModel, 'd_model');
  positiveInt(issues, 'heads', c.heads, 'heads');
  positiveInt(issues, 'dFF', c.dFF, 'd_ff');
  positiveInt(issues, 'encoderLayers', c.encoderLayers, 'encoder layers');
  positiveInt(issues, 'decoderLayers', c.decoderLayers, 'decoder layers');
  positiveInt(issues, 'maxPositions', c.maxPositions, 'max positions');
  inRange(issues, 'dropout', c.dropout, 0, 0.9, 'dropout');
  if (
    Number.isInteger(c.dModel) &&
    Number.isInteger(c.heads) &&
    c.heads > 0 &&
    c.dModel % c.heads !== 0
  ) {
    issues.push({
      field: 'dModel',
      message: `d_model ${c.dModel} is not divisible by heads ${c.heads}; d_k = d_model / h must be a whole number.`,
    });
  }
  if (c.positionalEncoding === 'sinusoidal' && c.dModel % 2 !== 0) {
    issues.push({
      field: 'dModel',
      message: `d_model ${c.dModel} must be even for the sinusoidal positional encoding (sine and cosine pairs).`,
    });
  }
  if (c.tieEmbeddings && c.srcVocabSize !== c.tgtVocabSize) {
    issues.push({
      field: 'tieEmbeddings',
      message: `Tied embeddings need one shared vocabulary, but the source has ${c.srcVocabSize} tokens and the target ${c.tgtVocabSize}; untie them or train a shared tokenizer.`,
    });
  }
  return issues;
}

/** Every inconsistency in a training config; empty when it is valid. */
export function trainConfigIssues(c: TrainConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  positiveInt(issues, 'batchTokens', c.batchTokens, 'batch tokens');
  positiveInt(issues, 'maxSteps', c.maxSteps, 'max steps');
  positiveInt(issues, 'warmupSteps', c.warmupSteps, 'warm-up steps');
  positiveInt(issues, 'maxLength', c.maxLength, 'max length');
  positiveInt(issues, 'validEvery', c.validEvery, 'validation interval');
  positiveInt(issues, 'checkpointEvery', c.checkpointEvery, 'checkpoint interval');
  positiveInt(issues, 'keepLast', c.keepLast, 'checkpoints kept');
  inRange(issues, 'lrFactor', c.lrFactor, 1e-6, 100, 'learning-rate factor');
  inRange(issues, 'adamBeta1', c.adamBeta1, 0, 0.999999, 'Adam beta1');
  inRange(issues, 'adamBeta2', c.adamBeta2, 0, 0.999999, 'Adam beta2');
  inRange(issues, 'adamEpsilon', c.adamEpsilon, 0, 1, 'Adam epsilon');
  inRange(issues, 'labelSmoothing', c.labelSmoothing, 0, 0.99, 'label smoothing');
  inRange(issues, 'clipNorm', c.clipNorm, 0, 1e6, 'gradient clip norm');
  inRange(issues, 'bleuEvery', c.bleuEvery, 0, 1e9, 'BLEU interval');
  inRange(issues, 'bleuSamples', c.bleuSamples, 0, 1e7, 'BLEU samples');
  inRange(issues, 'patience', c.patience, 0, 1e6, 'patience');
  if (!Number.isInteger(c.seed)) {
    issues.push({ field: 'seed', message: `seed must be a whole number; got ${c.seed}.` });
  }
  return issues;
}

/**
 * Trainable parameters of the Transformer a config describes.
 * Attention: 4 projections d_model x d_model with biases; FFN: two linear layers;
 * LayerNorm: gain and bias; embeddings shared when tied (paper 3.4); the pre-softmax
 * projection has no bias (as in the reference model: 7,577,600 parameters for vocab 8000,
 * d_model 256, d_ff 1024, 3+3 layers).
 */
export function countParameters(c: ModelConfig): number {
  const d = c.dModel;
  const attention = 4 * (d * d + d);
  const ffn = d * c.dFF + c.dFF + c.dFF * d + d;
  const norm = 2 * d;
  const preLnFinal = c.normPosition === 'pre' ? norm : 0;
  const encoder = c.encoderLayers * (attention + ffn + 2 * norm) + preLnFinal;
  const decoder = c.decoderLayers * (2 * attention + ffn + 3 * norm) + preLnFinal;
  const embeddings = c.tieEmbeddings
    ? c.srcVocabSize * d
    : c.srcVocabSize * d + c.tgtVocabSize * d + c.tgtVocabSize * d;
  const positional = c.positionalEncoding === 'learned' ? 2 * c.maxPositions * d : 0;
  return encoder + decoder + embeddings + positional;
}

/** Bytes of fp32 training state: weights, gradients and Adam's two moments. */
export function estimateTrainingBytes(c: ModelConfig): number {
  return countParameters(c) * 4 * 4;
}
