/**
 * Text in, translations out: tokenizer + model + search. `translate` serves the
 * playground (one sentence, n-best, attention on request); `translateMany` serves
 * evaluation and the CLI (many sentences, batched by length, returned in input order).
 * Pure: no files, no backend choice; the caller owns the model.
 */
import { parseSettings } from '../../shared/config';
import { AppError, ErrorCode } from '../../shared/errors';
import {
  decodeSettingsSchema,
  type DecodeSettings,
  type DecodeSettingsInput,
} from '../../shared/schema/decode';
import type { AttentionMaps, Hypothesis, Translation } from '../../shared/types';
import type { BpeTokenizer } from '../text/tokenizer';
import { EOS_ID } from '../text/tokenizer';
import { beamSearch, lengthPenalty } from './beam';
import type { BeamHypothesis } from './beam';
import { greedyDecode } from './greedy';
import type { DecodingModel } from './stepper';
import { prepareSource, stepperOf } from './stepper';

/** Source and target tokenizers: the same object when the vocabulary is shared. */
export interface Tokenizers {
  src: BpeTokenizer;
  tgt: BpeTokenizer;
}

/**
 * How to decode (shared/schema/decode.ts): greedy or beam, beam width, alpha (in greedy mode
 * it only scales the reported score), n-best (beam mode, at most the width), attention maps
 * of the best hypothesis (translate only), the key/value cache and the length margin. Fields
 * left out take their defaults; settings out of range are refused with a sentence.
 */
export type TranslateOptions = DecodeSettingsInput;

/** A Translation without what only the caller knows (checkpoint id, wall time). */
export type TranslationResult = Omit<Translation, 'checkpoint' | 'ms'>;

interface Decoded {
  hypotheses: Omit<BeamHypothesis, 'finished'>[];
  attention?: AttentionMaps;
}

function decodeBatch(
  model: DecodingModel,
  sources: number[][],
  settings: DecodeSettings,
  withAttention: boolean,
): Decoded[] {
  const { alpha, cache, margin } = settings;
  if (settings.mode === 'greedy') {
    return greedyDecode(model, sources, { cache, margin, returnAttention: withAttention }).map(
      (d) => {
        const out: Decoded = {
          hypotheses: [
            {
              ids: d.ids,
              tokenLogProbs: d.tokenLogProbs,
              logProb: d.logProb,
              score: d.logProb / lengthPenalty(d.ids.length, alpha),
            },
          ],
        };
        if (d.attention !== undefined) out.attention = d.attention;
        return out;
      },
    );
  }
  return beamSearch(model, sources, {
    beamSize: settings.beamSize,
    alpha,
    nbest: settings.nbest,
    cache,
    margin,
    returnAttention: withAttention,
  });
}

function toHypothesis(h: Omit<BeamHypothesis, 'finished'>, tgt: BpeTokenizer): Hypothesis {
  return {
    text: tgt.decode(h.ids),
    tokens: h.ids.map((id) => tgt.idToToken(id)),
    logProb: h.logProb,
    score: h.score,
    tokenLogProbs: h.tokenLogProbs,
  };
}

/**
 * Translates one sentence.
 * @returns srcTokens: the encoder's input as token strings (ending with `</s>`, the src axis
 *   of the cross-attention); hypotheses best first; attention of the best when asked
 * @throws AppError(InvalidArgument) when the sentence is longer than the model reads
 */
export function translate(
  model: DecodingModel,
  tokenizers: Tokenizers,
  text: string,
  options: TranslateOptions = {},
): TranslationResult {
  const settings = parseSettings(decodeSettingsSchema, options);
  const source = prepareSource(tokenizers.src.encode(text));
  const limit = stepperOf(model).maxPositions;
  if (source.length > limit) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The sentence has ${source.length} tokens with </s>; this model reads at most ${limit}. Shorten it or split it.`,
    );
  }
  const [decoded] = decodeBatch(model, [source], settings, settings.attention);
  const result: TranslationResult = {
    srcTokens: source.map((id) => tokenizers.src.idToToken(id)),
    hypotheses: (decoded?.hypotheses ?? []).map((h) => toHypothesis(h, tokenizers.tgt)),
  };
  if (decoded?.attention !== undefined) result.attention = decoded.attention;
  return result;
}

/** Decoder rows a batch of translateMany holds unless told otherwise: wide enough to keep a backend busy, small enough for its memory. */
export const MAX_DECODER_ROWS = 64;

export interface TranslateManyOptions extends TranslateOptions {
  /**
   * Decoder rows per batch: sentences per batch = floor(maxRows / B) in beam mode, maxRows
   * in greedy mode (at least one). Default MAX_DECODER_ROWS.
   */
  maxRows?: number;
  /** Called after each batch with the sentences done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches: aborting throws AppError(Cancelled). */
  signal?: AbortSignal;
}

export interface TranslateManyResult {
  /** One result per input, in input order (no attention). */
  translations: TranslationResult[];
  /** Inputs longer than the model reads, cut to its maximum before decoding. */
  truncated: number;
}

/**
 * Translates many sentences, batched: sorted by source length so a batch pads little,
 * then returned in input order. Sources longer than the model reads are cut (and counted),
 * so one long line does not stop an evaluation.
 */
export async function translateMany(
  model: DecodingModel,
  tokenizers: Tokenizers,
  texts: readonly string[],
  options: TranslateManyOptions = {},
): Promise<TranslateManyResult> {
  const settings = parseSettings(decodeSettingsSchema, options);
  const limit = stepperOf(model).maxPositions;
  let truncated = 0;
  const sources = texts.map((t) => {
    const s = prepareSource(tokenizers.src.encode(t));
    if (s.length <= limit) return s;
    truncated++;
    return [...s.slice(0, limit - 1), EOS_ID];
  });
  const order = sources
    .map((_, i) => i)
    .sort((a, b) => {
      const la = (sources[a] as number[]).length;
      const lb = (sources[b] as number[]).length;
      return la - lb || a - b;
    });
  const rowsPerSentence = settings.mode === 'greedy' ? 1 : settings.beamSize;
  const perBatch = Math.max(1, Math.floor((options.maxRows ?? MAX_DECODER_ROWS) / rowsPerSentence));
  const translations: (TranslationResult | undefined)[] = texts.map(() => undefined);
  for (let start = 0; start < order.length; start += perBatch) {
    if (options.signal?.aborted === true) {
      throw new AppError(ErrorCode.Cancelled, 'The translation was cancelled.');
    }
    const batch = order.slice(start, start + perBatch);
    const decoded = decodeBatch(
      model,
      batch.map((i) => sources[i] as number[]),
      settings,
      false,
    );
    batch.forEach((i, k) => {
      translations[i] = {
        srcTokens: (sources[i] as number[]).map((id) => tokenizers.src.idToToken(id)),
        hypotheses: (decoded[k]?.hypotheses ?? []).map((h) => toHypothesis(h, tokenizers.tgt)),
      };
    });
    options.onProgress?.(Math.min(start + perBatch, order.length), order.length);
    // Let messages (a stop request, progress events) through between batches.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return { translations: translations as TranslationResult[], truncated };
}
