import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from '../../shared/config';
import { AppError } from '../../shared/errors';
import { paddingMask } from './masks';
import { createTransformer } from './transformer';
import type { Transformer } from './transformer';
import { useTestBackend } from '../testing/tfBackend';
import { maxAbsDiff, tinyTestConfig } from './testUtil';

beforeAll(useTestBackend);

const SRC = [
  [5, 6, 7, 8, 2],
  [9, 10, 2, 0, 0],
];

describe('createTransformer', () => {
  it('rejects an inconsistent config with a sentence', () => {
    expect(() => createTransformer(tinyTestConfig({ dModel: 18 }))).toThrow(
      /not divisible by heads 4/,
    );
    expect(() => createTransformer(tinyTestConfig({ tgtVocabSize: 30 }))).toThrow(AppError);
  });

  it.each([
    ['tied, sinusoidal, post-LN', {}],
    [
      'untied, learned, pre-LN',
      {
        tieEmbeddings: false,
        tgtVocabSize: 25,
        positionalEncoding: 'learned' as const,
        normPosition: 'pre' as const,
      },
    ],
  ])('has countParameters(config) trainable parameters (%s)', (_name, overrides) => {
    const config = tinyTestConfig(overrides);
    const model = createTransformer(config, 1);
    expect(model.parameterCount()).toBe(countParameters(config));
    model.dispose();
  });

  it('counts the reference model at 7,577,600 parameters', () => {
    const config = tinyTestConfig({
      srcVocabSize: 8000,
      tgtVocabSize: 8000,
      dModel: 256,
      dFF: 1024,
      encoderLayers: 3,
      decoderLayers: 3,
    });
    const model = createTransformer(config, 1);
    expect(model.parameterCount()).toBe(7_577_600);
    model.dispose();
  });

  it('names parameters as the checkpoint format says', () => {
    const model = createTransformer(tinyTestConfig({ tieEmbeddings: false }), 1);
    const names = model.exportWeights().map((t) => t.name);
    for (const n of [
      'encoder.layers.0.self_attn.w_q',
      'decoder.layers.1.cross_attn.w_o',
      'decoder.layers.0.ffn.w_1',
      'encoder.layers.0.norm_1.gamma',
      'embedding.src',
      'embedding.tgt',
      'generator.w',
    ]) {
      expect(names).toContain(n);
    }
    model.dispose();
  });
});

