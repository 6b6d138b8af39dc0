/**
 * Beam search (paper 6.1: "beam search with a beam size of 4 and length penalty
 * alpha = 0.6"), with the length penalty of GNMT (Wu et al. 2016, section 7):
 *
 *   score(Y) = log P(Y | X) / lp(Y),   lp(Y) = ((5 + |Y|) / 6)^alpha
 *
 * where |Y| counts the produced tokens including `</s>`. Batched: the B beams of every
 * sentence are rows of one decoder batch, and after each step the cache rows are
 * gathered in the order of the surviving hypotheses.
 *
 * One step, per sentence: the B live hypotheses are extended by every token; of the
 * 2B best extensions (by log-probability), those ending in `</s>` among the first B
 * become finished hypotheses, and the first B others stay live. (Only `</s>` within the
 * first B counts, as in fairseq: an extension that would not have won a place in a beam
 * of B does not end one. With B = 1 and alpha = 0 this is exactly greedy decoding.)
 *
 * Stopping, per sentence: when no live hypothesis remains, when the maximum length is
 * reached (live hypotheses then end unfinished, without `</s>`), or when the n-th best
 * finished score cannot be beaten. The bound: a live hypothesis with log-probability
 * L <= 0 and length t can only end with log-probability L' <= L (log-probabilities are
 * <= 0) and a length n with t < n <= maxLen; its score L'/lp(n) <= L/lp(n) <= L/lp(maxLen),
 * because lp grows with n and L is not positive. So no live hypothesis can beat
 * max(L) / lp(maxLen) (with alpha = 0: max(L) itself). Comparing against lp(t + 1), as
 * some implementations do, is wrong for alpha > 0: a longer hypothesis is divided by more.
 */
import * as tf from '@tensorflow/tfjs';
import { parseSettings } from '../../shared/config';
import { decodeSettingsSchema, type DecodeSettingsInput } from '../../shared/schema/decode';
import type { AttentionMaps } from '../../shared/types';
import { BOS_ID, EOS_ID } from '../text/tokenizer';
import type { RowAttention, StepAttention } from './attentionTrace';
import type { BeamTraceSink } from './beamTrace';
import {
  assembleAttention,
  disposeAttention,
  readStepAttention,
  rowAttention,
} from './attentionTrace';
import type { DecodingModel } from './stepper';
import { maxTargetLength, prepareSource, stepperOf } from './stepper';

/** GNMT's length penalty ((5 + length) / 6)^alpha; 1 for alpha = 0. */
export function lengthPenalty(length: number, alpha: number): number {
  return Math.pow((5 + length) / 6, alpha);
}

/**
 * Beam width B (paper 6.1: 4), the length penalty exponent alpha (paper 6.1: 0.6; 0 ranks by
 * log-probability), n-best (at most B), the maximum target length = source length (with
 * `</s>`) + margin, and the key/value cache; each left out takes its default
 * (shared/schema/decode.ts), and out-of-range values are refused with a sentence.
 */
export interface BeamOptions extends Pick<
  DecodeSettingsInput,
  'beamSize' | 'alpha' | 'nbest' | 'margin' | 'cache'
> {
  /** Also return the attention weights of each sentence's best hypothesis. */
  returnAttention?: boolean;
  /** Told every candidate, cut-off and stop (the Inside screen's tree); changes nothing. */
  trace?: BeamTraceSink;
}

/** One hypothesis of an n-best list. */
export interface BeamHypothesis {
  /** Target ids, ending with `</s>` when `finished`. */
  ids: number[];
  /** log p of each token of `ids`. */
  tokenLogProbs: number[];
  /** log P(ids | source): the sum of tokenLogProbs. */
  logProb: number;
  /** logProb / lengthPenalty(ids.length, alpha): what the list is sorted by. */
  score: number;
  /** False when the maximum length cut it off before `</s>`. */
  finished: boolean;
}

/** The n-best list of one sentence, best first, distinct. */
export interface BeamResult {
  hypotheses: BeamHypothesis[];
  /** For hypotheses[0], when asked: [layer][head][tgt][tgt] and [layer][head][tgt][src]. */
  attention?: AttentionMaps;
}

/** A node of the hypothesis tree: hypotheses share their prefixes. */
interface Node {
  token: number;
  tokenLogProb: number;
  parent: Node | null;
  attention: RowAttention | null;
  /** The trace sink's id of this node (0 without a trace). */
  traceId: number;
}

