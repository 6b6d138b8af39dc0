/**
 * Which checkpoint "best" and "last" mean, on a list already read from disk. Pure: the
 * store (checkpointStore.ts) lists, this decides.
 */
import type { CheckpointInfo, EarlyStoppingMetric } from '../../shared/types';

/** How a person names a checkpoint: a step (3000), an id (avg-2000-3000), best or last. */
export type CheckpointSelector = number | string;

/**
 * The best checkpoint by `metric`: highest BLEU, or lowest validation loss. With 'bleu'
 * but no BLEU known anywhere, validation loss decides (BLEU may be switched off).
 * Returns undefined when no checkpoint has the metric.
 */
export function bestCheckpoint(
  checkpoints: readonly CheckpointInfo[],
  metric: EarlyStoppingMetric,
): CheckpointInfo | undefined {
  const byBleu = metric === 'bleu' && checkpoints.some((c) => c.bleu !== undefined);
  let best: CheckpointInfo | undefined;
  for (const c of checkpoints) {
    const v = byBleu ? c.bleu : c.validLoss;
    if (v === undefined || !Number.isFinite(v)) continue;
    const bv = best === undefined ? undefined : byBleu ? best.bleu : best.validLoss;
    // Ties go to the later checkpoint: same quality, more training.
    if (bv === undefined || (byBleu ? v >= bv : v <= bv)) best = c;
  }
  return best;
}

/** Sets `best` on exactly the best checkpoint (none when no metric is known). */
export function markBest(checkpoints: CheckpointInfo[], metric: EarlyStoppingMetric): void {
  const best = bestCheckpoint(checkpoints, metric);
  for (const c of checkpoints) c.best = c === best;
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
