/**
 * Which checkpoint "best" and "last" mean, on a list already read from disk. Pure: the
 * store (checkpointStore.ts) lists, this decides.
 */
import type { BestBy, CheckpointInfo, EarlyStoppingMetric } from '../../shared/types';

/** How a person names a checkpoint: a step (3000), an id (avg-2000-3000), best or last. */
export type CheckpointSelector = number | string;

/**
 * BLEU on fewer validation sentences than this does not rank checkpoints (unless it covers
 * the whole validation set): corpus BLEU on a 100-200 sentence sample moves by a point or
 * two between samples (Koehn 2004, bootstrap resampling), more than neighbouring checkpoints
 * differ early in training, so validation loss, computed on every validation pair, decides.
 * 500 is also the largest preset's sample, where that spread is about half as wide.
 */
export const STABLE_BLEU_SENTENCES = 500;

/**
 * Whether `c`'s BLEU is stable enough to rank by: on >= STABLE_BLEU_SENTENCES sentences or
 * on the whole validation set. A checkpoint written before the count was recorded keeps
 * ranking by its BLEU, as it did.
 */
export function hasStableBleu(c: CheckpointInfo): boolean {
  if (c.bleu === undefined || !Number.isFinite(c.bleu)) return false;
  if (c.bleuSentences === undefined) return true;
  return c.bleuWholeSet === true || c.bleuSentences >= STABLE_BLEU_SENTENCES;
}

/**
 * The metric that ranks `checkpoints` for a run whose setting is `metric`: BLEU only when
 * the setting asks for it and some checkpoint has stable BLEU, else validation loss.
 */
export function rankingMetric(
  checkpoints: readonly CheckpointInfo[],
  metric: EarlyStoppingMetric,
): EarlyStoppingMetric {
  return metric === 'bleu' && checkpoints.some(hasStableBleu) ? 'bleu' : 'valid_loss';
}

/**
 * The best checkpoint by the rankingMetric: highest stable BLEU, or lowest validation loss.
 * Returns undefined when no checkpoint has that metric.
 */
export function bestCheckpoint(
  checkpoints: readonly CheckpointInfo[],
  metric: EarlyStoppingMetric,
): CheckpointInfo | undefined {
  const byBleu = rankingMetric(checkpoints, metric) === 'bleu';
  const score = (c: CheckpointInfo): number | undefined =>
    byBleu ? (hasStableBleu(c) ? c.bleu : undefined) : c.validLoss;
  let best: CheckpointInfo | undefined;
  let bestScore: number | undefined;
  for (const c of checkpoints) {
    const v = score(c);
    if (v === undefined || !Number.isFinite(v)) continue;
    // Ties go to the later checkpoint: same quality, more training.
    if (bestScore === undefined || (byBleu ? v >= bestScore : v <= bestScore)) {
      best = c;
      bestScore = v;
    }
  }
  return best;
}

/** What picked `best` among `checkpoints`, as shown next to its star. */
export function bestByOf(
  checkpoints: readonly CheckpointInfo[],
  metric: EarlyStoppingMetric,
  best: CheckpointInfo,
): BestBy {
  const by = rankingMetric(checkpoints, metric);
  return by === 'bleu' && best.bleuSentences !== undefined
    ? { metric: by, sentences: best.bleuSentences }
    : { metric: by };
}

/** A short phrase for a BestBy: "BLEU on 500 sentences", "validation loss". */
export function describeBestBy(by: BestBy): string {
  if (by.metric === 'valid_loss') return 'validation loss';
  return by.sentences === undefined ? 'BLEU' : `BLEU on ${by.sentences} sentences`;
}

/**
 * Sets `best` (and `bestBy`) on exactly the best checkpoint (none when no metric is known).
 */
export function markBest(checkpoints: CheckpointInfo[], metric: EarlyStoppingMetric): void {
  const best = bestCheckpoint(checkpoints, metric);
  for (const c of checkpoints) {
    c.best = c === best;
    delete c.bestBy;
  }
  if (best) best.bestBy = bestByOf(checkpoints, metric, best);
}

/**
 * Picks from `checkpoints` (sorted oldest first, `best` marked): 'last' is the final
 * entry; 'best' the marked one, or the last with a `note` saying so when none has a score
 * yet; anything else the checkpoint with that id. Undefined when there is no such entry.
 */
export function selectCheckpoint(
  checkpoints: readonly CheckpointInfo[],
  selector: CheckpointSelector,
): { info: CheckpointInfo; note?: string } | undefined {
  const last = checkpoints[checkpoints.length - 1];
  if (last === undefined) return undefined;
  if (selector === 'last') return { info: last };
  if (selector === 'best') {
    const best = checkpoints.find((c) => c.best);
    return best !== undefined
      ? { info: best }
      : {
          info: last,
          note: `No checkpoint has a validation score yet; using the last (${last.id}).`,
        };
  }
  const found = checkpoints.find((c) => c.id === String(selector));
  return found === undefined ? undefined : { info: found };
}
