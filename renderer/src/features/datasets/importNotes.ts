/**
 * The sentences under the import preview that are worked out from data alone: what the
 * check of every line found, a vocabulary the corpus cannot fill, languages not set.
 */
import type { CorpusCheck } from '../../../../shared/corpusCheck';
import { formatInt } from '../../lib/format';

/** The sentence for a requested vocabulary larger than this corpus gives, or undefined. */
export function vocabShortfall(check: CorpusCheck | undefined): string | undefined {
  const v = check?.vocab;
  if (v === undefined) return undefined;
  const sides =
    v.tgtPossible === undefined
      ? `${formatInt(v.possible)} possible on this corpus`
      : `${formatInt(v.possible)} (source) and ${formatInt(v.tgtPossible)} (target) possible on this corpus`;
  if (v.possible >= v.requested && (v.tgtPossible ?? v.requested) >= v.requested) return undefined;
  return `Vocabulary: ${formatInt(v.requested)} requested, ${sides}. Byte-pair merges stop when no pair of symbols occurs twice; the dataset gets what is possible.`;
}

/** What the check found about the pairs, as one line (no problem case). */
export function checkSummary(check: CorpusCheck): string {
  const read = check.cleaning?.read ?? 0;
  const kept = check.cleaning?.kept ?? 0;
  return `Every line checked: ${formatInt(read)} pairs read, ${formatInt(kept)} kept after cleaning (${formatInt(check.trainPairs ?? 0)} training, ${formatInt(check.validPairs ?? 0)} validation).`;
}

/**
 * Said when a language is not set (e.g. a TSV without a header row): the dataset is then
 * saved as "src" / "tgt", and an empty box must not look filled.
 */
export function languageNote(srcLang: string, tgtLang: string): string | undefined {
  const src = srcLang.trim() || undefined;
  const tgt = tgtLang.trim() || undefined;
  if (src !== undefined && tgt !== undefined) return undefined;
  const which =
    src === undefined && tgt === undefined
      ? 'Neither language is known'
      : src === undefined
        ? 'The source language is not known'
        : 'The target language is not known';
  return `${which}: the dataset will be saved as "${src ?? 'src'} → ${tgt ?? 'tgt'}". Type codes such as en and de to name them.`;
}
