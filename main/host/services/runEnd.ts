/**
 * A run's ending as run.json records it: the worker's end status and sentence, with the
 * best validation loss and BLEU found in the run's metrics. Pure; the run controller
 * gathers the inputs and the runs service stores the result.
 */
import type { MetricRecord, RunEnd, RunEndKind } from '../../../shared/types';

/** What the engine said when a session ended. */
export interface EndReport {
  kind: RunEndKind;
  step: number;
  /** The worker's sentence, or the error message of a failure. */
  reason: string;
  elapsedSeconds?: number;
}

/**
 * The RunEnd for `report`, with the lowest validation loss and the highest BLEU of
 * `records` (ties to the earlier step: the first time that score was reached).
 */
export function runEndOf(
  report: EndReport,
  records: readonly MetricRecord[],
  now = new Date(),
): RunEnd {
  const end: RunEnd = {
    kind: report.kind,
    reason: report.reason,
    step: report.step,
    time: now.toISOString(),
  };
  if (report.elapsedSeconds !== undefined) end.elapsedSeconds = report.elapsedSeconds;
  for (const r of records) {
    if (r.kind === 'valid' && Number.isFinite(r.loss)) {
      if (end.bestValidLoss === undefined || r.loss < end.bestValidLoss.value)
        end.bestValidLoss = { value: r.loss, step: r.step };
    } else if (r.kind === 'bleu' && Number.isFinite(r.bleu)) {
      if (end.bestBleu === undefined || r.bleu > end.bestBleu.value)
        end.bestBleu = { value: r.bleu, step: r.step, sentences: r.samples };
    }
  }
  return end;
}

/** The end as one line for a terminal: how, why, how long, best scores. */
export function describeRunEnd(end: RunEnd): string {
  const how: Record<RunEndKind, string> = {
    finished: 'Finished',
    stopped: 'Stopped by you',
    early_stopped: 'Stopped early',
    failed: 'Failed',
  };
  const parts = [`${how[end.kind]} at step ${end.step}: ${end.reason}`];
  if (end.elapsedSeconds !== undefined) parts.push(`Trained ${end.elapsedSeconds} s.`);
  if (end.bestValidLoss)
    parts.push(
      `Best validation loss ${end.bestValidLoss.value.toFixed(3)} (step ${end.bestValidLoss.step}).`,
    );
  if (end.bestBleu)
    parts.push(
      `Best BLEU ${end.bestBleu.value.toFixed(2)} on ${end.bestBleu.sentences} sentences (step ${end.bestBleu.step}).`,
    );
  return parts.join(' ');
}
