/**
 * Greedy decoding (The Annotated Transformer's `greedy_decode`): at every step each
 * sentence takes its most probable next token, until `</s>` or the maximum length.
 * Batched: sentences that finish leave the batch (their cache rows are dropped).
 */
import * as tf from '@tensorflow/tfjs';
import { parseSettings } from '../../shared/config';
import { decodeSettingsSchema, type DecodeSettingsInput } from '../../shared/schema/decode';
import type { AttentionMaps } from '../../shared/types';
import { BOS_ID, EOS_ID } from '../text/tokenizer';
import type { RowAttention } from './attentionTrace';
import {
  assembleAttention,
  disposeAttention,
  readStepAttention,
  rowAttention,
} from './attentionTrace';
import type { DecodingModel } from './stepper';
import { maxTargetLength, prepareSource, stepperOf } from './stepper';

/**
 * `margin`: maximum target length (tokens, counting `</s>`) = source length (with `</s>`) +
 * margin, within the model's positions; its default (shared/schema/decode.ts) is generous for
 * translation, where targets are rarely much longer than sources, and short enough to cut
 * off a degenerate repetition. `cache`: decode on the key/value cache; false re-runs the
 * decoder every step. Fields left out take their defaults.
 */
export interface GreedyOptions extends Pick<DecodeSettingsInput, 'margin' | 'cache'> {
  /** Also return every layer's and head's attention weights. */
  returnAttention?: boolean;
}

/** One decoded sentence. */
export interface DecodedSentence {
  /** Target ids, ending with `</s>` when `finished`. */
  ids: number[];
  /** log p of each token of `ids`. */
  tokenLogProbs: number[];
  /** Sum of tokenLogProbs. */
  logProb: number;
  /** False when the maximum length cut the sentence off before `</s>`. */
  finished: boolean;
  /** On request: [layer][head][tgt][tgt] and [layer][head][tgt][src] (src with `</s>`). */
  attention?: AttentionMaps;
}

interface Progress {
  ids: number[];
  tokenLogProbs: number[];
  attention: RowAttention[];
}

/**
 * Greedy decoding of a batch of sentences.
 * @param model a Transformer, or any Stepper
 * @param srcIds per sentence the tokenizer's ids (`</s>` is appended, see prepareSource)
 * @returns one DecodedSentence per source, in order
 */
export function greedyDecode(
  model: DecodingModel,
  srcIds: readonly (readonly number[])[],
  options: GreedyOptions = {},
): DecodedSentence[] {
  const { cache, margin } = parseSettings(decodeSettingsSchema, {
    margin: options.margin,
    cache: options.cache,
    mode: 'greedy',
  });
  const stepper = stepperOf(model, cache);
  const withAttention = options.returnAttention === true;
  const sources = srcIds.map(prepareSource);
  const maxLen = sources.map((s) => maxTargetLength(s, margin, stepper));
  const progress: Progress[] = sources.map(() => ({ ids: [], tokenLogProbs: [], attention: [] }));
  const results: (DecodedSentence | undefined)[] = sources.map(() => undefined);

  const state = stepper.start(sources);
  try {
    let active = sources.map((_, i) => i); // sentence of each row
    let tokens = active.map(() => BOS_ID);
    while (active.length > 0) {
      const out = state.step(tokens, withAttention);
      const [values, indices] = tf.tidy(() => {
        const best = tf.topk(out.logProbs, 1); // values, indices: [rows, 1]
        return [best.values, best.indices];
      });
      out.logProbs.dispose();
      const lp = values.dataSync() as Float32Array;
      const next = indices.dataSync() as Int32Array;
      tf.dispose([values, indices]);
      const att =
        withAttention && out.attention !== undefined ? readStepAttention(out.attention) : null;
      if (!withAttention) disposeAttention(out.attention);

      const keep: number[] = [];
      active.forEach((s, row) => {
        const p = progress[s] as Progress;
        const token = next[row] as number;
        p.ids.push(token);
        p.tokenLogProbs.push(lp[row] as number);
        if (att !== null) p.attention.push(rowAttention(att, row, (sources[s] as number[]).length));
        const finished = token === EOS_ID;
        if (finished || p.ids.length >= (maxLen[s] as number)) {
          const done: DecodedSentence = {
            ids: p.ids,
            tokenLogProbs: p.tokenLogProbs,
            logProb: p.tokenLogProbs.reduce((a, b) => a + b, 0),
            finished,
          };
          if (att !== null) done.attention = assembleAttention(p.attention);
          results[s] = done;
        } else {
          keep.push(row);
        }
      });
      if (keep.length === 0) break;
      if (keep.length < active.length) state.select(keep);
      tokens = keep.map((row) => next[row] as number);
      active = keep.map((row) => active[row] as number);
    }
  } finally {
    state.dispose();
  }
  return results as DecodedSentence[];
}
