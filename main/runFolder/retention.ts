/**
 * Retention: which trained checkpoints a run keeps (the last N plus the best). Used by the
 * training job in the engine worker after every checkpoint; no tfjs here.
 */
import type { EarlyStoppingMetric } from '../../shared/types';
import { bestCheckpoint } from './checkpointSelection';
import { deleteCheckpoint, listCheckpoints } from './checkpointStore';

/**
 * Deletes trained checkpoints except the last `keepLast` and the best by `metric`.
 * Averaged checkpoints are made on request and are never deleted here. Each deletion is
 * atomic (rename to .trash- then remove). Returns the ids deleted.
 */
export async function applyRetention(
  runDir: string,
  opts: { keepLast: number; metric: EarlyStoppingMetric },
): Promise<string[]> {
  const trained = (await listCheckpoints(runDir)).filter((c) => c.averagedFrom === undefined);
  const keep = new Set(trained.slice(-Math.max(1, opts.keepLast)).map((c) => c.id));
  const best = bestCheckpoint(trained, opts.metric);
  if (best) keep.add(best.id);
  const deleted: string[] = [];
  for (const c of trained) {
    if (keep.has(c.id)) continue;
    await deleteCheckpoint(runDir, c.id);
    deleted.push(c.id);
  }
  return deleted;
}
