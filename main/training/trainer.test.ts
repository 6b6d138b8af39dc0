import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/types';
import type { TrainConfig } from '../../shared/types';
import { Rng } from '../model/random';
import { useTestBackend } from '../testing/tfBackend';
import { tinyTestConfig } from '../model/testUtil';
import type { TokenizedPair } from './batching';
import { Trainer } from './trainer';

beforeAll(useTestBackend);

function copyPairs(n: number, seed: number, vocab = 20): TokenizedPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const seq = Array.from({ length: 3 + rng.int(4) }, () => 4 + rng.int(vocab - 4));
    return { src: seq, tgt: [...seq] };
  });
}

function trainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...PRESETS.tiny.train,
    batchTokens: 64,
    warmupSteps: 10,
    lrFactor: 1,
    maxSteps: 10,
    ...overrides,
  };
}

describe('Trainer', () => {
  it('lowers the loss on a fixed batch with one step, with finite gradients and no tensor leaks', () => {
    const pairs = copyPairs(6, 1); // fits one batch: every step sees the same batch
    const trainer = new Trainer(
      tinyTestConfig({ dropout: 0 }),
      trainConfig({ batchTokens: 1000, warmupSteps: 1, lrFactor: 0.5 }),
      pairs,
    );
    const first = trainer.trainStep(); // loss before this step's update
    const before = tf.memory().numTensors;
    const second = trainer.trainStep();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(first.loss) && Number.isFinite(first.gradNorm)).toBe(true);
    expect(first.gradNorm).toBeGreaterThan(0);
    expect(second.loss).toBeLessThan(first.loss);
    expect(first.tokens).toBe(pairs.reduce((a, p) => a + p.tgt.length + 1, 0));
    expect(first.step).toBe(1);
    trainer.dispose();
  });

  it('resumes exactly: a restored trainer gives the same losses as an uninterrupted one', () => {
    const pairs = copyPairs(40, 2);
    const config = trainConfig({ batchTokens: 48 });
    const model = tinyTestConfig({ dropout: 0.2 });
    const a = new Trainer(model, config, pairs);
    for (let i = 0; i < 4; i++) a.trainStep();
    const snapshot = a.exportState();
    const state = JSON.parse(JSON.stringify(snapshot.state)); // the state is plain JSON
    const next = Array.from({ length: 4 }, () => a.trainStep().loss);
    const b = Trainer.restore({ tensors: snapshot.tensors, state }, pairs);
    expect(b.step).toBe(4);
    const resumed = Array.from({ length: 4 }, () => b.trainStep().loss);
    expect(resumed).toEqual(next);
    const names = snapshot.tensors.map((t) => t.name);
    expect(names).toContain('optimizer.m.encoder.layers.0.self_attn.w_q');
    expect(names).toContain('optimizer.v.embedding.shared');
    expect(names).toContain('optimizer.step');
    a.dispose();
    b.dispose();
  });

  it('evaluates loss and perplexity without changing the model', () => {
    const pairs = copyPairs(20, 3);
    const trainer = new Trainer(tinyTestConfig(), trainConfig(), pairs);
    const r1 = trainer.evaluate(pairs);
    const r2 = trainer.evaluate(pairs);
    expect(r1).toEqual(r2);
    expect(r1.perplexity).toBeCloseTo(Math.exp(r1.loss), 6);
    expect(r1.tokens).toBe(pairs.reduce((a, p) => a + p.tgt.length + 1, 0));
    // An untrained model is close to uniform over the 20 tokens.
    expect(r1.loss).toBeGreaterThan(Math.log(20) - 1.5);
    trainer.dispose();
  });

  it('rejects a bad train config with a sentence', () => {
    expect(
      () => new Trainer(tinyTestConfig(), trainConfig({ batchTokens: 0 }), copyPairs(3, 1)),
    ).toThrow(/batch tokens must be/);
  });
});
