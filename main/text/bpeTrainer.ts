// Byte-pair encoding training (Sennrich, Haddow & Birch 2016, "Neural Machine Translation of
// Rare Words with Subword Units"), over characters rather than bytes, on a word-frequency
// table: pair counts are updated incrementally after each merge (only the words that
// contain the merged pair are touched) and the best pair comes from a lazy max-heap.

import { AppError, ErrorCode } from '../../shared/errors';
import { DEFAULT_PUNCTUATION } from '../../shared/schema/importOptions';
import { BinaryHeap } from './binaryHeap';
import { SPECIAL_TOKENS, preTokenizeWords, splitOnSpecialTokens } from './preTokenize';
import type { Normalization, PunctuationMode } from './preTokenize';
import { BpeTokenizer } from './tokenizer';

/**
 * Counts pre-tokenized words ("▁Hund", "▁", "."...) line by line, so a corpus can be
 * streamed: memory grows with the number of distinct words, not with the corpus.
 * Uses exactly the pre-tokenization the encoder uses, so training sees what encoding sees.
 */
export class WordCounter {
  private readonly counts = new Map<string, number>();
  private lines = 0;

  /**
   * @param normalization must match the tokenizer to be trained ('none' keeps text exact).
   * @param punctuation 'isolated' (default): punctuation characters are words of their own,
   *   so no token fuses a word with its punctuation (see PunctuationMode); 'attached' keeps
   *   them inside words, as tokenizers trained before did.
   */
  constructor(
    readonly normalization: Normalization = 'none',
    readonly punctuation: PunctuationMode = DEFAULT_PUNCTUATION,
  ) {}

  /** Adds one line (or any text) of the corpus. Literal special-token strings are not counted. */
  add(line: string): void {
    this.lines++;
    for (const part of splitOnSpecialTokens(line)) {
      if (typeof part === 'number') continue;
      for (const word of preTokenizeWords(part, this.normalization, this.punctuation)) {
        this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
      }
    }
  }

  /** Adds an already pre-tokenized word `count` times (e.g. to merge counters). */
  addWord(word: string, count = 1): void {
    this.counts.set(word, (this.counts.get(word) ?? 0) + count);
  }

  /** Number of add() calls so far. */
  get lineCount(): number {
    return this.lines;
  }

  /** Number of distinct words. */
  get size(): number {
    return this.counts.size;
  }

  /** [word, count] pairs in insertion order. */
  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }
}

/** Options for BPE training. */
export interface BpeTrainOptions {
  /**
   * Target vocabulary size including the four special tokens. The result has exactly this
   * many tokens unless the corpus runs out of pairs occurring at least `minFrequency`
   * times first; it never has more.
   */
  vocabSize: number;
  /** A pair must occur at least this often to be merged. Default 2 (a merge seen once only memorises). */
  minFrequency?: number;
  /**
   * A character must occur at least this often to enter the alphabet; rarer ones encode
   * as `<unk>`. Default 1: every character seen is covered. If the alphabet alone would
   * exceed vocabSize - 4, only the most frequent characters are kept.
   */
  minCharFrequency?: number;
  /** Called every few hundred merges with (tokens so far, vocabSize), for progress bars. */
  onProgress?: (tokens: number, vocabSize: number) => void;
  /** Checked between merges; when aborted, training throws AppError(Cancelled). */
  signal?: { readonly aborted: boolean };
}

// Pair keys pack two ids into one safe integer (same layout as tokenizer.ts).
const ID_SHIFT = 2 ** 22;
const PROGRESS_EVERY = 250;

interface PairEntry {
  count: number;
  key: number;
}

/**
 * Trains a BPE tokenizer on word counts from one or more WordCounters (pass the source and
 * target counters together for a shared vocabulary). Deterministic: equal input, equal output.
 * Ties between equally frequent pairs go to the pair of lower ids (earlier tokens).
 */
