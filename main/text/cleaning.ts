/**
 * Cleaning of sentence pairs, each rule with a count of what it dropped, plus the
 * 64-bit pair hash behind exact-duplicate removal and the seeded streaming split.
 * Memory stays bounded on millions of pairs: duplicates are remembered as 8-byte hashes
 * in a typed-array hash set, never as strings.
 */
import type { CleaningOptions, CleaningReport, LengthUnit } from '../../shared/types';

export type { CleaningOptions, LengthUnit };
/** The cleaning rules' defaults, declared with their ranges in shared/schema/importOptions.ts. */
export { DEFAULT_CLEANING } from '../../shared/schema/importOptions';

/** A cleaning report with all counts at zero. */
export function emptyCleaningReport(): CleaningReport {
  return {
    read: 0,
    kept: 0,
    droppedEmpty: 0,
    droppedTooShort: 0,
    droppedTooLong: 0,
    droppedRatio: 0,
    droppedDuplicate: 0,
    droppedIdentical: 0,
  };
}

const SPACE_LIKE = /[\t\n\v\f\r\u0085\u2028\u2029]| {2}/;

/**
 * Whitespace normalisation applied to every sentence before it is stored: line breaks
 * and tabs (possible inside quoted CSV fields or JSON strings) become spaces, because the
 * stored files are one sentence per line; runs of spaces collapse; ends are trimmed.
 */
export function normalizeSentence(s: string): string {
  if (SPACE_LIKE.test(s))
    s = s.replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, ' ').replace(/ {2,}/g, ' ');
  return s.trim();
}

/** Whitespace-separated words in a normalised sentence (single spaces, trimmed). */
export function countWords(s: string): number {
  if (s.length === 0) return 0;
  let n = 1;
  for (let i = s.indexOf(' '); i >= 0; i = s.indexOf(' ', i + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------
// 64-bit hashing

/**
 * A 64-bit hash of a string as two 32-bit halves (cyrb53's two lanes, kept at full
 * width). Not cryptographic; collisions among a million pairs have odds near 1e-8.
 */
export function hash64(s: string, seed = 0, out: Uint32Array = new Uint32Array(2)): Uint32Array {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h2 >>> 0;
  out[1] = h1 >>> 0;
  return out;
}

/** The hash of a pair: both sides with a separator that cannot occur in a normalised sentence. */
export function pairHash(src: string, tgt: string, out?: Uint32Array): Uint32Array {
  return hash64(`${src}\u0000${tgt}`, 0, out);
}

/**
 * A set of 64-bit hashes in one Uint32Array (open addressing, linear probing):
 * 8 bytes a slot at most half full, so 1,000,000 entries take about 16-32 MB.
 */
export class HashSet64 {
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1 << 16) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds a hash; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    // (0, 0) marks an empty slot, so that one hash value is nudged.
    if (hi === 0 && lo === 0) lo = 1;
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    return this.insert(this.table, this.mask, hi >>> 0, lo >>> 0);
  }

  private insert(table: Uint32Array, mask: number, hi: number, lo: number): boolean {
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const h = table[slot * 2]!;
      const l = table[slot * 2 + 1]!;
      if (h === 0 && l === 0) {
        table[slot * 2] = hi;
        table[slot * 2 + 1] = lo;
        if (table === this.table) this.count++;
        return true;
      }
      if (h === hi && l === lo) return false;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const table = new Uint32Array(slots * 2);
    const mask = slots - 1;
    for (let i = 0; i < old.length; i += 2) {
      const hi = old[i]!;
      const lo = old[i + 1]!;
      if (hi !== 0 || lo !== 0) this.insert(table, mask, hi, lo);
    }
    this.table = table;
    this.mask = mask;
  }
}

/**
 * The seeded train/validation decision for one pair, from its hash alone, so the split
 * streams (no shuffle of the whole corpus), is reproducible for a seed, and sends equal
 * pairs to the same side.
 */
export function isValidationPair(hash: Uint32Array, seed: number, fraction: number): boolean {
  if (fraction <= 0) return false;
  let h = (hash[0]! ^ Math.imul(seed | 0, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= hash[1]!;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 < fraction;
}

// ---------------------------------------------------------------------------
// The cleaner

function lengthOf(s: string, unit: LengthUnit): number {
  return unit === 'words' ? countWords(s) : s.length;
}

/**
 * Applies the cleaning rules in a fixed order (empty, too short, too long, ratio,
 * identical, duplicate) so each dropped pair is counted once, under its first reason.
 */
export class Cleaner {
  readonly report: CleaningReport = emptyCleaningReport();
  private readonly seen: HashSet64 | undefined;
  /** The hash of the last pair given to `keep`; valid after it returns. */
  readonly hash = new Uint32Array(2);

  constructor(private readonly options: CleaningOptions) {
    this.seen = options.dedupe ? new HashSet64() : undefined;
  }

  /** Counts a pair (already normalised) and says whether to keep it. */
  keep(src: string, tgt: string): boolean {
    const r = this.report;
    const o = this.options;
    r.read++;
    if (src.length === 0 || tgt.length === 0) {
      r.droppedEmpty++;
      return false;
    }
    const ls = lengthOf(src, o.lengthUnit);
    const lt = lengthOf(tgt, o.lengthUnit);
    if (ls < o.minLength || lt < o.minLength) {
      r.droppedTooShort++;
      return false;
    }
    if (ls > o.maxLength || lt > o.maxLength) {
      r.droppedTooLong++;
      return false;
    }
    if (o.maxRatio > 0 && Math.max(ls, lt) > o.maxRatio * Math.max(1, Math.min(ls, lt))) {
      r.droppedRatio++;
      return false;
    }
    if (o.dropIdentical && src === tgt) {
      r.droppedIdentical++;
      return false;
    }
    pairHash(src, tgt, this.hash);
    if (this.seen !== undefined && !this.seen.add(this.hash[0]!, this.hash[1]!)) {
      r.droppedDuplicate++;
      return false;
    }
    r.kept++;
    return true;
  }
}