describe('Transformer', () => {
  let model: Transformer;
  beforeAll(() => {
    model = createTransformer(tinyTestConfig(), 7);
  });
  afterAll(() => model.dispose());

  it('round-trips its weights through exportWeights/loadWeights', () => {
    const other = createTransformer(tinyTestConfig(), 8);
    const src = tf.tensor2d(SRC, undefined, 'int32');
    const mask = paddingMask(src);
    const before = model.encode(src, mask);
    const differs = other.encode(src, mask);
    expect(maxAbsDiff(before.dataSync(), differs.dataSync())).toBeGreaterThan(1e-3);
    other.loadWeights(model.exportWeights());
    const after = other.encode(src, mask);
    expect(maxAbsDiff(before.dataSync(), after.dataSync())).toBe(0);
    tf.dispose([src, mask, before, differs, after]);
    other.dispose();
  });

  it('refuses weights with a wrong name or shape, changing nothing', () => {
    const weights = model.exportWeights();
    const renamed = weights.map((w, i) => (i === 0 ? { ...w, name: 'nonsense' } : w));
    expect(() => model.loadWeights(renamed)).toThrow(/missing .*unexpected nonsense/);
    const bigger = createTransformer(tinyTestConfig({ dFF: 64 }), 1);
    expect(() => model.loadWeights(bigger.exportWeights())).toThrow(
      /has shape \[16, 64\].*needs \[16, 32\]/,
    );
    bigger.dispose();
  });

  it('gives the same log-probabilities step by step with the cache as uncached decoding (1e-4), with attention', () => {
    const src = tf.tensor2d(SRC, undefined, 'int32');
    const mask = paddingMask(src);
    const memory = model.encode(src, mask);
    const tgt = [
      [1, 4, 9, 11, 3, 6],
      [1, 12, 5, 2, 0, 0],
    ];
    const tgtIn = tf.tensor2d(tgt, undefined, 'int32');
    const full = model.decode(tgtIn, memory, mask, { returnAttention: true });
    const fullLogProbs = tf.logSoftmax(full.logits);
    const cache = model.startDecoding(memory, mask);
    for (let t = 0; t < 6; t++) {
      const step = model.decodeStep(
        tgt.map((row) => row[t] ?? 0),
        cache,
        { returnAttention: true },
      );
      const ref = tf.squeeze(tf.slice(fullLogProbs, [0, t, 0], [2, 1, -1]), [1]);
      expect(maxAbsDiff(step.logProbs.dataSync(), ref.dataSync())).toBeLessThan(1e-4);
      expect(step.attention?.self[1]?.shape).toEqual([2, 4, 1, t + 1]);
      expect(step.attention?.cross[0]?.shape).toEqual([2, 4, 1, 5]);
      const refCross = tf.slice(
        full.attention?.cross[1] as tf.Tensor4D,
        [0, 0, t, 0],
        [2, 4, 1, 5],
      );
      expect(
        maxAbsDiff(step.attention?.cross[1]?.dataSync() ?? [], refCross.dataSync()),
      ).toBeLessThan(1e-5);
      tf.dispose([
        step.logProbs,
        ref,
        refCross,
        ...(step.attention?.self ?? []),
        ...(step.attention?.cross ?? []),
      ]);
    }
    expect(cache.length).toBe(6);
    cache.dispose();
    tf.dispose([
      src,
      mask,
      memory,
      tgtIn,
      full.logits,
      fullLogProbs,
      ...(full.attention?.self ?? []),
      ...(full.attention?.cross ?? []),
    ]);
  });

  it('selects and repeats cache rows by index (beam search)', () => {
    const src = tf.tensor2d(SRC, undefined, 'int32');
    const mask = paddingMask(src);
    const memory = model.encode(src, mask);
    const cache = model.startDecoding(memory, mask);
    tf.dispose(model.decodeStep([1, 1], cache).logProbs);
    const a = model.decodeStep([4, 12], cache).logProbs;
    // Expand to beams [1, 0, 0]: row 0 of the new cache is old row 1, etc.
    const cache2 = model.startDecoding(memory, mask);
    tf.dispose(model.decodeStep([1, 1], cache2).logProbs);
    cache2.select([1, 0, 0]);
    expect(cache2.batchSize).toBe(3);
    const b = model.decodeStep([12, 4, 4], cache2).logProbs;
    const av = a.arraySync();
    const bv = b.arraySync();
    expect(maxAbsDiff(bv[0] ?? [], av[1] ?? [])).toBeLessThan(1e-5);
    expect(maxAbsDiff(bv[2] ?? [], av[0] ?? [])).toBeLessThan(1e-5);
    cache.dispose();
    cache2.dispose();
    tf.dispose([src, mask, memory, a, b]);
  });

  it('leaks no tensors in encode, decode and cached decoding', () => {
    const src = tf.tensor2d(SRC, undefined, 'int32');
    const mask = paddingMask(src);
    const before = tf.memory().numTensors;
    const memory = model.encode(src, mask);
    const out = model.decode(
      tf.tensor2d(
        [
          [1, 4],
          [1, 5],
        ],
        undefined,
        'int32',
      ),
      memory,
      mask,
    );
    const cache = model.startDecoding(memory, mask);
    for (let t = 0; t < 3; t++) model.decodeStep([1, 2], cache).logProbs.dispose();
    cache.select([0, 0, 1]);
    cache.dispose();
    tf.dispose([memory, out.logits]);
    expect(tf.memory().numTensors).toBe(before + 1); // the tgtIn literal above, owned by no one
    tf.dispose([src, mask]);
  });

  it('refuses to decode past maxPositions', () => {
    const src = tf.tensor2d(SRC, undefined, 'int32');
    const mask = paddingMask(src);
    const memory = model.encode(src, mask);
    const tgtIn = tf.ones([2, 40], 'int32') as tf.Tensor2D;
    expect(() => model.decode(tgtIn, memory, mask)).toThrow(
      /longer than the model's maximum of 32/,
    );
    tf.dispose([src, mask, memory, tgtIn]);
  });
});
