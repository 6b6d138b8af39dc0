/**
 * The Inside views' data against hand-computed values on a tiny fixed (seeded, untrained)
 * model: sinusoid values and the positions' dot products, the masks' patterns, scaled vs
 * unscaled softmax (and the scaled weights equal the model's own), top-k probabilities equal
 * greedy's, the beam tree's n-best equal beam search's, the cache sizes, the lr and the
 * smoothed target; and no view leaks a tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beamSearch, lengthPenalty } from '../../decoding/beam';
import { COPY_CONFIG, COPY_TOKENIZER } from '../../decoding/copyTask.testUtil';
import { greedyDecode } from '../../decoding/greedy';
import { prepareSource } from '../../decoding/stepper';
import { createTransformer, type Transformer } from '../../model/transformer';
import { maxAbsDiff } from '../../model/testUtil';
import { useTestBackend } from '../../testing/tfBackend';
import { attentionView } from './attentionView';
import { beamTreeView } from './beamTreeView';
import { embeddingsView } from './embeddingsView';
import { kvCacheView } from './kvCacheView';
import { masksView, shorterSource } from './masksView';
import { softmaxView } from './softmaxView';
import { tokenProbsView } from './tokenProbsView';
import { trainingView } from './trainingView';

const TOKENIZERS = { src: COPY_TOKENIZER, tgt: COPY_TOKENIZER };
/** "c d e f" is [6, 7, 8, 9]; the encoder reads it with </s>: S = 5. */
const TEXT = 'c d e f';
let pre: Transformer;
let post: Transformer;

beforeAll(async () => {
  await useTestBackend();
  pre = createTransformer(COPY_CONFIG, 7); // pre-LN, d_model 32, 4 heads: d_k = 8
  post = createTransformer({ ...COPY_CONFIG, normPosition: 'post' }, 7);
});

afterAll(() => {
  pre.dispose();
  post.dispose();
});

/** Runs a view and checks it leaves no tensor behind. */
function noLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

const rowSums = (m: number[][]): number[] => m.map((r) => r.reduce((a, b) => a + b, 0));

describe('embeddings and positional encoding (view 1)', () => {
  it('has the sinusoids of paper 3.5, their dot products and token vectors times sqrt(d_model)', () => {
    const v = noLeak(() => embeddingsView(pre, TOKENIZERS, TEXT));
    expect(v.srcTokens).toEqual(['▁c', '▁d', '▁e', '▁f', '</s>']);
    expect(v.positional).toHaveLength(40); // min(maxPositions 40, max(S, 50))
    // PE(0) = [sin 0, cos 0, ...] = [0, 1, 0, 1, ...]
    expect(v.positional[0]!.slice(0, 4)).toEqual([0, 1, 0, 1]);
    // PE(1, 0) = sin(1), PE(1, 1) = cos(1); PE(1, 2) = sin(1 / 10000^(2/32)) = sin(0.562341)
    expect(v.positional[1]![0]).toBeCloseTo(0.841471, 5);
    expect(v.positional[1]![1]).toBeCloseTo(0.540302, 5);
    expect(v.positional[1]![2]).toBeCloseTo(0.533168, 5);
    // PE(i)·PE(i) = sum of sin^2 + cos^2 over d/2 pairs = 16
    expect(v.positionSimilarity[3]![3]).toBeCloseTo(16, 4);
    // PE(0)·PE(1) = sum_i cos(1 / 10000^(2i/32)): symmetric, less than 16
    expect(v.positionSimilarity[0]![1]).toBeCloseTo(v.positionSimilarity[1]![0]!, 5);
    expect(v.positionSimilarity[0]![1]!).toBeLessThan(16);
    expect(v.scale).toBeCloseTo(Math.sqrt(32), 10);
    const table = pre.params.get('embedding.shared').arraySync() as number[][];
    expect(v.tokenEmbeddings[0]![5]).toBeCloseTo(table[6]![5]! * Math.sqrt(32), 5);
    expect(v.sum[2]![7]).toBeCloseTo(v.tokenEmbeddings[2]![7]! + v.positional[2]![7]!, 5);
  });

  it('flags <unk> in the input', () => {
    const v = embeddingsView(pre, TOKENIZERS, 'c z');
    expect(v.srcTokens).toContain('<unk>');
    expect(v.srcUnk).toEqual(v.srcTokens.map((t) => t === '<unk>'));
  });
});

