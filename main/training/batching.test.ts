import { describe, expect, it } from 'vitest';
import { batchOf, BOS_ID, EOS_ID, TokenBatcher } from './batching';
import type { TokenizedPair } from './batching';
import { Rng } from '../model/random';

function randomPairs(n: number, seed: number): TokenizedPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const ls = 1 + rng.int(20);
    const lt = 1 + rng.int(20);
    return {
      src: Array.from({ length: ls }, () => 4 + rng.int(50)),
      tgt: Array.from({ length: lt }, () => 4 + rng.int(50)),
    };
  });
}

describe('batchOf', () => {
  it('adds </s> to the source, <s> to the decoder input and </s> to the output, padding with 0', () => {
    const b = batchOf([
      { src: [5, 6], tgt: [7] },
      { src: [BOS_ID, 8, EOS_ID], tgt: [9, 10, EOS_ID] },
    ]);
    expect([b.size, b.srcLen, b.tgtLen, b.tokens]).toEqual([2, 3, 3, 5]);
    expect([...b.src]).toEqual([5, 6, 2, 8, 2, 0]);
    expect([...b.tgtIn]).toEqual([1, 7, 0, 1, 9, 10]);
    expect([...b.tgtOut]).toEqual([7, 2, 0, 9, 10, 2]);
  });
});

describe('TokenBatcher', () => {
  const pairs = randomPairs(500, 3);

  it('keeps batches within the token budget, covers every pair once per epoch, and buckets by length', () => {
    const batcher = new TokenBatcher(pairs, { batchTokens: 200, maxLength: 100, seed: 1 });
    let seen = 0;
    let padded = 0;
    let real = 0;
    for (let i = 0; i < batcher.batchesPerEpoch; i++) {
      const b = batcher.next();
      expect(b.size * Math.max(b.srcLen, b.tgtLen)).toBeLessThanOrEqual(200);
      seen += b.size;
      padded += b.size * b.tgtLen;
      real += b.tokens;
    }
    expect(seen).toBe(500);
    expect(real / padded).toBeGreaterThan(0.9); // bucketing keeps target padding small
    expect(batcher.state).toEqual({ epoch: 0, index: batcher.batchesPerEpoch, seed: 1 });
    batcher.next();
    expect(batcher.state.epoch).toBe(1);
  });

  it('filters pairs longer than maxLength on either side', () => {
    const batcher = new TokenBatcher(pairs, { batchTokens: 200, maxLength: 10, seed: 1 });
    const expected = pairs.filter((p) => p.src.length + 1 <= 10 && p.tgt.length + 1 <= 10).length;
    expect(batcher.size).toBe(expected);
    expect(batcher.dropped).toBe(500 - expected);
    expect(() => new TokenBatcher(pairs, { batchTokens: 200, maxLength: 1, seed: 1 })).toThrow(
      /None of the 500/,
    );
  });

  it('continues exactly from an exported position, and reshuffles per epoch', () => {
    const a = new TokenBatcher(pairs, { batchTokens: 150, maxLength: 100, seed: 9 });
    for (let i = 0; i < a.batchesPerEpoch + 3; i++) a.next();
    const state = JSON.parse(JSON.stringify(a.state));
    const b = new TokenBatcher(pairs, { batchTokens: 150, maxLength: 100, seed: 9 });
    b.restore(state);
    for (let i = 0; i < 5; i++) expect(b.next()).toEqual(a.next());
    const c = new TokenBatcher(pairs, { batchTokens: 150, maxLength: 100, seed: 9 });
    const firstEpoch = Array.from({ length: 5 }, () => [...c.next().src].join());
    const d = new TokenBatcher(pairs, { batchTokens: 150, maxLength: 100, seed: 10 });
    expect(Array.from({ length: 5 }, () => [...d.next().src].join())).not.toEqual(firstEpoch);
  });
});
