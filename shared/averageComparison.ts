/**
 * "Did averaging help?": an averaged checkpoint's validation loss and BLEU set against the
 * best of the checkpoints it averages, from a run's checkpoint list. The Checkpoints screen
 * and `npm run checkpoints -- average` both say it with `describeAverage`.
 */
import type { CheckpointInfo } from './types';

/** One metric of the average against the best value among the averaged checkpoints. */
export interface MetricComparison {
  average: number;
  /** The best value among the averaged checkpoints (lowest loss, highest BLEU) and its step. */
  best: number;
  bestStep: number;
  /** average - best: negative is better for the loss, positive for BLEU. */
  delta: number;
  /** Whether the average beats every averaged checkpoint on this metric. */
  helped: boolean;
}

export interface AverageComparison {
  /** The averaged steps in order; `checkpoint` is absent for one deleted since. */
  sources: { step: number; checkpoint?: CheckpointInfo }[];
  validLoss?: MetricComparison;
  bleu?: MetricComparison;
}

function compare(
  average: number | undefined,
  sources: readonly CheckpointInfo[],
  value: (c: CheckpointInfo) => number | undefined,
  lowerIsBetter: boolean,
): MetricComparison | undefined {
  if (average === undefined || !Number.isFinite(average)) return undefined;
  let best: { value: number; step: number } | undefined;
  for (const c of sources) {
    const v = value(c);
    if (v === undefined || !Number.isFinite(v)) continue;
    if (best === undefined || (lowerIsBetter ? v < best.value : v > best.value)) {
      best = { value: v, step: c.step };
    }
  }
  if (best === undefined) return undefined;
  const delta = average - best.value;
  return {
    average,
    best: best.value,
    bestStep: best.step,
    delta,
    helped: lowerIsBetter ? delta < 0 : delta > 0,
  };
}

/**
 * The averaged checkpoints of `avg` found in `list` (trained ones, by step) and how the
 * average's scores compare with theirs. Undefined when `avg` is not an average.
 */
export function compareAverage(
  avg: CheckpointInfo,
  list: readonly CheckpointInfo[],
): AverageComparison | undefined {
  if (avg.averagedFrom === undefined) return undefined;
  const trained = list.filter((c) => c.averagedFrom === undefined);
  const sources = avg.averagedFrom.map((step) => {
    const checkpoint = trained.find((c) => c.step === step);
    return checkpoint === undefined ? { step } : { step, checkpoint };
  });
  const found = sources.flatMap((s) => (s.checkpoint ? [s.checkpoint] : []));
  const validLoss = compare(avg.validLoss, found, (c) => c.validLoss, true);
  const bleu = compare(avg.bleu, found, (c) => c.bleu, false);
  return {
    sources,
    ...(validLoss ? { validLoss } : {}),
    ...(bleu ? { bleu } : {}),
  };
}

function verdict(m: MetricComparison, digits: number): string {
  const a = m.average.toFixed(digits);
  const b = m.best.toFixed(digits);
  if (a === b) return `${a}, the same as the best averaged checkpoint (step ${m.bestStep})`;
  const side = m.delta < 0 ? 'lower' : 'higher';
  return `${a}, ${side} than the best averaged checkpoint's ${b} (step ${m.bestStep}): ${m.helped ? 'averaging helped' : 'averaging did not help'}`;
}

/**
 * One or two sentences on an average's scores against the checkpoints it averages, e.g.
 * "Validation loss 3.052, lower than the best averaged checkpoint's 3.120 (step 20):
 * averaging helped. BLEU 1.90, ...". An average without scores gets its `scoreNote`.
 */
export function describeAverage(avg: CheckpointInfo, list: readonly CheckpointInfo[]): string {
  if (avg.validLoss === undefined && avg.bleu === undefined) {
    // Averages made before they were scored have neither scores nor a note.
    return (
      avg.scoreNote ??
      `${avg.id} has no validation loss or BLEU: it was made before averages were scored; delete it and average again to score it.`
    );
  }
  const cmp = compareAverage(avg, list);
  const parts: string[] = [];
  if (avg.validLoss !== undefined) {
    parts.push(
      cmp?.validLoss
        ? `Validation loss ${verdict(cmp.validLoss, 3)}.`
        : `Validation loss ${avg.validLoss.toFixed(3)} (the averaged checkpoints have none to compare with).`,
    );
  }
  if (avg.bleu !== undefined) {
    const on = avg.bleuSentences === undefined ? '' : ` on ${avg.bleuSentences} sentences`;
    parts.push(
      cmp?.bleu
        ? `BLEU${on} ${verdict(cmp.bleu, 2)}.`
        : `BLEU${on} ${avg.bleu.toFixed(2)} (the averaged checkpoints have none to compare with).`,
    );
  }
  return parts.join(' ');
}