interface Live {
  node: Node | null; // null: just <s>
  logProb: number;
}

interface Finished {
  node: Node;
  logProb: number;
  score: number;
  length: number;
  finished: boolean;
}

interface Sentence {
  index: number;
  srcLen: number;
  maxLen: number;
  /** B slots; null for a dead slot (its row decodes something, scored -Infinity). */
  live: (Live | null)[];
  finished: Finished[];
}

function unwind(f: Finished): BeamHypothesis & { attention: RowAttention[] } {
  const ids: number[] = [];
  const tokenLogProbs: number[] = [];
  const attention: RowAttention[] = [];
  for (let n: Node | null = f.node; n !== null; n = n.parent) {
    ids.push(n.token);
    tokenLogProbs.push(n.tokenLogProb);
    if (n.attention !== null) attention.push(n.attention);
  }
  ids.reverse();
  tokenLogProbs.reverse();
  attention.reverse();
  return {
    ids,
    tokenLogProbs,
    logProb: f.logProb,
    score: f.score,
    finished: f.finished,
    attention,
  };
}

/**
 * Beam search over a batch of sentences.
 * @param model a Transformer, or any Stepper
 * @param srcIds per sentence the tokenizer's ids (`</s>` is appended, see prepareSource)
 * @returns per sentence its n-best list sorted by score (best first), distinct
 */