export function trainBpeFromCounts(
  counters: WordCounter | readonly WordCounter[],
  options: BpeTrainOptions,
): BpeTokenizer {
  const list = counters instanceof WordCounter ? [counters] : counters;
  const { vocabSize, minFrequency = 2, minCharFrequency = 1 } = options;
  const first = list[0];
  if (first === undefined) {
    throw new AppError(ErrorCode.InvalidArgument, 'BPE training needs at least one WordCounter.');
  }
  if (list.some((c) => c.normalization !== first.normalization)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      'The WordCounters to train one tokenizer from use different normalizations; use one.',
    );
  }
  if (list.some((c) => c.punctuation !== first.punctuation)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      'The WordCounters to train one tokenizer from split punctuation differently; use one way.',
    );
  }
  if (!Number.isInteger(vocabSize) || vocabSize <= SPECIAL_TOKENS.length || vocabSize >= ID_SHIFT) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The vocabulary size must be an integer from ${SPECIAL_TOKENS.length + 1} to ${ID_SHIFT - 1} (it includes the ${SPECIAL_TOKENS.length} special tokens); received ${vocabSize}.`,
    );
  }
  for (const [name, value] of [
    ['minFrequency', minFrequency],
    ['minCharFrequency', minCharFrequency],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `${name} must be a positive integer; received ${value}.`,
      );
    }
  }

  // One table even for a shared vocabulary: a word counts once with the summed frequency.
  let table: Map<string, number>;
  if (list.length === 1) table = new Map(first.entries());
  else {
    table = new Map();
    for (const counter of list) {
      for (const [word, count] of counter.entries())
        table.set(word, (table.get(word) ?? 0) + count);
    }
  }

  // Alphabet: every character seen often enough, so rare letters still encode.
  const charCounts = new Map<string, number>();
  for (const [word, count] of table) {
    for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  }
  let alphabet = [...charCounts]
    // Lone surrogates cannot be stored in tokenizer.json (not valid UTF-8); they become <unk>.
    .filter(([ch, count]) => count >= minCharFrequency && !isLoneSurrogate(ch))
    .map(([ch]) => ch);
  const room = vocabSize - SPECIAL_TOKENS.length;
  if (alphabet.length > room) {
    alphabet.sort(
      (a, b) => (charCounts.get(b) ?? 0) - (charCounts.get(a) ?? 0) || compareCodePoints(a, b),
    );
    alphabet = alphabet.slice(0, room);
  }
  alphabet.sort(compareCodePoints);

  const tokens: string[] = [...SPECIAL_TOKENS, ...alphabet];
  const tokenIds = new Map<string, number>(tokens.map((t, id) => [t, id]));
  const merges: Array<[string, string]> = [];

  // Words as symbol-id arrays; -1 marks a character outside the alphabet, which no pair spans.
  const words: number[][] = [];
  const wordCounts: number[] = [];
  for (const [word, count] of table) {
    const symbols: number[] = [];
    for (const ch of word) symbols.push(tokenIds.get(ch) ?? -1);
    words.push(symbols);
    wordCounts.push(count);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>(); // pair -> words that (may) contain it
  const addPair = (key: number, delta: number, word: number): void => {
    const count = (pairCounts.get(key) ?? 0) + delta;
    if (count === 0) pairCounts.delete(key);
    else pairCounts.set(key, count);
    if (delta > 0) {
      let set = pairWords.get(key);
      if (set === undefined) pairWords.set(key, (set = new Set()));
      set.add(word);
    }
  };
  words.forEach((symbols, w) => {
    const count = wordCounts[w] as number;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const a = symbols[i] as number;
      const b = symbols[i + 1] as number;
      if (a >= 0 && b >= 0) addPair(a * ID_SHIFT + b, count, w);
    }
  });

  const heap = new BinaryHeap<PairEntry>(
    (x, y) => x.count > y.count || (x.count === y.count && x.key < y.key),
  );
  for (const [key, count] of pairCounts) heap.push({ count, key });

  while (tokens.length < vocabSize) {
    if (options.signal?.aborted) {
      throw new AppError(ErrorCode.Cancelled, 'Tokenizer training was cancelled.');
    }
    const top = heap.pop();
    if (top === undefined) break;
    const actual = pairCounts.get(top.key) ?? 0;
    // Lazy deletion: counts of old pairs only fall, so a stale entry is re-queued at its
    // true count; an entry that is current is the true maximum.
    if (actual !== top.count) {
      if (actual > 0) heap.push({ count: actual, key: top.key });
      continue;
    }
    if (actual < minFrequency) break;

    const a = Math.floor(top.key / ID_SHIFT);
    const b = top.key - a * ID_SHIFT;
    const left = tokens[a] as string;
    const right = tokens[b] as string;
    const mergedText = left + right;
    let merged = tokenIds.get(mergedText);
    if (merged === undefined) {
      merged = tokens.length;
      tokens.push(mergedText);
      tokenIds.set(mergedText, merged);
    }
    merges.push([left, right]);

    const grown = new Set<number>();
    for (const w of pairWords.get(top.key) ?? []) {
      mergeInWord(words[w] as number[], a, b, merged, wordCounts[w] as number, (key, delta) => {
        addPair(key, delta, w);
        if (delta > 0) grown.add(key);
      });
    }
    pairCounts.delete(top.key);
    pairWords.delete(top.key);
    for (const key of grown) {
      const count = pairCounts.get(key);
      if (count !== undefined) heap.push({ count, key });
    }
    if (merges.length % PROGRESS_EVERY === 0) options.onProgress?.(tokens.length, vocabSize);
  }
  options.onProgress?.(tokens.length, vocabSize);
  return new BpeTokenizer({
    tokens,
    merges,
    normalization: first.normalization,
    punctuation: first.punctuation,
  });
}

/**
 * Replaces every non-overlapping (a, b), left to right, by `merged` in one word, reporting
 * the pair-count changes: the neighbours' pairs with a or b lose `count`, those with
 * `merged` gain it. The merged pair itself is dropped by the caller.
 */
function mergeInWord(
  symbols: number[],
  a: number,
  b: number,
  merged: number,
  count: number,
  change: (key: number, delta: number) => void,
): void {
  const length = symbols.length;
  let write = 0;
  let read = 0;
  while (read < length) {
    if (read + 1 < length && symbols[read] === a && symbols[read + 1] === b) {
      if (write > 0) {
        const before = symbols[write - 1] as number;
        if (before >= 0) {
          // `before` may already be `merged` (as in "a a a a"): then this undoes the
          // (merged, a) gained one step earlier, which is what the new word has.
          change(before * ID_SHIFT + a, -count);
          change(before * ID_SHIFT + merged, count);
        }
      }
      if (read + 2 < length) {
        const after = symbols[read + 2] as number;
        if (after >= 0) {
          change(b * ID_SHIFT + after, -count);
          change(merged * ID_SHIFT + after, count);
        }
      }
      symbols[write++] = merged;
      read += 2;
    } else {
      symbols[write++] = symbols[read++] as number;
    }
  }
  symbols.length = write;
}

/**
 * Trains a BPE tokenizer on texts (lines of a corpus). For streamed corpora use a
 * WordCounter and trainBpeFromCounts instead; this is that, for texts already in memory.
 */
export function trainBpe(
  texts: Iterable<string>,
  options: BpeTrainOptions & { normalization?: Normalization; punctuation?: PunctuationMode },
): BpeTokenizer {
  const counter = new WordCounter(options.normalization ?? 'none', options.punctuation);
  for (const text of texts) counter.add(text);
  return trainBpeFromCounts(counter, options);
}

/**
 * The tokenizers of a translation pair: one shared vocabulary trained on both sides (the
 * same instance returned twice; needed to tie source, target and output embeddings, paper
 * §3.4), or one per side, each with `vocabSize` tokens.
 */
export function trainTokenizerPair(
  source: WordCounter,
  target: WordCounter,
  options: BpeTrainOptions & { shared: boolean },
): { source: BpeTokenizer; target: BpeTokenizer } {
  if (options.shared) {
    const tokenizer = trainBpeFromCounts([source, target], options);
    return { source: tokenizer, target: tokenizer };
  }
  return {
    source: trainBpeFromCounts(source, options),
    target: trainBpeFromCounts(target, options),
  };
}

function isLoneSurrogate(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return ch.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

function compareCodePoints(x: string, y: string): number {
  return (x.codePointAt(0) ?? 0) - (y.codePointAt(0) ?? 0);
}
