/**
 * Import stage 6, statistics: a second pass over the stored training pairs, encoded with
 * the trained tokenizer(s), for each side's token counts, length histogram and most
 * frequent tokens (main/text/sideStats.ts).
 */
import type { SideStats } from '../../shared/types';
import type { WordCounter } from '../text/bpeTrainer';
import { SideStatsAccumulator } from '../text/sideStats';
import type { BpeTokenizer } from '../text/tokenizer';
import type { CorpusFileInfo } from './datasetsIO';
import { readPairBatches } from './readCorpus';
import type { TrainedTokenizers } from './trainBpe';

export interface TokenStatsOptions {
  signal?: AbortSignal | undefined;
  /** Pairs encoded so far, after each batch. */
  onPairs?: (pairs: number) => void;
}

/**
 * Statistics of both sides of the stored training pairs (`files`: the source and target
 * files, aligned). `words` are the counters the tokenizer was trained on: they know each
 * side's number of distinct words.
 */
export async function tokenStats(
  files: [CorpusFileInfo, CorpusFileInfo],
  tokenizers: TrainedTokenizers,
  langs: { src: string; tgt: string },
  words: { src: WordCounter; tgt: WordCounter },
  options: TokenStatsOptions = {},
): Promise<{ src: SideStats; tgt: SideStats }> {
  const src = new SideStatsAccumulator(langs.src);
  const tgt = new SideStatsAccumulator(langs.tgt);
  const plan = { format: 'aligned', files, columns: undefined, header: false } as const;
  let encoded = 0;
  for await (const [srcBatch, tgtBatch] of readPairBatches(plan, { signal: options.signal })) {
    for (let i = 0; i < srcBatch.length; i++) {
      src.addIds(tokenizers.source.encode(srcBatch[i]!));
      tgt.addIds(tokenizers.target.encode(tgtBatch[i]!));
    }
    encoded += srcBatch.length;
    options.onPairs?.(encoded);
  }
  const tokenName = (t: BpeTokenizer) => (id: number) => t.idToToken(id);
  return {
    src: src.finish(tokenName(tokenizers.source), words.src.size),
    tgt: tgt.finish(tokenName(tokenizers.target), words.tgt.size),
  };
}
