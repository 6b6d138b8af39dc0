/**
 * Renumbering an imported vocabulary so that its special tokens get the studio's ids.
 *
 * The studio's model, batches and decoders use <pad> 0, <s> 1, </s> 2, <unk> 3
 * (shared/specialTokens.ts). A Hugging Face tokenizer may hold the same four tokens at other
 * ids. Renumbering the tokens is exact: the embedding rows (and the logit bias) move with
 * their tokens, so every token string gets the same vector and the same score as before;
 * only the numbers change. The first four ids become the specials and every other token
 * keeps its relative order.
 */
import { AppError, ErrorCode } from '../../../shared/errors';
import type { NamedTensor } from '../../../shared/namedTensor';
import { BOS_ID, EOS_ID, PAD_ID } from '../../../shared/specialTokens';
import { SPECIAL_TOKENS } from '../../text/tokenizer';

/** How an imported vocabulary maps onto the studio's ids. */
export interface VocabularyOrder {
  /** fileId[studioId]: the id a token had in the folder. */
  fileId: Int32Array;
  /** True when no id changes. */
  identity: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The order that puts <pad> <s> </s> <unk> first, checked against config.json: its
 * pad_token_id, decoder_start_token_id and eos_token_id must name those tokens.
 * Throws CheckpointInvalid naming `label` when a special token is missing or the ids disagree.
 */
export function vocabularyOrder(
  tokenizer: Record<string, unknown>,
  config: Record<string, unknown>,
  label: string,
): VocabularyOrder {
  const refuse = (what: string): AppError =>
    new AppError(ErrorCode.CheckpointInvalid, `${label} cannot be imported: ${what}.`, {
      file: label,
    });
  const model = tokenizer.model;
  const vocab = isObject(model) && isObject(model.vocab) ? model.vocab : undefined;
  if (vocab === undefined) throw refuse('its tokenizer.json has no model.vocab object');
  const size = Object.keys(vocab).length;
  const seen = new Uint8Array(size);
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= size || seen[id]) {
      throw refuse(
        `its tokenizer.json gives ${JSON.stringify(token)} the id ${JSON.stringify(id)}; ids must be 0 to ${size - 1}, each once`,
      );
    }
    seen[id] = 1;
  }
  const specials = SPECIAL_TOKENS.map((token) => vocab[token] as number | undefined);
  if (specials.includes(undefined)) {
    const missing = SPECIAL_TOKENS.filter((_, i) => specials[i] === undefined);
    const start =
      config.decoder_start_token_id === config.pad_token_id
        ? ' (it starts decoding from its pad token, as Marian models usually do; the studio starts from a distinct <s>)'
        : '';
    throw refuse(
      `its vocabulary has no ${missing.join(', ')}${start}; the studio needs <pad> <s> </s> <unk>`,
    );
  }
  const ids = specials as number[];
  for (const [key, studioId] of [
    ['pad_token_id', PAD_ID],
    ['decoder_start_token_id', BOS_ID],
    ['eos_token_id', EOS_ID],
  ] as const) {
    if (config[key] !== ids[studioId]) {
      throw refuse(
        `its config.json's ${key} is ${JSON.stringify(config[key])} but its tokenizer has ${SPECIAL_TOKENS[studioId]} at ${ids[studioId]}; the studio decodes from <s>, pads with <pad> and stops at </s>`,
      );
    }
  }
  const isSpecial = new Set(ids);
  const fileId = new Int32Array(size);
  ids.forEach((id, i) => (fileId[i] = id));
  let next = ids.length;
  for (let id = 0; id < size; id++) if (!isSpecial.has(id)) fileId[next++] = id;
  return { fileId, identity: fileId.every((id, i) => id === i) };
}

/** tokenizer.json and config.json with the studio's ids (post-processor and added tokens too). */
export function renumberFiles(
  tokenizer: Record<string, unknown>,
  config: Record<string, unknown>,
  order: VocabularyOrder,
): { tokenizer: Record<string, unknown>; config: Record<string, unknown> } {
  if (order.identity) return { tokenizer, config };
  const studioId = new Map<number, number>();
  order.fileId.forEach((file, studio) => studioId.set(file, studio));
  const renumber = (id: unknown): unknown =>
    typeof id === 'number' ? (studioId.get(id) ?? id) : id;
  const model = tokenizer.model as Record<string, unknown>;
  const vocab = Object.fromEntries(
    Object.entries(model.vocab as Record<string, number>).map(([t, id]) => [t, renumber(id)]),
  );
  const added = Array.isArray(tokenizer.added_tokens)
    ? tokenizer.added_tokens.map((t: unknown) => (isObject(t) ? { ...t, id: renumber(t.id) } : t))
    : tokenizer.added_tokens;
  let post = tokenizer.post_processor;
  if (isObject(post) && isObject(post.special_tokens)) {
    const specials = Object.fromEntries(
      Object.entries(post.special_tokens).map(([k, v]) => [
        k,
        isObject(v) && Array.isArray(v.ids) ? { ...v, ids: v.ids.map(renumber) } : v,
      ]),
    );
    post = { ...post, special_tokens: specials };
  }
  const ids = Object.fromEntries(
    [
      'pad_token_id',
      'bos_token_id',
      'eos_token_id',
      'decoder_start_token_id',
      'forced_eos_token_id',
    ]
      .filter((k) => k in config)
      .map((k) => [k, renumber(config[k])]),
  );
  return {
    tokenizer: {
      ...tokenizer,
      model: { ...model, vocab },
      added_tokens: added,
      post_processor: post,
    },
    config: { ...config, ...ids },
  };
}

/**
 * Tensors with their vocabulary axis in the studio's order: the rows of the shared embedding
 * and its tied aliases, the columns of final_logits_bias. Other tensors are returned as is.
 * @param vocabularyTensors names whose first axis (or, for [1, V], last axis) is the vocabulary
 */
export function renumberTensors(
  tensors: readonly NamedTensor[],
  order: VocabularyOrder,
  vocabularyTensors: ReadonlySet<string>,
): NamedTensor[] {
  if (order.identity) return [...tensors];
  const v = order.fileId.length;
  return tensors.map((t) => {
    if (!vocabularyTensors.has(t.name) || t.data.length % v !== 0) return t;
    // [V, d] rows, or [1, V] / [V] where each "row" is one number.
    const width = t.data.length / v;
    const data = new Float32Array(t.data.length);
    for (let s = 0; s < v; s++) {
      const from = order.fileId[s]! * width;
      data.set(t.data.subarray(from, from + width), s * width);
    }
    return { ...t, data };
  });
}
