/**
 * A run's ending as run.json records it: the worker's end status and sentence, with the
 * best validation loss and BLEU and the tokens seen, found in the run's metrics. Pure; the run controller
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
  const seen = tokensSeen(records);
  if (seen !== undefined) end.tokensSeen = seen;
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

/**
 * Target tokens trained on: the sum of the training records' batch tokens (the log holds
 * each step once, a resume truncates what comes after its checkpoint). Undefined when no
 * record has them (runs logged before they were kept).
 */
export function tokensSeen(records: readonly MetricRecord[]): number | undefined {
  let sum = 0;
  let any = false;
  for (const r of records) {
    if (r.kind === 'train' && r.tokens !== undefined) {
      sum += r.tokens;
      any = true;
    }
  }
  return any ? sum : undefined;
}

/**
 * The training records with `tokensSeen`, the running sum of their batch tokens, for the
 * charts' tokens-seen axis; other records and logs without tokens pass unchanged.
 */
export function withTokensSeen(records: readonly MetricRecord[]): MetricRecord[] {
  let sum = 0;
  return records.map((r) => {
    if (r.kind !== 'train' || r.tokens === undefined) return r;
    sum += r.tokens;
    return { ...r, tokensSeen: sum };
  });
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
  if (end.tokensSeen !== undefined)
    parts.push(`${end.tokensSeen.toLocaleString('en-US')} target tokens seen.`);
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
