/**
 * Greedy and beam search on hand-written next-token distributions (no model): the length
 * penalty, the stopping bound, n-best lists, and a case where beam search loses to greedy.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { useTestBackend } from '../testing/tfBackend';
import { beamSearch, lengthPenalty } from './beam';
import { greedyDecode } from './greedy';
import type { DecodingState, Stepper } from './stepper';

beforeAll(useTestBackend);

const EOS = 2;
const A = 4;
const B = 5;
const C = 6;
const VOCAB = 16;

/** Next-token probabilities of a prefix (without `<s>`), as {token: probability}; the rest 0. */
type Distribution = (prefix: readonly number[]) => Partial<Record<number, number>>;

/** A Stepper whose rows follow `dist`; counts the steps it was asked for. */
function fakeStepper(dist: Distribution, maxPositions = 10): Stepper & { steps: number } {
  const stepper = {
    maxPositions,
    steps: 0,
    start(sources: readonly (readonly number[])[]): DecodingState {
      let prefixes: number[][] = sources.map(() => []);
      let started = false;
      return {
        get rows() {
          return prefixes.length;
        },
        step(tokens) {
          stepper.steps++;
          if (started) prefixes.forEach((p, i) => p.push(tokens[i] as number));
          started = true;
          const logProbs = prefixes.map((p) => {
            const row = new Array<number>(VOCAB).fill(-Infinity);
            for (const [tok, prob] of Object.entries(dist(p)))
              row[Number(tok)] = Math.log(prob ?? 0);
            return row;
          });
          return { logProbs: tf.tensor2d(logProbs, [prefixes.length, VOCAB]) };
        },
        select(rows) {
          prefixes = rows.map((r) => [...(prefixes[r] as number[])]);
        },
        dispose() {
          prefixes = [];
        },
      };
    },
  };
  return stepper;
}

describe('lengthPenalty', () => {
  it('is ((5 + len) / 6)^alpha', () => {
    expect(lengthPenalty(1, 0.6)).toBe(1);
    expect(lengthPenalty(7, 1)).toBe(2);
    expect(lengthPenalty(13, 0.5)).toBeCloseTo(Math.sqrt(3), 12);
    expect(lengthPenalty(40, 0)).toBe(1);
  });
});