describe('attention (view 2)', () => {
  it('has every layer and head of all three kinds, rows summing to 1, the causal triangle at 0', () => {
    const v = noLeak(() => attentionView(pre, TOKENIZERS, TEXT));
    const S = 5;
    const T = v.tgtInTokens.length;
    expect(v.outTokens).toHaveLength(T);
    expect(v.tgtInTokens[0]).toBe('<s>');
    expect(v.encoder).toHaveLength(1);
    expect(v.decoderSelf).toHaveLength(2);
    expect(v.cross).toHaveLength(2);
    for (const layer of [...v.encoder, ...v.decoderSelf, ...v.cross]) expect(layer).toHaveLength(4);
    expect(v.encoder[0]![0]).toHaveLength(S);
    expect(v.cross[1]![3]![0]).toHaveLength(S);
    expect(v.decoderSelf[0]![0]).toHaveLength(T);
    for (const m of [v.encoder[0]![2]!, v.decoderSelf[1]![0]!, v.cross[0]![1]!]) {
      for (const s of rowSums(m)) expect(s).toBeCloseTo(1, 5);
    }
    const self = v.decoderSelf[1]![2]!;
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) expect(self[i]![j]).toBe(0);
  });
});

describe('masks (view 3)', () => {
  it('pads the shorter sentence of the batch and masks above the diagonal', () => {
    expect(shorterSource([6, 7, 8, 9, 2])).toEqual([6, 7, 2, 0, 0]);
    expect(shorterSource([6, 2])).toEqual([6, 2]);
    const v = noLeak(() => masksView(pre, TOKENIZERS, TEXT, 0, 1));
    expect(v.batchTokens[1]).toEqual(['▁c', '▁d', '</s>', '<pad>', '<pad>']);
    expect(v.paddingMask).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 0, 1, 1],
    ]);
    const T = v.tgtInTokens.length;
    expect(v.causalMask).toHaveLength(T);
    expect(v.causalMask.slice(0, 3).map((r) => r.slice(0, 3))).toEqual([
      [0, 1, 1],
      [0, 0, 1],
      [0, 0, 0],
    ]);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const { before, after } = v.encoderScores;
        if (j >= 3) expect(after[i]![j]!).toBeLessThan(-1e8);
        else expect(after[i]![j]).toBeCloseTo(before[i]![j]!, 5);
      }
    }
  });

  it("after masking, the softmax of the scores is the model's own decoder self-attention", () => {
    const v = masksView(post, TOKENIZERS, TEXT, 1, 2);
    expect([v.encoderLayer, v.decoderLayer]).toEqual([0, 1]);
    const weights = attentionView(post, TOKENIZERS, TEXT).decoderSelf[1]![2]!;
    const mine = tf.tidy(() => tf.softmax(tf.tensor2d(v.decoderScores.after)).arraySync());
    expect(maxAbsDiff(mine.flat(), weights.flat())).toBeLessThan(1e-5);
  });

  it('refuses a layer the model does not have', () => {
    expect(() => masksView(pre, TOKENIZERS, TEXT, 2, 0)).toThrow(/2 layers; pick layer 1 to 2/);
    expect(() => softmaxView(pre, TOKENIZERS, TEXT, 0, 4)).toThrow(/4 heads per layer/);
  });
});

describe('softmax scaling (view 4)', () => {
  it("scaled scores are the unscaled over sqrt(d_k), and their softmax is the model's attention", () => {
    for (const model of [pre, post]) {
      const v = noLeak(() => softmaxView(model, TOKENIZERS, TEXT, 0, 3));
      expect(v.dk).toBe(8);
      const ratio = v.unscaled.scores[1]![2]! / v.scaled.scores[1]![2]!;
      expect(ratio).toBeCloseTo(Math.sqrt(8), 4);
      const model3 = attentionView(model, TOKENIZERS, TEXT).encoder[0]![3]!;
      expect(maxAbsDiff(v.scaled.weights.flat(), model3.flat())).toBeLessThan(1e-5);
      // softmax(beta x) loses entropy as beta grows: unscaled rows are never flatter
      v.scaled.rowEntropy.forEach((h, i) =>
        expect(v.unscaled.rowEntropy[i]!).toBeLessThanOrEqual(h + 1e-6),
      );
      v.unscaled.rowMax.forEach((m, i) => expect(m).toBe(Math.max(...v.unscaled.weights[i]!)));
    }
  });

  it('shows the study notes example softmax([6, 4]) and its sharper sqrt(d_k) version', () => {
    const v = softmaxView(pre, TOKENIZERS, TEXT, 0, 0);
    expect(v.example[0]!.scores).toEqual([6, 4]);
    expect(v.example[0]!.weights[0]).toBeCloseTo(0.880797, 5); // 1 / (1 + e^-2)
    expect(v.example[1]!.factor).toBeCloseTo(2.828427, 5);
    expect(v.example[1]!.weights[0]).toBeCloseTo(0.996519, 5); // 1 / (1 + e^-(2 sqrt 8))
  });
});

