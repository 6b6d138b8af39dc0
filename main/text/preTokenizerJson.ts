// The `pre_tokenizer` and `decoder` entries of tokenizer.json for our pre-tokenization
// (preTokenize.ts), written and read back: Metaspace("▁", prepend_scheme "always", split),
// followed for punctuation 'isolated' by Punctuation(Isolated) in a Sequence, which is how
// the `tokenizers` package runs the same pipeline.

import { METASPACE, type PunctuationMode } from './preTokenize';

/** Hugging Face's Metaspace pre-tokenizer and decoder as we configure them. */
export const METASPACE_JSON = {
  type: 'Metaspace',
  replacement: METASPACE,
  prepend_scheme: 'always',
  split: true,
} as const;

/** The `pre_tokenizer` entry for a punctuation mode. */
export function preTokenizerJson(punctuation: PunctuationMode): object {
  if (punctuation === 'attached') return METASPACE_JSON;
  return {
    type: 'Sequence',
    pretokenizers: [METASPACE_JSON, { type: 'Punctuation', behavior: 'Isolated' }],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The punctuation mode of a tokenizer.json `pre_tokenizer` entry: a lone Metaspace (every
 * file written before punctuation could be isolated) is 'attached', a Sequence of Metaspace
 * and Punctuation(Isolated) is 'isolated'.
 * @returns the mode, or the problem (a phrase) when the entry is neither
 */
export function readPreTokenizer(value: unknown): PunctuationMode | { problem: string } {
  let metaspace = value;
  let punctuation: PunctuationMode = 'attached';
  if (isObject(value) && value['type'] === 'Sequence') {
    const list = value['pretokenizers'];
    const second = Array.isArray(list) ? (list[1] as unknown) : undefined;
    if (
      !Array.isArray(list) ||
      list.length !== 2 ||
      !isObject(second) ||
      second['type'] !== 'Punctuation' ||
      (second['behavior'] !== undefined && second['behavior'] !== 'Isolated')
    ) {
      return { problem: 'its pre_tokenizer Sequence must be [Metaspace, Punctuation(Isolated)]' };
    }
    metaspace = list[0] as unknown;
    punctuation = 'isolated';
  }
  if (
    !isObject(metaspace) ||
    metaspace['type'] !== 'Metaspace' ||
    metaspace['replacement'] !== METASPACE ||
    metaspace['split'] === false ||
    !(
      metaspace['prepend_scheme'] === 'always' ||
      (metaspace['prepend_scheme'] === undefined && metaspace['add_prefix_space'] === true)
    )
  ) {
    return {
      problem:
        'its pre_tokenizer must be Metaspace("▁") with prepend_scheme "always" and split true',
    };
  }
  return punctuation;
}
