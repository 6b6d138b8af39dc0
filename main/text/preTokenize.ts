// Pre-tokenization shared by the BPE trainer and encoder, so training counts exactly the
// words that encoding later sees. It mirrors, step by step, what the Hugging Face
// `tokenizers` pipeline does for our tokenizer.json (added-token split, optional NFC,
// Metaspace with prepend_scheme "always" and split true, then, for tokenizers made with
// punctuation 'isolated', Punctuation), because ids must be identical.

import type { PunctuationMode } from '../../shared/schema/importOptions';
import { isPunctuationCodePoint } from './punctuation';

/** The word-boundary marker (U+2581, as in SentencePiece); it replaces every space. */
export const METASPACE = '\u2581';

/** The special tokens; a token's index here is its fixed id (`<pad>`=0 ... `<unk>`=3). */
export const SPECIAL_TOKENS = ['<pad>', '<s>', '</s>', '<unk>'] as const;

/** Unicode normalization applied before pre-tokenization: none keeps text byte-exact. */
export type Normalization = 'none' | 'NFC';

/**
 * What happens to punctuation after the Metaspace split (declared with the import options,
 * shared/schema/importOptions.ts). 'isolated' (what new tokenizers use): every punctuation
 * character is a word of its own, as Hugging Face's `Punctuation` pre-tokenizer (behavior
 * Isolated) after `Metaspace` makes it, so "▁Sofa." is ["▁Sofa", "."] and no token fuses a
 * word with the full stop that ends a sentence. SentencePiece keeps letters and punctuation
 * apart too (split_by_unicode_script). 'attached' (tokenizers made before): punctuation stays
 * inside its word, so a vocabulary holds "▁Sofa" and "▁Sofa." as unrelated tokens and the
 * end of a sentence is fused into its last word.
 */
export type { PunctuationMode };

/**
 * True for a character (one code point) that the 'isolated' mode splits off: Hugging Face's
 * is_punc, ASCII punctuation (which includes the symbols $+<=>^`|~) or a Unicode punctuation
 * category (Pc Pd Ps Pe Pi Pf Po) as its tables have them (punctuation.ts).
 */
export function isPunctuation(ch: string): boolean {
  return isPunctuationCodePoint(ch.codePointAt(0) ?? 0);
}

/**
 * Splits one Metaspace word around its punctuation characters, each of which becomes a
 * word of its own: "▁woman's" gives ["▁woman", "'", "s"], "▁(dog)." ["▁", "(", "dog", ")", "."].
 */
export function isolatePunctuation(word: string, out: string[] = []): string[] {
  let start = 0;
  let i = 0;
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (i > start) out.push(word.slice(start, i));
      out.push(ch);
      start = i + ch.length;
    }
    i += ch.length;
  }
  if (start < word.length) out.push(word.slice(start));
  return out;
}

// None of the special strings is a prefix of another, so plain alternation gives the same
// leftmost-longest matches as the aho-corasick search `tokenizers` uses for added tokens.
const SPECIAL_PATTERN = /<pad>|<s>|<\/s>|<unk>/g;

/**
 * Splits raw text on literal special-token strings, as `tokenizers` does before anything
 * else (its added tokens are matched in the raw text). Returns the text pieces and, between
 * them, the special ids, in order: a string is text to pre-tokenize, a number a special id.
 */
export function splitOnSpecialTokens(text: string): Array<string | number> {
  // Fast path: almost no real text contains '<'.
  if (!text.includes('<')) return text.length === 0 ? [] : [text];
  const out: Array<string | number> = [];
  let last = 0;
  for (const match of text.matchAll(SPECIAL_PATTERN)) {
    const at = match.index;
    if (at > last) out.push(text.slice(last, at));
    out.push(SPECIAL_TOKENS.indexOf(match[0] as (typeof SPECIAL_TOKENS)[number]));
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * Metaspace pre-tokenization of one piece of text (no special tokens in it): every space
 * becomes "▁", a "▁" is prepended unless the piece already starts with one, and the result
 * is cut before every "▁". So "Hi  there!" gives ["▁Hi", "▁", "▁there!"]. Only U+0020 is
 * a boundary; tabs, newlines and other spaces stay inside words, as in `tokenizers`.
 */
export function metaspaceWords(piece: string, normalization: Normalization = 'none'): string[] {
  const text = normalization === 'NFC' ? piece.normalize('NFC') : piece;
  if (text.length === 0) return [];
  const replaced = text.replaceAll(' ', METASPACE);
  const marked = replaced.startsWith(METASPACE) ? replaced : METASPACE + replaced;
  const words: string[] = [];
  let start = 0;
  for (let i = 1; i < marked.length; i++) {
    if (marked.charCodeAt(i) === 0x2581) {
      words.push(marked.slice(start, i));
      start = i;
    }
  }
  words.push(marked.slice(start));
  return words;
}

/**
 * The words BPE sees in one piece of text: metaspaceWords, then, in 'isolated' mode, each
 * word split around its punctuation (Hugging Face: Sequence[Metaspace, Punctuation]).
 */
export function preTokenizeWords(
  piece: string,
  normalization: Normalization,
  punctuation: PunctuationMode,
): string[] {
  const words = metaspaceWords(piece, normalization);
  if (punctuation === 'attached') return words;
  const out: string[] = [];
  for (const word of words) isolatePunctuation(word, out);
  return out;
}