describe('token probabilities (view 6)', () => {
  it('has the top-k of each step, greedy taking the first, with its probability', () => {
    const v = noLeak(() => tokenProbsView(pre, TOKENIZERS, TEXT, 3));
    const [greedy] = greedyDecode(pre, [[6, 7, 8, 9]]);
    expect(v.steps).toHaveLength(greedy!.ids.length);
    v.steps.forEach((s, t) => {
      expect(s.top).toHaveLength(3);
      expect(s.top[0]!.token).toBe(s.chosen);
      expect(s.top[0]!.prob).toBeGreaterThanOrEqual(s.top[1]!.prob);
      expect(s.chosenProb).toBeCloseTo(Math.exp(greedy!.tokenLogProbs[t]!), 4);
    });
  });
});

describe('beam tree (view 5)', () => {
  it("holds the real beam search's n-best, each ending at a finished or cut-off node", () => {
    const v = noLeak(() => beamTreeView(pre, TOKENIZERS, TEXT, 3, 0.6));
    const [real] = beamSearch(pre, [prepareSource([6, 7, 8, 9])], {
      beamSize: 3,
      alpha: 0.6,
      nbest: 3,
    });
    expect(v.nbest.map((h) => h.tokens)).toEqual(
      real!.hypotheses.map((h) => h.ids.map((id) => COPY_TOKENIZER.idToToken(id))),
    );
    v.nbest.forEach((h, i) => {
      expect(h.score).toBe(real!.hypotheses[i]!.score);
      const last = v.nodes[h.nodeIds!.at(-1)! - 1]!;
      expect(last.fate).toBe(h.finished ? 'finished' : 'cutOff');
      expect(last.logProb).toBeCloseTo(h.logProb, 4);
    });
    const byId = new Map(v.nodes.map((n) => [n.id, n]));
    for (const n of v.nodes) {
      const parentLogProb = n.parent === 0 ? 0 : byId.get(n.parent)!.logProb;
      expect(n.logProb).toBeCloseTo(parentLogProb + n.tokenLogProb, 4);
      expect(n.score).toBeCloseTo(n.logProb / lengthPenalty(n.step, 0.6), 5);
    }
    for (let step = 1; step <= v.endStep; step++) {
      const kept = v.nodes.filter((n) => n.step === step && n.fate === 'kept');
      expect(kept.length).toBeLessThanOrEqual(3);
    }
    expect(v.greedy.tokens).toEqual(
      greedyDecode(pre, [[6, 7, 8, 9]])[0]!.ids.map((id) => COPY_TOKENIZER.idToToken(id)),
    );
  });

  it('tracing changes nothing in the search', () => {
    const source = [prepareSource([6, 7, 8, 9])];
    const plain = beamSearch(pre, source, { beamSize: 4, alpha: 1, nbest: 4 });
    const traced = beamSearch(pre, source, {
      beamSize: 4,
      alpha: 1,
      nbest: 4,
      trace: { candidate: () => 1, cutOff: () => undefined, end: () => undefined },
    });
    expect(traced).toEqual(plain);
  });
});

describe('key/value cache (view 8)', () => {
  it('decodes the same with and without the cache; the cache grows by 2 x layers x d_model floats a step', () => {
    const v = noLeak(() => kvCacheView(pre, TOKENIZERS, TEXT));
    expect(v.sameOutput).toBe(true);
    expect(v.srcLen).toBe(5);
    expect(v.cachedMs).toBeGreaterThan(0);
    // 2 decoder layers x (keys + values) x 32 numbers x 4 bytes = 512 bytes per position
    expect(v.perStep[2]).toEqual({ step: 3, selfBytes: 1536, crossBytes: 2560 });
  });
});

describe('training signals (view 7)', () => {
  it('has the lr schedule, the smoothed target and the teacher-forcing shift', () => {
    const train = { warmupSteps: 100, lrFactor: 1, labelSmoothing: 0.1, maxSteps: 400, minutes: 0 };
    const v = noLeak(() => trainingView(pre, TOKENIZERS, TEXT, 50, train));
    // 32^-0.5 * min(50^-0.5, 50 * 100^-1.5) = 0.1767767 * 0.05
    expect(v.lr.current.lr).toBeCloseTo(0.00883883, 7);
    const peak = v.lr.points.find((p) => p.step === 100)!;
    expect(peak.lr).toBeCloseTo(0.1767767 * 0.1, 7);
    expect(Math.max(...v.lr.points.map((p) => p.lr))).toBe(peak.lr);
    expect(v.smoothing.targetProb).toBeCloseTo(0.9 + 0.1 / 37, 10);
    expect(v.smoothing.otherProb).toBeCloseTo(0.1 / 37, 10);
    expect(v.smoothing.rows[0]).toMatchObject({ token: v.smoothing.token, oneHot: 1 });
    const { decoderInput, target } = v.teacherForcing;
    expect(decoderInput[0]).toBe('<s>');
    expect(decoderInput.slice(1)).toEqual(target.slice(0, -1));
  });
});
