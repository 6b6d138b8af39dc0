/**
 * Per-side statistics of a dataset's training split: token counts, a length histogram and
 * the most frequent tokens, accumulated one tokenised sentence at a time (the import's
 * statistics pass, main/importer/tokenStats.ts). Pure.
 */
import type { LengthHistogram, SideStats } from '../../shared/types';

/** Upper bounds (inclusive, in tokens) of the length histogram; a last bucket holds the rest. */
export const HISTOGRAM_BOUNDS: readonly number[] = [
  5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500,
];

/** How many most frequent tokens a side's stats keep. */
export const TOP_TOKENS = 50;

/**
 * Accumulates one side's statistics from tokenised sentences: token counts, a length
 * histogram and the most frequent tokens (an array indexed by id, bounded by the vocabulary).
 */
export class SideStatsAccumulator {
  private sentences = 0;
  private tokenTotal = 0;
  private longest = 0;
  private readonly counts: number[] = new Array<number>(HISTOGRAM_BOUNDS.length + 1).fill(0);
  /** Occurrences per token id: ids are dense and bounded by the vocabulary. */
  private readonly tokenCounts: number[] = [];

  constructor(readonly lang: string) {}

  /** Counts a tokenised sentence (token ids; their strings are looked up once, in `finish`). */
  addIds(ids: readonly number[]): void {
    const n = ids.length;
    this.sentences++;
    this.tokenTotal += n;
    if (n > this.longest) this.longest = n;
    let b = 0;
    while (b < HISTOGRAM_BOUNDS.length && n > HISTOGRAM_BOUNDS[b]!) b++;
    this.counts[b]!++;
    const tc = this.tokenCounts;
    for (const id of ids) {
      while (id >= tc.length) tc.push(0);
      tc[id]!++;
    }
  }

  /**
   * The finished statistics; `tokenOf` names a token id, `vocabulary` is the number of
   * distinct whitespace-separated words (the tokenizer's word counter already knows it).
   */
  finish(tokenOf: (id: number) => string, vocabulary: number): SideStats {
    const bounds = [...HISTOGRAM_BOUNDS];
    const counts = [...this.counts];
    // The last bucket is bounded by the longest sentence, so the JSON holds no Infinity.
    if (this.longest > HISTOGRAM_BOUNDS[HISTOGRAM_BOUNDS.length - 1]!) bounds.push(this.longest);
    else counts.pop();
    // Trim empty buckets at the long end: they only widen the chart.
    while (counts.length > 1 && counts[counts.length - 1] === 0) {
      counts.pop();
      bounds.pop();
    }
    const histogram: LengthHistogram = { bounds, counts };
    const topTokens = this.tokenCounts
      .map((count, id) => ({ id, count }))
      .filter((t) => t.count > 0)
      .sort((a, b) => b.count - a.count || a.id - b.id)
      .slice(0, TOP_TOKENS)
      .map(({ id, count }) => ({ token: tokenOf(id), count }));
    return {
      lang: this.lang,
      tokens: this.tokenTotal,
      vocabulary,
      meanLength: this.sentences === 0 ? 0 : this.tokenTotal / this.sentences,
      maxLength: this.longest,
      histogram,
      topTokens,
    };
  }
}
