/** Small configs and helpers shared by the model and training tests. */
import type { ModelConfig } from '../../shared/types';

/** A model small enough for unit tests to run in milliseconds on wasm. */
export function tinyTestConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    srcVocabSize: 20,
    tgtVocabSize: 20,
    dModel: 16,
    heads: 4,
    dFF: 32,
    encoderLayers: 2,
    decoderLayers: 2,
    dropout: 0.1,
    maxPositions: 32,
    positionalEncoding: 'sinusoidal',
    normPosition: 'post',
    tieEmbeddings: true,
    ...overrides,
  };
}

/** Max |a - b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