export function beamSearch(
  model: DecodingModel,
  srcIds: readonly (readonly number[])[],
  options: BeamOptions = {},
): BeamResult[] {
  const settings = parseSettings(decodeSettingsSchema, {
    beamSize: options.beamSize,
    alpha: options.alpha,
    nbest: options.nbest,
    margin: options.margin,
    cache: options.cache,
    mode: 'beam',
  });
  const { beamSize: beam, alpha, nbest, margin } = settings;
  const withAttention = options.returnAttention === true;
  const trace = options.trace;
  const stepper = stepperOf(model, settings.cache);
  const sources = srcIds.map(prepareSource);
  const results: (BeamResult | undefined)[] = sources.map(() => undefined);

  let active: Sentence[] = sources.map((s, index) => ({
    index,
    srcLen: s.length,
    maxLen: maxTargetLength(s, margin, stepper),
    live: Array.from({ length: beam }, (_, b) => (b === 0 ? { node: null, logProb: 0 } : null)),
    finished: [],
  }));

  const finish = (s: Sentence): void => {
    const ranked = [...s.finished].sort((a, b) => b.score - a.score).slice(0, nbest);
    const unwound = ranked.map(unwind);
    const result: BeamResult = {
      hypotheses: unwound.map(({ attention: _a, ...h }) => h),
    };
    const best = unwound[0];
    if (withAttention && best !== undefined) result.attention = assembleAttention(best.attention);
    results[s.index] = result;
  };

  const state = stepper.start(sources);
  try {
    // Every sentence gets B rows from the start; the dead ones score -Infinity.
    state.select(active.flatMap((s) => s.live.map(() => s.index)));
    let tokens = new Array<number>(active.length * beam).fill(BOS_ID);
    for (let t = 0; active.length > 0; t++) {
      const out = state.step(tokens, withAttention);
      const vocab = out.logProbs.shape[1];
      const rowScores = new Float32Array(active.length * beam);
      active.forEach((s, j) =>
        s.live.forEach((l, b) => (rowScores[j * beam + b] = l === null ? -Infinity : l.logProb)),
      );
      const k = Math.min(2 * beam, beam * vocab);
      const [values, indices, tokenLp] = tf.tidy(() => {
        const scores = tf.tensor2d(rowScores, [active.length * beam, 1]); // [rows, 1]
        const total = tf.reshape(tf.add(out.logProbs, scores), [active.length, beam * vocab]); // [n, B*V]
        const top = tf.topk(total, k); // values, indices: [n, k]
        const base = tf.mul(
          tf.range(0, active.length, 1, 'int32'),
          tf.scalar(beam * vocab, 'int32'),
        ); // [n]
        const flat = tf.add(top.indices, tf.reshape(base, [-1, 1])); // [n, k] into [rows*V]
        const lp = tf.gather(tf.reshape(out.logProbs, [-1]), tf.reshape(flat, [-1])); // [n*k]
        return [top.values, top.indices, lp];
      });
      out.logProbs.dispose();
      const v = values.dataSync() as Float32Array;
      const idx = indices.dataSync() as Int32Array;
      const lp = tokenLp.dataSync() as Float32Array;
      tf.dispose([values, indices, tokenLp]);
      const att: StepAttention | null =
        withAttention && out.attention !== undefined ? readStepAttention(out.attention) : null;
      if (!withAttention) disposeAttention(out.attention);

      const rows: number[] = [];
      const nextTokens: number[] = [];
      const stillActive: Sentence[] = [];
      active.forEach((s, j) => {
        const live: Live[] = [];
        const liveRows: number[] = [];
        // Tells the trace about candidate c that the beam does not take.
        const drop = (c: number): void => {
          const value = v[j * k + c] as number;
          const flatIndex = idx[j * k + c] as number;
          const parent = s.live[Math.floor(flatIndex / vocab)];
          if (trace === undefined || value === -Infinity || parent == null) return;
          const tokenLogProb = lp[j * k + c] as number;
          const parentId = parent.node?.traceId ?? 0;
          trace.candidate(
            s.index,
            t + 1,
            parentId,
            flatIndex % vocab,
            tokenLogProb,
            value,
            'dropped',
          );
        };
        for (let c = 0; c < k; c++) {
          const value = v[j * k + c] as number;
          if (value === -Infinity) break; // sorted: only dead slots remain
          const flatIndex = idx[j * k + c] as number;
          const b = Math.floor(flatIndex / vocab);
          const token = flatIndex % vocab;
          const parent = s.live[b];
          if (parent == null) continue;
          if ((token === EOS_ID && c >= beam) || (token !== EOS_ID && live.length >= beam)) {
            drop(c);
            continue;
          }
          const row = j * beam + b;
          const node: Node = {
            token,
            tokenLogProb: lp[j * k + c] as number,
            parent: parent.node,
            attention: att === null ? null : rowAttention(att, row, s.srcLen),
            traceId: 0,
          };
          const logProb = parent.logProb + node.tokenLogProb;
          if (trace !== undefined) {
            const fate = token === EOS_ID ? 'finished' : 'kept';
            const parentId = parent.node?.traceId ?? 0;
            node.traceId = trace.candidate(
              s.index,
              t + 1,
              parentId,
              token,
              node.tokenLogProb,
              logProb,
              fate,
            );
          }
          if (token === EOS_ID) {
            const length = t + 1;
            s.finished.push({
              node,
              logProb,
              score: logProb / lengthPenalty(length, alpha),
              length,
              finished: true,
            });
          } else {
            live.push({ node, logProb });
            liveRows.push(row);
          }
          if (live.length >= beam && c >= beam - 1) {
            for (let rest = c + 1; rest < k; rest++) drop(rest);
            break;
          }
        }
        const cut = t + 1 >= s.maxLen && live.length > 0;
        if (t + 1 >= s.maxLen) {
          // Out of length: the live hypotheses end here, unfinished.
          for (const l of live) {
            trace?.cutOff(s.index, (l.node as Node).traceId);
            s.finished.push({
              node: l.node as Node,
              logProb: l.logProb,
              score: l.logProb / lengthPenalty(t + 1, alpha),
              length: t + 1,
              finished: false,
            });
          }
          live.length = 0;
        }
        let done = live.length === 0;
        if (!done && s.finished.length >= nbest) {
          const nth = s.finished.map((f) => f.score).sort((a, b) => b - a)[nbest - 1] as number;
          const bestLive = Math.max(...live.map((l) => l.logProb));
          done = nth >= bestLive / lengthPenalty(s.maxLen, alpha);
        }
        if (done) {
          trace?.end(s.index, t + 1, cut ? 'maxLength' : live.length === 0 ? 'noLive' : 'bound');
          finish(s);
          return;
        }
        s.live = Array.from({ length: beam }, (_, b) => live[b] ?? null);
        for (let b = 0; b < beam; b++) {
          // Dead slots repeat the first live row; their score keeps them out of every top-k.
          rows.push(liveRows[b] ?? (liveRows[0] as number));
          nextTokens.push((live[b] ?? (live[0] as Live)).node?.token ?? BOS_ID);
        }
        stillActive.push(s);
      });
      active = stillActive;
      if (active.length === 0) break;
      // Gathering every cache tensor costs a copy per layer: skip it when nothing moved.
      if (rows.length !== state.rows || rows.some((r, i) => r !== i)) state.select(rows);
      tokens = nextTokens;
    }
  } finally {
    state.dispose();
  }
  return results as BeamResult[];
}
