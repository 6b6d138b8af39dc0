/**
 * What every Inside view starts from: the sentence as the encoder reads it, and the model's
 * own translation of it as the decoder is fed it with teacher forcing (`<s>` + the target
 * shifted right by one, paper 3 / 5). Greedy by default (the same tokens every time), or the
 * best hypothesis of a beam search.
 */
import { AppError, ErrorCode } from '../../../shared/errors';
import type { InsideSettings, InsideTokens } from '../../../shared/inside';
import { UNK_ID } from '../../../shared/specialTokens';
import { beamSearch } from '../../decoding/beam';
import { greedyDecode } from '../../decoding/greedy';
import { prepareSource } from '../../decoding/stepper';
import type { Tokenizers } from '../../decoding/translate';
import type { Transformer } from '../../model/transformer';
import { BOS_ID } from '../../text/tokenizer';

/** The ids and token strings of a sentence and its translation. */
export interface InsideSentence extends InsideTokens {
  /** Encoder input ids, ending with `</s>`. */
  source: number[];
  /** Decoder input ids: `<s>` then target[0..n-2]. */
  tgtIn: number[];
  /** The translation's ids: what each decoder position should predict. */
  target: number[];
}

/** How the decoder-side views find their target. */
export type TargetSearch = Pick<InsideSettings, 'mode' | 'beamSize' | 'alpha'>;

/**
 * The encoder input of a sentence, refused when longer than the model reads.
 * @throws AppError(InvalidArgument) with the lengths
 */
export function sourceOf(model: Transformer, tokenizers: Tokenizers, text: string): number[] {
  const source = prepareSource(tokenizers.src.encode(text));
  const limit = model.config.maxPositions;
  if (source.length > limit) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The sentence has ${source.length} tokens with </s>; this model reads at most ${limit}. Shorten it or split it.`,
    );
  }
  return source;
}

/** Translations kept per model: the views of one sentence share one search, not one each. */
const translations = new WeakMap<Transformer, Map<string, InsideSentence>>();
/** Sentences remembered per model (the newest kept). */
const REMEMBERED = 8;

/**
 * The sentence, its translation by `search`, and both as token strings. Remembered per
 * model (a loaded checkpoint's weights never change), so switching views does not decode
 * the sentence again.
 */
export function insideSentence(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  search: TargetSearch = { mode: 'greedy', beamSize: 1, alpha: 0 },
): InsideSentence {
  const key = JSON.stringify([text, search.mode, search.beamSize, search.alpha]);
  const known = translations.get(model) ?? new Map<string, InsideSentence>();
  translations.set(model, known);
  const hit = known.get(key);
  if (hit !== undefined) return hit;
  const sentence = translateSentence(model, tokenizers, text, search);
  known.set(key, sentence);
  if (known.size > REMEMBERED) known.delete(known.keys().next().value as string);
  return sentence;
}

function translateSentence(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  search: TargetSearch,
): InsideSentence {
  const source = sourceOf(model, tokenizers, text);
  const target =
    search.mode === 'beam'
      ? (beamSearch(model, [source], { beamSize: search.beamSize, alpha: search.alpha })[0]
          ?.hypotheses[0]?.ids ?? [])
      : (greedyDecode(model, [source])[0]?.ids ?? []);
  const tgtIn = [BOS_ID, ...target.slice(0, -1)];
  const src = (id: number): string => tokenizers.src.idToToken(id);
  const tgt = (id: number): string => tokenizers.tgt.idToToken(id);
  return {
    source,
    tgtIn,
    target,
    srcTokens: source.map(src),
    srcUnk: source.map((id) => id === UNK_ID),
    tgtInTokens: tgtIn.map(tgt),
    outTokens: target.map(tgt),
  };
}