describe('beamSearch on a hand-written distribution', () => {
  // From <s>: </s> 0.5, a 0.5. After a: </s> 0.9, b 0.1. After a b: </s> 1.
  // Hypotheses: [</s>] log 0.5 = -0.693147 (length 1), [a </s>] log 0.45 = -0.798508 (length 2),
  // [a b </s>] log 0.05 = -2.995732 (length 3).
  const dist: Distribution = (p) =>
    p.length === 0
      ? { [EOS]: 0.5, [A]: 0.5 }
      : p.length === 1
        ? { [EOS]: 0.9, [B]: 0.1 }
        : { [EOS]: 1 };

  it('ranks by log-probability with alpha 0 and keeps that order at alpha 0.6', () => {
    for (const alpha of [0, 0.6]) {
      const [r] = beamSearch(fakeStepper(dist), [[7]], { beamSize: 2, nbest: 2, alpha });
      expect(r?.hypotheses.map((h) => h.ids)).toEqual([[EOS], [A, EOS]]);
    }
    const [r] = beamSearch(fakeStepper(dist), [[7]], { beamSize: 2, nbest: 2, alpha: 0.6 });
    // lp(2) = (7/6)^0.6 = 1.096903: -0.798508 / 1.096903 = -0.727966 < -0.693147.
    expect(r?.hypotheses[1]?.score).toBeCloseTo(-0.727966, 5);
  });

  it('prefers the longer hypothesis at alpha 1, as the formula says', () => {
    const [r] = beamSearch(fakeStepper(dist), [[7]], { beamSize: 2, nbest: 2, alpha: 1 });
    // lp(1) = 1, lp(2) = 7/6: -0.798508 / (7/6) = -0.684435 > -0.693147.
    expect(r?.hypotheses.map((h) => h.ids)).toEqual([[A, EOS], [EOS]]);
    expect(r?.hypotheses[0]?.score).toBeCloseTo(-0.684435, 5);
    expect(r?.hypotheses[0]?.logProb).toBeCloseTo(Math.log(0.45), 6);
    expect(r?.hypotheses[0]?.tokenLogProbs[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(r?.hypotheses[1]?.score).toBeCloseTo(Math.log(0.5), 6);
  });

  it('does not stop while a live hypothesis can still win after the length penalty', () => {
    // From <s>: </s> 0.6, a 0.4. After a: b with probability 1 until 5 tokens, then </s>.
    // [</s>] scores log 0.6 = -0.510826. [a b b b b </s>] has log 0.4 = -0.916291 over
    // lp(6) = 11/6 at alpha 1: -0.499795, better. After step 1 the naive bound
    // log 0.4 / lp(2) = -0.785 says stop; the right one, log 0.4 / lp(maxLen = 10) = -0.367,
    // does not.
    const chain: Distribution = (p) =>
      p.length === 0 ? { [EOS]: 0.6, [A]: 0.4 } : p.length < 5 ? { [B]: 1 } : { [EOS]: 1 };
    const [r] = beamSearch(fakeStepper(chain, 10), [[7]], { beamSize: 2, nbest: 1, alpha: 1 });
    expect(r?.hypotheses[0]?.ids).toEqual([A, B, B, B, B, EOS]);
    expect(r?.hypotheses[0]?.score).toBeCloseTo(-0.499795, 5);
    // With maxLen = source length 2 (7 </s>) + margin 3 = 5 the chain cannot finish, and the
    // bound log 0.4 / lp(5) = -0.5498 lets the search stop after one step.
    const stepper = fakeStepper(chain, 10);
    const [cut] = beamSearch(stepper, [[7]], { beamSize: 2, alpha: 1, margin: 3 });
    expect(cut?.hypotheses[0]?.ids).toEqual([EOS]);
    expect(stepper.steps).toBe(1);
  });

  it('returns n-best lists sorted by score and distinct, unfinished ones at the length limit', () => {
    // Every prefix: </s> 0.3, a 0.3, b 0.2, c 0.2; at most 4 tokens.
    const flat: Distribution = () => ({ [EOS]: 0.3, [A]: 0.3, [B]: 0.2, [C]: 0.2 });
    const [r] = beamSearch(fakeStepper(flat, 4), [[7, 8]], { beamSize: 4, nbest: 4, alpha: 0.6 });
    const hyps = r?.hypotheses ?? [];
    expect(hyps).toHaveLength(4);
    for (let i = 1; i < hyps.length; i++) {
      expect((hyps[i - 1] as { score: number }).score).toBeGreaterThanOrEqual(
        (hyps[i] as { score: number }).score,
      );
    }
    expect(new Set(hyps.map((h) => h.ids.join(','))).size).toBe(4);
    for (const h of hyps) {
      expect(h.logProb).toBeCloseTo(
        h.tokenLogProbs.reduce((a, b) => a + b, 0),
        9,
      );
      expect(h.score).toBeCloseTo(h.logProb / lengthPenalty(h.ids.length, 0.6), 9);
      expect(h.finished).toBe(h.ids[h.ids.length - 1] === EOS);
      expect(h.ids.length).toBeLessThanOrEqual(4);
    }
  });

  it('with width 1 and alpha 0 is greedy decoding', () => {
    const dist2: Distribution = (p) =>
      p.length < 3 ? { [EOS]: 0.3, [A + p.length]: 0.4, [C + 3]: 0.3 } : { [EOS]: 0.9, [A]: 0.1 };
    const g = greedyDecode(fakeStepper(dist2), [[7], [8, 9]]);
    const b = beamSearch(fakeStepper(dist2), [[7], [8, 9]], { beamSize: 1, alpha: 0 });
    expect(b.map((r) => r.hypotheses[0]?.ids)).toEqual(g.map((d) => d.ids));
    expect(g[0]?.ids).toEqual([A, B, C, EOS]);
  });

  it('can lose to greedy: beam search is not exhaustive', () => {
    // From <s>: a 0.5, b 0.26, c 0.24. After a: 8 tokens of 0.125. After b: d 0.55, e 0.45.
    // Greedy: a, x, </s> = 0.0625. Beam 2 keeps a and b, then b d (0.143) and b e (0.117)
    // push every a x (0.0625) out; their continuations end at </s> with probability 0.1.
    const D = 7;
    const E = 8;
    const dist: Distribution = (p) => {
      if (p.length === 0) return { [A]: 0.5, [B]: 0.26, [C]: 0.24 };
      if (p[0] === A && p.length === 1)
        return Object.fromEntries(Array.from({ length: 8 }, (_, i) => [8 + i, 0.125]));
      if (p[0] === A) return { [EOS]: 1 };
      if (p.length === 1) return { [D]: 0.55, [E]: 0.45 };
      return { [EOS]: 0.1, [D]: 0.5, [E]: 0.4 };
    };
    const [g] = greedyDecode(fakeStepper(dist), [[7]]);
    const [b] = beamSearch(fakeStepper(dist), [[7]], { beamSize: 2, alpha: 0 });
    expect(g?.logProb).toBeCloseTo(Math.log(0.0625), 6);
    expect(b?.hypotheses[0]?.logProb).toBeLessThan(g?.logProb ?? 0);
  });

  it('rejects nbest above the beam size and a negative alpha with a sentence', () => {
    expect(() => beamSearch(fakeStepper(dist), [[7]], { beamSize: 2, nbest: 3 })).toThrow(
      /nbest \(3\) cannot exceed the beam size \(2\)/,
    );
    expect(() => beamSearch(fakeStepper(dist), [[7]], { alpha: -1 })).toThrow(AppError);
    expect(() => beamSearch(fakeStepper(dist), [[7]], { beamSize: 0 })).toThrow(
      /beam size must be a whole number of at least 1/,
    );
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    beamSearch(fakeStepper(dist), [[7], [7, 8]], { beamSize: 3, nbest: 2 });
    greedyDecode(fakeStepper(dist), [[7], [7, 8]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
