/**
 * Test fixtures for the MarianMT export and import: a small trained tokenizer, a model
 * config sized to it, and deterministic weights in both namings. Not used by the app.
 */
import type { NamedTensor } from '../../../shared/namedTensor';
import { sizeOf } from '../../../shared/namedTensor';
import { seededRandom } from '../../../shared/random';
import type { ModelConfig } from '../../../shared/types';
import { trainBpe } from '../../text/bpeTrainer';
import type { BpeTokenizer } from '../../text/tokenizer';
import { fromMarianTensors, MARIAN_LOGITS_BIAS, marianTensorSpecs } from './marianTensors';

/** Sentences for the fixture tokenizer (both "languages" share one vocabulary). */
export const FIXTURE_SENTENCES = [
  'a dog runs in the park',
  'ein Hund rennt im Park',
  'the cat sleeps on the sofa',
  'die Katze schläft auf dem Sofa',
  'two men play football',
  'zwei Männer spielen Fußball',
];

/** A shared BPE tokenizer trained on FIXTURE_SENTENCES. */
export function fixtureTokenizer(vocabSize = 60): BpeTokenizer {
  return trainBpe(FIXTURE_SENTENCES, { vocabSize, minFrequency: 1 });
}

/** A post-LN, tied, sinusoidal model small enough for unit tests, with `vocab` tokens. */
export function fixtureModel(vocab: number, overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    srcVocabSize: vocab,
    tgtVocabSize: vocab,
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

/** Marian-named tensors of `model` filled from `seed` in [-scale, scale]; final_logits_bias zero. */
export function randomMarianTensors(model: ModelConfig, seed: number, scale = 0.5): NamedTensor[] {
  const next = seededRandom(seed);
  return marianTensorSpecs(model).map((s) => {
    const data = new Float32Array(sizeOf(s.shape));
    if (s.name !== MARIAN_LOGITS_BIAS) {
      for (let i = 0; i < data.length; i++) data[i] = (next() * 2 - 1) * scale;
    }
    return { name: s.name, dtype: 'float32', shape: [...s.shape], data };
  });
}

/** Studio-named weights of `model` (every one non-trivial, biases and LayerNorms too). */
export function randomStudioWeights(model: ModelConfig, seed: number): NamedTensor[] {
  return fromMarianTensors(randomMarianTensors(model, seed), model, '(fixture)');
}
