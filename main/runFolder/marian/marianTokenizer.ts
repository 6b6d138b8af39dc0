/**
 * The tokenizer files of a Hugging Face folder (tokenizer.json for the `tokenizers`
 * library, tokenizer_config.json and special_tokens_map.json for AutoTokenizer) from the
 * studio's tokenizer.json, and back.
 *
 * The studio appends </s> to every source sentence itself (main/training/batching.ts); a
 * Transformers user calls `tokenizer(text)`, so the exported tokenizer.json carries a
 * TemplateProcessing post-processor "$A </s>" and encodes exactly what the studio's encoder
 * reads. The import strips that post-processor again and needs a tokenizer the studio's own
 * BPE encoder (main/text/tokenizer.ts) reproduces id for id: BPE, Metaspace "▁" with
 * prepend "always", no or NFC normalizer, no byte fallback or subword prefixes, no added
 * tokens but <pad> <s> </s> <unk> at ids 0..3 (vocabularyOrder.ts renumbers them there
 * first). Anything else is refused with a sentence that says so. The studio's engine runs
 * its own encoder, not the `tokenizers` binding (a development dependency only, which the
 * tests use to prove the ids agree), so a tokenizer it cannot reproduce is refused, never
 * approximated.
 */
import { AppError, ErrorCode } from '../../../shared/errors';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID } from '../../../shared/specialTokens';
import { BpeTokenizer, SPECIAL_TOKENS } from '../../text/tokenizer';

const EOS = SPECIAL_TOKENS[EOS_ID]!;

/** The post-processor the export writes: "$A </s>" for one sentence, "$A $B </s>" for two. */
export function appendEosProcessor(): Record<string, unknown> {
  const seq = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
  const eos = { SpecialToken: { id: EOS, type_id: 0 } };
  return {
    type: 'TemplateProcessing',
    single: [seq('A'), eos],
    pair: [seq('A'), seq('B'), eos],
    special_tokens: { [EOS]: { id: EOS, ids: [EOS_ID], tokens: [EOS] } },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The studio's tokenizer.json text with the "$A </s>" post-processor, for Transformers. */
export function toHfTokenizerJson(studioJson: string): string {
  const file: unknown = JSON.parse(studioJson);
  if (!isObject(file))
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      'The tokenizer.json of this run is not a JSON object.',
    );
  return JSON.stringify({ ...file, post_processor: appendEosProcessor() });
}

/** tokenizer_config.json: AutoTokenizer loads tokenizer.json as a PreTrainedTokenizerFast. */
export function hfTokenizerConfig(maxPositions: number): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: maxPositions,
    padding_side: 'right',
    truncation_side: 'right',
    clean_up_tokenization_spaces: false,
    ...hfSpecialTokensMap(),
  };
}

/** special_tokens_map.json. */
export function hfSpecialTokensMap(): Record<string, string> {
  return {
    pad_token: SPECIAL_TOKENS[PAD_ID]!,
    bos_token: SPECIAL_TOKENS[BOS_ID]!,
    eos_token: EOS,
    unk_token: SPECIAL_TOKENS[UNK_ID]!,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when `p` appends </s> (id 2) to a single sentence and does nothing else. */
function appendsEosOnly(p: Record<string, unknown>): boolean {
  if (p.type !== 'TemplateProcessing') return false;
  const single = p.single;
  const ok =
    Array.isArray(single) &&
    single.length === 2 &&
    sameJson((single[0] as Record<string, unknown>).Sequence, { id: 'A', type_id: 0 }) &&
    sameJson((single[1] as Record<string, { id?: unknown }>).SpecialToken?.id, EOS);
  const special = isObject(p.special_tokens) ? p.special_tokens[EOS] : undefined;
  return ok && isObject(special) && sameJson(special.ids, [EOS_ID]);
}

/**
 * The studio's tokenizer.json text for a Hugging Face tokenizer.json, or CheckpointInvalid
 * naming `label` and what the studio cannot run.
 * @returns the canonical text BpeTokenizer.toJSON writes (an export's own tokenizer comes back byte for byte)
 */
export function fromHfTokenizerJson(text: string, label: string): string {
  const refuse = (what: string): AppError =>
    new AppError(ErrorCode.CheckpointInvalid, `${label} cannot be imported: ${what}.`, {
      file: label,
    });
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (err) {
    throw refuse(`its tokenizer.json is not JSON (${(err as Error).message})`);
  }
  if (!isObject(file)) throw refuse('its tokenizer.json is not a JSON object');
  const post = file.post_processor;
  if (post === null || post === undefined) {
    throw refuse(
      'its tokenizer.json adds no </s> to a sentence, but the studio always ends the source with </s>, so the model would read different input',
    );
  }
  if (!isObject(post) || !appendsEosOnly(post)) {
    throw refuse(
      `its tokenizer.json post-processor (${JSON.stringify(isObject(post) ? post.type : post)}) does more than append </s>; the studio appends exactly </s> to the source`,
    );
  }
  const model = isObject(file.model) ? file.model.type : undefined;
  if (model !== 'BPE') {
    throw refuse(
      `its tokenizer.json is a ${JSON.stringify(model)} model; the studio runs BPE tokenizers with a Metaspace ("▁") pre-tokenizer only (a SentencePiece Unigram model such as opus-mt's source.spm is not supported)`,
    );
  }
  const added = Array.isArray(file.added_tokens) ? file.added_tokens : [];
  const extra = added.filter(
    (t: unknown) =>
      !isObject(t) || SPECIAL_TOKENS[t.id as number] !== t.content || typeof t.id !== 'number',
  );
  if (extra.length > 0) {
    const names = extra.map((t: unknown) => JSON.stringify(isObject(t) ? t.content : t));
    throw refuse(
      `its tokenizer.json adds tokens the studio's encoder does not split out (${names.slice(0, 4).join(', ')}); only <pad> <s> </s> <unk> as ids 0 to 3 are supported`,
    );
  }
  try {
    return BpeTokenizer.fromJSON(JSON.stringify({ ...file, post_processor: null })).toJSON();
  } catch (err) {
    const why = err instanceof AppError ? err.message : String(err);
    throw refuse(
      `the studio's BPE encoder cannot reproduce its tokenizer.json (${why.replace(/\.$/, '')}); supported are BPE with Metaspace "▁" (prepend "always"), no or NFC normalizer, no byte fallback, and <pad> <s> </s> <unk> as ids 0 to 3`,
    );
  }
}
