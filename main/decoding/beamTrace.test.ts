/**
 * The beam search's trace on a hand-written distribution (no model): every candidate among a
 * step's 2B best with its fate, in the order the search meets them, and why it stopped.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../testing/tfBackend';
import { beamSearch } from './beam';
import type { BeamEndReason, BeamTraceSink, CandidateFate } from './beamTrace';
import type { DecodingState, Stepper } from './stepper';

beforeAll(useTestBackend);

const EOS = 2;
const A = 4;
const B = 5;
const C = 6;
const VOCAB = 16;

/**
 * From <s>: a 0.6, b 0.3, </s> 0.1. After a: </s> 0.7, c 0.3. After b: </s> 0.55, c 0.45.
 * Two steps of width 2: a-</s> 0.42, a-c 0.18, b-</s> 0.165, b-c 0.135.
 */
function next(prefix: readonly number[]): Partial<Record<number, number>> {
  if (prefix.length === 0) return { [A]: 0.6, [B]: 0.3, [EOS]: 0.1 };
  if (prefix[0] === A) return { [EOS]: 0.7, [C]: 0.3 };
  return { [EOS]: 0.55, [C]: 0.45 };
}

function stepper(): Stepper {
  return {
    maxPositions: 10,
    start(sources): DecodingState {
      let prefixes: number[][] = sources.map(() => []);
      let started = false;
      return {
        get rows() {
          return prefixes.length;
        },
        step(tokens) {
          if (started) prefixes.forEach((p, i) => p.push(tokens[i] as number));
          started = true;
          const rows = prefixes.map((p) => {
            const row = new Array<number>(VOCAB).fill(-Infinity);
            for (const [t, prob] of Object.entries(next(p))) row[Number(t)] = Math.log(prob ?? 0);
            return row;
          });
          return { logProbs: tf.tensor2d(rows, [prefixes.length, VOCAB]) };
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
}

interface Seen {
  id: number;
  step: number;
  parent: number;
  token: number;
  prob: number;
  fate: CandidateFate;
}

function recorder(): BeamTraceSink & { seen: Seen[]; ends: [number, BeamEndReason][] } {
  const seen: Seen[] = [];
  const ends: [number, BeamEndReason][] = [];
  return {
    seen,
    ends,
    candidate(_s, step, parent, token, _tokenLogProb, logProb, fate) {
      const id = seen.length + 1;
      seen.push({ id, step, parent, token, prob: Math.exp(logProb), fate });
      return id;
    },
    cutOff() {},
    end(_s, step, reason) {
      ends.push([step, reason]);
    },
  };
}

describe('beam search trace', () => {
  it('reports each candidate of the 2B best with its fate, and stops on the bound', () => {
    const trace = recorder();
    const [result] = beamSearch(stepper(), [[7]], { beamSize: 2, alpha: 0, nbest: 1, trace });
    const rounded = trace.seen.map((s) => ({ ...s, prob: Number(s.prob.toFixed(4)) }));
    expect(rounded).toEqual([
      { id: 1, step: 1, parent: 0, token: A, prob: 0.6, fate: 'kept' },
      { id: 2, step: 1, parent: 0, token: B, prob: 0.3, fate: 'kept' },
      // </s> after <s> is third: an ending counts only among the first B = 2.
      { id: 3, step: 1, parent: 0, token: EOS, prob: 0.1, fate: 'dropped' },
      { id: 4, step: 2, parent: 1, token: EOS, prob: 0.42, fate: 'finished' },
      { id: 5, step: 2, parent: 1, token: C, prob: 0.18, fate: 'kept' },
      { id: 6, step: 2, parent: 2, token: EOS, prob: 0.165, fate: 'dropped' },
      { id: 7, step: 2, parent: 2, token: C, prob: 0.135, fate: 'kept' },
    ]);
    // a </s> (log 0.42) beats the best live one (log 0.18) whatever comes next: done after step 2.
    expect(trace.ends).toEqual([[2, 'bound']]);
    expect(result?.hypotheses[0]?.ids).toEqual([A, EOS]);
  });

  it('reports the hypotheses the maximum length cuts off', () => {
    const cut: number[] = [];
    const trace = { ...recorder(), cutOff: (_s: number, node: number) => void cut.push(node) };
    // One decoder position: a and b, live after step 1, end there without </s>.
    const s: Stepper = { ...stepper(), maxPositions: 1 };
    beamSearch(s, [[7]], { beamSize: 2, alpha: 0, nbest: 2, trace, margin: 0 });
    expect(cut).toEqual([1, 2]);
  });
});
