// Subword BPE tokenizer (Sennrich et al. 2016, as used in "Attention Is All You Need" §5.1).
// The encoder is ours; the file format is Hugging Face's tokenizer.json, and encode() gives
// the same ids as the `tokenizers` package on that file (tokenizer.test.ts checks it).
//
// Round trip: decode(encode(s)) === s for text whose characters are in the vocabulary,
// including repeated, interior and trailing spaces, punctuation, case and any Unicode,
// with three documented exceptions that come from the Metaspace format itself:
//   - leading spaces: the first one is dropped (" a" encodes like "a");
//   - a literal "▁" (U+2581) in the text comes back as a space;
//   - literal special-token strings ("<s>", ...) become those tokens, which decode skips.

import { AppError, ErrorCode } from '../../shared/errors';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID } from '../../shared/specialTokens';
import { BinaryHeap } from './binaryHeap';
import { METASPACE, SPECIAL_TOKENS, preTokenizeWords, splitOnSpecialTokens } from './preTokenize';
import type { Normalization, PunctuationMode } from './preTokenize';
import { METASPACE_JSON, preTokenizerJson, readPreTokenizer } from './preTokenizerJson';

export { METASPACE, SPECIAL_TOKENS } from './preTokenize';
export type { Normalization, PunctuationMode } from './preTokenize';
/** The special tokens' ids (shared/specialTokens.ts): `<pad>`, `<s>`, `</s>`, `<unk>`. */
export { BOS_ID, EOS_ID, PAD_ID, UNK_ID };

/** Everything a BPE tokenizer is: tokens in id order (specials first) and ranked merges. */
export interface BpeModel {
  /** Token strings; index = id. The first four are SPECIAL_TOKENS. */
  tokens: readonly string[];
  /** Merges in priority order: rank 0 is applied first. Both parts and their concatenation are tokens. */
  merges: ReadonlyArray<readonly [string, string]>;
  /** Unicode normalization applied to input text before pre-tokenization. */
  normalization: Normalization;
  /** Punctuation split off words ('isolated') or kept in them ('attached', the default: older files). */
  punctuation?: PunctuationMode;
}

// Pair keys pack two ids into one safe integer; heap keys pack (rank, position) likewise,
// so the hot loops allocate no objects. Limits: 4M tokens, 256M merges, 16M-char words.
const ID_SHIFT = 2 ** 22;
const POS_SHIFT = 2 ** 24;
const MAX_RANK = 2 ** 28;
// Bounded so a long-running app encoding many texts does not grow without limit.
const CACHE_LIMIT = 100_000;

/**
 * A trained BPE tokenizer. Build one with `trainBpe` / `trainBpeFromCounts`
 * (bpeTrainer.ts) or load one with `BpeTokenizer.fromJSON`.
 */
export class BpeTokenizer {
  readonly normalization: Normalization;
  readonly punctuation: PunctuationMode;
  private readonly idToTokenTable: readonly string[];
  private readonly tokenToIdMap: Map<string, number>;
  private readonly mergeList: ReadonlyArray<readonly [string, string]>;
  private readonly mergeRank = new Map<number, number>(); // pairKey -> rank
  private readonly mergeResult: Int32Array; // rank -> id of the merged token
  private readonly cache = new Map<string, readonly number[]>();

  /** Throws AppError(InvalidArgument) if the model is inconsistent. */
  constructor(model: BpeModel) {
    const { tokens, merges } = model;
    SPECIAL_TOKENS.forEach((special, id) => {
      if (tokens[id] !== special) {
        throw invalid(
          ErrorCode.InvalidArgument,
          `token ${id} must be "${special}" but is ${JSON.stringify(tokens[id])}`,
        );
      }
    });
    if (tokens.length >= ID_SHIFT) {
      throw invalid(ErrorCode.InvalidArgument, `${tokens.length} tokens is over the limit`);
    }
    if (merges.length >= MAX_RANK) {
      throw invalid(ErrorCode.InvalidArgument, `${merges.length} merges is over the limit`);
    }
    this.normalization = model.normalization;
    this.punctuation = model.punctuation ?? 'attached';
    this.idToTokenTable = [...tokens];
    this.tokenToIdMap = new Map();
    tokens.forEach((token, id) => {
      if (this.tokenToIdMap.has(token)) {
        throw invalid(ErrorCode.InvalidArgument, `token ${JSON.stringify(token)} appears twice`);
      }
      this.tokenToIdMap.set(token, id);
    });
    this.mergeList = merges.map(([a, b]) => [a, b] as const);
    this.mergeResult = new Int32Array(merges.length);
    merges.forEach(([a, b], rank) => {
      const left = this.tokenToIdMap.get(a);
      const right = this.tokenToIdMap.get(b);
      const merged = this.tokenToIdMap.get(a + b);
      if (left === undefined || right === undefined || merged === undefined) {
        throw invalid(
          ErrorCode.InvalidArgument,
          `merge ${rank} (${JSON.stringify(a)}, ${JSON.stringify(b)}) uses a token that is not in the vocabulary`,
        );
      }
      const key = left * ID_SHIFT + right;
      // A pair listed twice keeps its last rank, as `tokenizers` (a HashMap collect) does.
      this.mergeRank.set(key, rank);
      this.mergeResult[rank] = merged;
    });
  }

