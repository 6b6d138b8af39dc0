// N-gram counting for BLEU and chrF with numeric keys.
//
// Counting n-grams as strings (what sacreBLEU does with Python tuples and Counter) spends
// most of its time allocating and hashing a new string per n-gram. Within one segment and
// its references the symbols (words or characters) are few, so each symbol gets a small
// integer id and an n-gram becomes the number id1*B^(n-1) + ... + idn, exact while
// B^n <= 2^53. Counts are identical to string counting; only the keys differ.

/** An n-gram key: a number when it fits exactly, else the ids joined by commas. */
export type NgramKey = number | string;

/** N-gram counts of one order. */
export type NgramCounts = Map<NgramKey, number>;

/** Gives each distinct symbol of one segment (hypothesis and references) an id from 1. */
export class SymbolIds {
  private readonly ids = new Map<string, number>();

  /** The ids of `symbols`, assigning new ids to symbols not seen before. */
  encode(symbols: readonly string[]): number[] {
    const out = new Array<number>(symbols.length);
    for (let i = 0; i < symbols.length; i++) {
      const s = symbols[i] as string;
      let id = this.ids.get(s);
      if (id === undefined) {
        id = this.ids.size + 1;
        this.ids.set(s, id);
      }
      out[i] = id;
    }
    return out;
  }

  /** The base that makes numeric keys unique: one more than the largest id. */
  get base(): number {
    return this.ids.size + 1;
  }
}

/**
 * Counts the n-grams of every order 1..maxOrder of a sequence of symbol ids.
 * @param ids symbol ids (from one SymbolIds, so keys agree across hypothesis and references)
 * @param maxOrder highest order
 * @param base SymbolIds.base after every sequence of the segment has been encoded
 * @returns one map per order, index 0 = unigrams
 */
export function countNgrams(ids: readonly number[], maxOrder: number, base: number): NgramCounts[] {
  const counts: NgramCounts[] = [];
  for (let n = 1; n <= maxOrder; n++) counts.push(new Map());
  const numeric = base ** maxOrder <= Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < ids.length; i++) {
    let key = 0;
    let text = '';
    const last = Math.min(maxOrder, ids.length - i);
    for (let n = 1; n <= last; n++) {
      const id = ids[i + n - 1] as number;
      let k: NgramKey;
      if (numeric) {
        key = key * base + id;
        k = key;
      } else {
        text = n === 1 ? String(id) : `${text},${id}`;
        k = text;
      }
      const c = counts[n - 1] as NgramCounts;
      c.set(k, (c.get(k) ?? 0) + 1);
    }
  }
  return counts;
}
