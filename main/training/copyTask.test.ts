/**
 * The copy task (The Annotated Transformer's smoke test): a tiny model learns to reproduce
 * random symbol sequences. It exercises every part at once: embeddings, masks, attention,
 * both stacks, the loss, Adam and the schedule, and greedy decoding with the KV cache.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/types';
import type { ModelConfig } from '../../shared/types';
import { paddingMask } from '../model/masks';
import { Rng } from '../model/random';
import { useTestBackend } from '../testing/tfBackend';
import type { Transformer } from '../model/transformer';
import type { TokenizedPair } from './batching';
import { batchOf, BOS_ID } from './batching';
import { Trainer } from './trainer';

beforeAll(useTestBackend);

const VOCAB = 14; // 4 specials + 10 symbols
const MAX_STEPS = 400;

function sequences(n: number, seed: number): TokenizedPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const seq = Array.from({ length: 4 + rng.int(5) }, () => 4 + rng.int(VOCAB - 4));
    return { src: seq, tgt: seq };
  });
}

/** Greedy decoding with the KV cache; returns the predicted ids (up to the reference length). */
function greedy(model: Transformer, pairs: readonly TokenizedPair[]): number[][] {
  const batch = batchOf(pairs);
  const src = tf.tensor2d(batch.src, [batch.size, batch.srcLen], 'int32');
  const mask = paddingMask(src);
  const memory = model.encode(src, mask);
  const cache = model.startDecoding(memory, mask);
  const out: number[][] = pairs.map(() => []);
  let tokens = pairs.map(() => BOS_ID);
  const steps = Math.max(...pairs.map((p) => p.tgt.length));
  for (let t = 0; t < steps; t++) {
    const { logProbs } = model.decodeStep(tokens, cache);
    const next = tf.tidy(() => tf.argMax(logProbs, 1));
    tokens = Array.from(next.dataSync());
    tokens.forEach((tok, i) => out[i]?.push(tok));
    tf.dispose([logProbs, next]);
  }
  cache.dispose();
  tf.dispose([src, mask, memory]);
  return out;
}

describe('copy task', () => {
  it(`a tiny model learns to copy random sequences to >= 95% token accuracy within ${MAX_STEPS} steps`, () => {
    const model: ModelConfig = {
      ...PRESETS.tiny.model,
      srcVocabSize: VOCAB,
      tgtVocabSize: VOCAB,
      dModel: 32,
      heads: 4,
      dFF: 64,
      encoderLayers: 2,
      decoderLayers: 2,
      dropout: 0,
      maxPositions: 16,
    };
    const trainer = new Trainer(
      model,
      {
        ...PRESETS.tiny.train,
        batchTokens: 400,
        warmupSteps: 50,
        lrFactor: 1,
        labelSmoothing: 0,
        seed: 3,
      },
      sequences(4000, 1),
    );
    const test = sequences(100, 99);
    let accuracy = 0;
    let steps = 0;
    while (steps < MAX_STEPS) {
      for (let i = 0; i < 50; i++) trainer.trainStep();
      steps += 50;
      const predicted = greedy(trainer.model, test);
      let right = 0;
      let total = 0;
      test.forEach((p, i) => {
        p.tgt.forEach((tok, j) => {
          total += 1;
          if (predicted[i]?.[j] === tok) right += 1;
        });
      });
      accuracy = right / total;
      if (accuracy >= 0.95) break;
    }
    console.info(`copy task: ${(accuracy * 100).toFixed(1)}% token accuracy after ${steps} steps`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    trainer.dispose();
  });
});
