/**
 * What a full pass over dropped files found before they are imported: the import's own
 * reading, cleaning and split stages run to the end without writing anything, so a bad line
 * anywhere in the files shows in the preview, not only after Import.
 */
import type { ErrorData } from './errors';
import type { CleaningReport } from './types';

/** How many tokens the requested vocabulary can really have on this corpus. */
export interface VocabCheck {
  requested: number;
  /** Tokens BPE learns on this corpus (specials included), at most `requested`. */
  possible: number;
  /** With separate vocabularies: the target side's (the source side's is `possible`). */
  tgtPossible?: number;
}

export interface CorpusCheck {
  /** The first problem the import would stop at; the counts below are then absent. */
  problem?: ErrorData;
  cleaning?: CleaningReport;
  trainPairs?: number;
  validPairs?: number;
  /** Measured when the corpus is small enough to train its tokenizer in a moment. */
  vocab?: VocabCheck;
}
