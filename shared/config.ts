/**
 * Config validation and estimates, shared so the renderer can show the same full-sentence
 * messages as you type that the host and the engine raise before training. The checks are
 * derived from the schemas (shared/schema/); this file adds the size estimates and the
 * memory limit of each backend.
 */
import type { z } from 'zod';
import { AppError, ErrorCode } from './errors';
import type { ConfigIssue } from './schema/field';
import type { ModelConfig } from './schema/model';
import type { TrainConfig } from './schema/train';
import type { BackendName } from './types';

export type { ConfigIssue } from './schema/field';
export { modelConfigIssues } from './schema/model';
export { trainConfigIssues } from './schema/train';

/**
 * Parses settings with their schema: defaults filled in, ranges and rules checked.
 * @throws AppError(code) with the first problem's sentence
 */
export function parseSettings<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: ErrorCode = ErrorCode.InvalidArgument,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError(
    code,
    issue?.message ?? 'The settings are not valid.',
    issue && issue.path.length > 0 ? { field: issue.path.join('.') } : undefined,
  );
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

/** Bytes of fp32 training memory, by what holds them. */
export interface TrainingMemory {
  /** The weights and their gradients. */
  parameters: number;
  /** Adam's first and second moments. */
  optimizer: number;
  /** What the forward pass keeps for the backward pass, for one batch. */
  activations: number;
  total: number;
}

const FLOAT_BYTES = 4;

/**
 * Estimated fp32 memory of one training step: 2 copies of the parameters (weights,
 * gradients), 2 for Adam's moments, and the activations the backward pass needs for a batch
 * of `batchTokens` target tokens (and about as many source tokens). Per token, with L the
 * longest sequence a batch holds (max length + 1, within max positions), an encoder layer
 * keeps about 12·d_model + 2·d_ff + 2·h·L floats (attention inputs, Q K V, context, output,
 * scores and their softmax; the FFN's hidden layer before and after ReLU; residuals and
 * LayerNorms), a decoder layer 20·d_model + 2·d_ff + 4·h·L (a second, cross attention), and
 * the output 3·V (logits, log-softmax, their gradient) plus 2·d_model of embeddings.
 */
export function estimateTrainingMemory(model: ModelConfig, train: TrainConfig): TrainingMemory {
  const params = countParameters(model);
  const d = model.dModel;
  const longest = Math.min(train.maxLength + 1, model.maxPositions);
  const scores = model.heads * longest;
  const perToken =
    model.encoderLayers * (12 * d + 2 * model.dFF + 2 * scores) +
    model.decoderLayers * (20 * d + 2 * model.dFF + 4 * scores) +
    3 * model.tgtVocabSize +
    2 * d;
  const parameters = 2 * params * FLOAT_BYTES;
  const optimizer = 2 * params * FLOAT_BYTES;
  const activations = train.batchTokens * perToken * FLOAT_BYTES;
  return { parameters, optimizer, activations, total: parameters + optimizer + activations };
}

const GIB = 2 ** 30;

/**
 * What a backend can hold, for those with a hard limit: WebAssembly's 32-bit heap is 4 GiB.
 * The native backends use the machine's (or the GPU's) memory and report it when it runs out.
 */
export const BACKEND_MEMORY_LIMITS: Readonly<Partial<Record<BackendName, number>>> = {
  wasm: 4 * GIB,
};

function formatMemory(bytes: number): string {
  return bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

/**
 * The model and batch would not fit in what the backend can hold: the sentence gives the
 * estimate and the limit. Undefined when they fit or the backend has no known limit.
 */
export function memoryIssue(
  model: ModelConfig,
  train: TrainConfig,
  backend: BackendName,
): ConfigIssue | undefined {
  const limit = BACKEND_MEMORY_LIMITS[backend];
  if (limit === undefined) return undefined;
  const m = estimateTrainingMemory(model, train);
  if (m.total <= limit) return undefined;
  return {
    field: 'batchTokens',
    message:
      `Training this model needs about ${formatMemory(m.total)} (${formatMemory(m.parameters)} of weights and gradients, ` +
      `${formatMemory(m.optimizer)} of Adam state, ${formatMemory(m.activations)} of activations for ${train.batchTokens} batch tokens), ` +
      `more than the ${formatMemory(limit)} the ${backend} backend can hold; lower the batch tokens, d_model, d_ff, the layers or the vocabulary, or train on a native backend.`,
  };
}
