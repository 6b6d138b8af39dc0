import { describe, expect, it } from 'vitest';
import { SymbolIds, countNgrams } from './ngrams';

/** Reference implementation: string keys, as sacreBLEU counts them. */
function naive(tokens: string[], maxOrder: number): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const k = tokens.slice(i, i + n).join(' ');
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
}

function sortedCounts(m: Map<unknown, number>): number[] {
  return [...m.values()].sort((a, b) => a - b);
}

describe('countNgrams', () => {
  const tokens = 'a b a b a c a b a b a b c c a'.split(' ');

  it('counts like string keys, with numeric keys', () => {
    const ids = new SymbolIds();
    const encoded = ids.encode(tokens);
    const ours = countNgrams(encoded, 4, ids.base);
    naive(tokens, 4).forEach((m, i) => {
      expect(typeof [...(ours[i]?.keys() ?? [])][0]).toBe('number');
      expect(sortedCounts(ours[i] ?? new Map())).toEqual(sortedCounts(m));
    });
  });

  it('falls back to string keys when base^order exceeds 2^53, with the same counts', () => {
    const ids = new SymbolIds();
    const encoded = ids.encode(tokens);
    const ours = countNgrams(encoded, 4, 1e5); // 1e20 > 2^53
    naive(tokens, 4).forEach((m, i) => {
      expect(typeof [...(ours[i]?.keys() ?? [])][0]).toBe('string');
      expect(sortedCounts(ours[i] ?? new Map())).toEqual(sortedCounts(m));
    });
  });

  it('gives the same key to the same n-gram in two sequences of one segment', () => {
    const ids = new SymbolIds();
    const x = ids.encode(['the', 'dog', 'bit']);
    const y = ids.encode(['a', 'dog', 'bit', 'the', 'dog']);
    const [, bx] = countNgrams(x, 2, ids.base);
    const [, by] = countNgrams(y, 2, ids.base);
    const shared = [...(bx?.keys() ?? [])].filter((k) => by?.has(k));
    expect(shared).toHaveLength(2); // "the dog", "dog bit"
  });
});
