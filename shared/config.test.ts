/**
 * The training-memory estimate, computed by hand for the tiny and base presets, and the
 * refusal of a model the wasm backend cannot hold, with the estimate and the limit.
 */
import { describe, expect, it } from 'vitest';
import { countParameters, estimateTrainingMemory, memoryIssue } from './config';
import { PRESETS } from './schema/presets';
import type { ModelConfig } from './schema/model';

const withVocab = (name: 'tiny' | 'base', vocab: number): ModelConfig => ({
  ...PRESETS[name].model,
  srcVocabSize: vocab,
  tgtVocabSize: vocab,
});

describe('estimateTrainingMemory', () => {
  it('adds weights, gradients, Adam state and the activations of one batch (tiny, by hand)', () => {
    const model = withVocab('tiny', 2000);
    // Attention 4·(64·64+64) = 16,640; FFN 64·256+256+256·64+64 = 33,088; LayerNorm 128.
    // Encoder 2·(16,640+33,088+256) = 99,968; decoder 2·(2·16,640+33,088+384) = 133,504;
    // tied embeddings 2,000·64 = 128,000.
    expect(countParameters(model)).toBe(361_472);
    // Per token, L = min(100+1, 128) = 101 and h·L = 404:
    // encoder 2·(12·64+2·256+2·404) = 4,176, decoder 2·(20·64+2·256+4·404) = 6,816,
    // output 3·2,000 = 6,000, embeddings 2·64 = 128: 17,120 floats.
    expect(estimateTrainingMemory(model, PRESETS.tiny.train)).toEqual({
      parameters: 2 * 361_472 * 4,
      optimizer: 2 * 361_472 * 4,
      activations: 1024 * 17_120 * 4,
      total: 4 * 361_472 * 4 + 1024 * 17_120 * 4,
    });
  });

  it('grows with the batch: activations are linear in batch tokens', () => {
    const model = withVocab('tiny', 2000);
    const one = estimateTrainingMemory(model, { ...PRESETS.tiny.train, batchTokens: 1000 });
    const two = estimateTrainingMemory(model, { ...PRESETS.tiny.train, batchTokens: 2000 });
    expect(two.activations).toBe(2 * one.activations);
    expect(two.parameters).toBe(one.parameters);
  });
});

describe('memoryIssue', () => {
  it("refuses the paper's base model with 4,096 batch tokens on wasm, giving the estimate and the limit", () => {
    // 60,522,496 parameters: 462 MiB of weights and gradients, as much Adam state; activations
    // 4,096 · 273,568 floats = 4.2 GiB; 5.1 GiB in all against wasm's 4 GiB heap.
    const model = withVocab('base', 32_000);
    expect(countParameters(model)).toBe(60_522_496);
    const issue = memoryIssue(model, PRESETS.base.train, 'wasm');
    expect(issue?.field).toBe('batchTokens');
    expect(issue?.message).toBe(
      'Training this model needs about 5.1 GiB (462 MiB of weights and gradients, 462 MiB of Adam state, ' +
        '4.2 GiB of activations for 4096 batch tokens), more than the 4.0 GiB the wasm backend can hold; ' +
        'lower the batch tokens, d_model, d_ff, the layers or the vocabulary, or train on a native backend.',
    );
    // The same model fits with a smaller batch, and a native backend has no fixed limit.
    expect(
      memoryIssue(model, { ...PRESETS.base.train, batchTokens: 2048 }, 'wasm'),
    ).toBeUndefined();
    expect(memoryIssue(model, PRESETS.base.train, 'tensorflow')).toBeUndefined();
  });

  it('lets the tiny and small presets train on wasm', () => {
    expect(memoryIssue(withVocab('tiny', 2000), PRESETS.tiny.train, 'wasm')).toBeUndefined();
    const small = { ...PRESETS.small.model, srcVocabSize: 8000, tgtVocabSize: 8000 };
    expect(memoryIssue(small, PRESETS.small.train, 'wasm')).toBeUndefined();
  });
});