  /** Number of tokens including the four specials; the model's embedding rows. */
  get vocabSize(): number {
    return this.idToTokenTable.length;
  }

  /** The merges in rank order (rank 0 first), as [left, right] token strings. */
  get merges(): ReadonlyArray<readonly [string, string]> {
    return this.mergeList;
  }

  /** The token string of an id, e.g. "▁Hund" or "<s>". Throws for an id outside the vocabulary. */
  idToToken(id: number): string {
    const token = this.idToTokenTable[id];
    if (token === undefined) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `Token id ${id} is outside the vocabulary (0..${this.vocabSize - 1}).`,
      );
    }
    return token;
  }

  /** The id of a token string, or undefined if it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.tokenToIdMap.get(token);
  }

  /**
   * Encodes text to ids without adding `<s>` or `</s>` (the caller adds them where the
   * model needs them). Characters not in the vocabulary become `<unk>` (one per character).
   */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const part of splitOnSpecialTokens(text)) {
      if (typeof part === 'number') {
        ids.push(part);
        continue;
      }
      for (const word of preTokenizeWords(part, this.normalization, this.punctuation)) {
        for (const id of this.encodeWord(word)) ids.push(id);
      }
    }
    return ids;
  }

  /** The token strings of encode(text), for display (e.g. the attention view). */
  tokens(text: string): string[] {
    return this.encode(text).map((id) => this.idToToken(id));
  }

  /**
   * Decodes ids to text, skipping the special tokens (`<pad> <s> </s> <unk>`), as
   * `tokenizers`' decode(ids, skipSpecialTokens=true) does: "▁" becomes a space, and the
   * "▁" that encoding prepended to the first word is dropped.
   */
  decode(ids: readonly number[]): string {
    let out = '';
    let first = true;
    for (const id of ids) {
      if (id >= 0 && id < SPECIAL_TOKENS.length) continue;
      const token = this.idToToken(id);
      // Tokens only carry "▁" at their start, so for the first one this drops exactly the
      // marker that encoding prepended; written as `tokenizers`' Metaspace decoder does it.
      out += first ? token.replaceAll(METASPACE, '') : token.replaceAll(METASPACE, ' ');
      first = false;
    }
    return out;
  }

  /**
   * The Hugging Face tokenizer.json text (model BPE, Metaspace pre-tokenizer and decoder, and
   * for punctuation 'isolated' the Punctuation pre-tokenizer after Metaspace).
   */
  toJSON(): string {
    const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
    this.idToTokenTable.forEach((token, id) => {
      vocab[token] = id;
    });
    const file = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL_TOKENS.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: this.normalization === 'NFC' ? { type: 'NFC' } : null,
      pre_tokenizer: preTokenizerJson(this.punctuation),
      post_processor: null,
      decoder: METASPACE_JSON,
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: SPECIAL_TOKENS[UNK_ID],
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: this.mergeList,
      },
    };
    return JSON.stringify(file);
  }

  /**
   * Loads a tokenizer.json written by toJSON (or an equivalent one from `tokenizers`).
   * Throws AppError(CheckpointInvalid) naming the problem when the text is not such a file,
   * or uses options this encoder does not reproduce (byte fallback, subword prefixes, ...).
   */
  static fromJSON(text: string): BpeTokenizer {
    let file: unknown;
    try {
      file = JSON.parse(text);
    } catch (err) {
      throw invalid(ErrorCode.CheckpointInvalid, `it is not JSON (${(err as Error).message})`);
    }
    if (!isObject(file)) throw invalid(ErrorCode.CheckpointInvalid, 'it is not a JSON object');
    const model = file['model'];
    if (!isObject(model) || model['type'] !== 'BPE') {
      throw invalid(ErrorCode.CheckpointInvalid, 'its "model" is not of type "BPE"');
    }
    for (const [key, expected] of [
      ['continuing_subword_prefix', null],
      ['end_of_word_suffix', null],
      ['byte_fallback', false],
      ['fuse_unk', false],
      ['ignore_merges', false],
    ] as const) {
      if (model[key] !== undefined && model[key] !== expected) {
        throw invalid(ErrorCode.CheckpointInvalid, `model.${key} must be ${expected}`);
      }
    }
    if (model['dropout'] !== undefined && model['dropout'] !== null && model['dropout'] !== 0) {
      throw invalid(ErrorCode.CheckpointInvalid, 'model.dropout must be null');
    }
    if (model['unk_token'] !== SPECIAL_TOKENS[UNK_ID]) {
      throw invalid(
        ErrorCode.CheckpointInvalid,
        `model.unk_token must be "${SPECIAL_TOKENS[UNK_ID]}"`,
      );
    }
    const normalizer = file['normalizer'];
    let normalization: Normalization;
    if (normalizer === null || normalizer === undefined) normalization = 'none';
    else if (isObject(normalizer) && normalizer['type'] === 'NFC') normalization = 'NFC';
    else throw invalid(ErrorCode.CheckpointInvalid, 'its normalizer must be null or NFC');
    const punctuation = readPreTokenizer(file['pre_tokenizer']);
    if (typeof punctuation === 'object') {
      throw invalid(ErrorCode.CheckpointInvalid, punctuation.problem);
    }
    if (file['post_processor'] !== null && file['post_processor'] !== undefined) {
      throw invalid(ErrorCode.CheckpointInvalid, 'its post_processor must be null');
    }

    const vocab = model['vocab'];
    if (!isObject(vocab))
      throw invalid(ErrorCode.CheckpointInvalid, 'model.vocab is not an object');
    const entries = Object.entries(vocab);
    const tokens = new Array<string | undefined>(entries.length).fill(undefined);
    for (const [token, id] of entries) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= entries.length) {
        throw invalid(
          ErrorCode.CheckpointInvalid,
          `model.vocab gives ${JSON.stringify(token)} the id ${JSON.stringify(id)}; ids must be 0..${entries.length - 1}`,
        );
      }
      if (tokens[id] !== undefined) {
        throw invalid(ErrorCode.CheckpointInvalid, `model.vocab uses id ${id} twice`);
      }
      tokens[id] = token;
    }
    const merges = model['merges'];
    if (!Array.isArray(merges))
      throw invalid(ErrorCode.CheckpointInvalid, 'model.merges is not an array');
    const pairs = merges.map((merge: unknown, rank): [string, string] => {
      // Newer files store [left, right]; older ones "left right".
      if (Array.isArray(merge) && merge.length === 2 && merge.every((s) => typeof s === 'string')) {
        return [merge[0] as string, merge[1] as string];
      }
      if (typeof merge === 'string') {
        const space = merge.indexOf(' ');
        if (space > 0) return [merge.slice(0, space), merge.slice(space + 1)];
      }
      throw invalid(ErrorCode.CheckpointInvalid, `model.merges[${rank}] is not a pair of tokens`);
    });
    try {
      return new BpeTokenizer({
        tokens: tokens as string[],
        merges: pairs,
        normalization,
        punctuation,
      });
    } catch (err) {
      if (err instanceof AppError) throw new AppError(ErrorCode.CheckpointInvalid, err.message);
      throw err;
    }
  }

  /** Ids of one pre-tokenized word, cached: corpora repeat the same words many times. */
  private encodeWord(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const ids = this.mergeWord(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  /**
   * Applies the merges to one word. A port of `tokenizers`' Word::merge_all (a heap of
   * candidate merges ordered by rank, then position; stale entries skipped) rather than
   * the textbook loop, so that even corner cases give the same ids.
   */
  private mergeWord(word: string): number[] {
    const symbols: number[] = [];
    for (const ch of word) symbols.push(this.tokenToIdMap.get(ch) ?? UNK_ID);
    const n = symbols.length;
    if (n < 2) return symbols;
    const prev = new Int32Array(n);
    const next = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    const queue = new BinaryHeap<number>((a, b) => a < b); // rank * POS_SHIFT + pos
    const rankOf = (left: number, right: number): number | undefined =>
      this.mergeRank.get(left * ID_SHIFT + right);
    for (let i = 0; i + 1 < n; i++) {
      const rank = rankOf(symbols[i] as number, symbols[i + 1] as number);
      if (rank !== undefined) queue.push(rank * POS_SHIFT + i);
    }
    for (;;) {
      const top = queue.pop();
      if (top === undefined) break;
      const pos = top % POS_SHIFT;
      const rank = (top - pos) / POS_SHIFT;
      const right = next[pos] as number;
      if (alive[pos] === 0 || right < 0) continue;
      const newId = this.mergeResult[rank] as number;
      // Stale entry: the pair at pos changed since it was queued.
      const current = rankOf(symbols[pos] as number, symbols[right] as number);
      if (current === undefined || this.mergeResult[current] !== newId) continue;
      symbols[pos] = newId;
      alive[right] = 0;
      const after = next[right] as number;
      next[pos] = after;
      if (after >= 0) prev[after] = pos;
      const before = prev[pos] as number;
      if (before >= 0) {
        const r = rankOf(symbols[before] as number, newId);
        if (r !== undefined) queue.push(r * POS_SHIFT + before);
      }
      if (after >= 0) {
        const r = rankOf(newId, symbols[after] as number);
        if (r !== undefined) queue.push(r * POS_SHIFT + pos);
      }
    }
    const ids: number[] = [];
    for (let i = 0; i >= 0; i = next[i] as number) ids.push(symbols[i] as number);
    return ids;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(code: ErrorCode, problem: string): AppError {
  return new AppError(
    code,
    code === ErrorCode.CheckpointInvalid
      ? `The tokenizer file cannot be loaded: ${problem}. Retrain the tokenizer or re-import the dataset.`
      : `The tokenizer model is inconsistent: ${problem}.`,
  );
}
