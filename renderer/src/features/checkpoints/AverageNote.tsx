import type { CheckpointInfo } from '../../../../shared/types';
import { compareAverage, describeAverage } from '../../../../shared/averageComparison';
import { formatNum } from '../../lib/format';

/** "step 10 (valid loss 3.3, BLEU 1.20)" for each averaged checkpoint; "deleted" when it is gone. */
function sourceScores(avg: CheckpointInfo, list: readonly CheckpointInfo[]): string {
  const sources = compareAverage(avg, list)?.sources ?? [];
  return sources
    .map(({ step, checkpoint: c }) => {
      if (!c) return `step ${step} (deleted)`;
      const scores = [
        ...(c.validLoss !== undefined ? [`valid loss ${formatNum(c.validLoss, 4)}`] : []),
        ...(c.bleu !== undefined ? [`BLEU ${c.bleu.toFixed(2)}`] : []),
      ];
      return `step ${step}${scores.length > 0 ? ` (${scores.join(', ')})` : ' (no scores)'}`;
    })
    .join(', ');
}

/**
 * The line under an averaged checkpoint's row: the scores of the checkpoints it averages and
 * whether the average beats them ("did averaging help"), or why it has no scores.
 */
export function AverageNote({
  avg,
  list,
  columns,
  scoring,
}: {
  avg: CheckpointInfo;
  list: readonly CheckpointInfo[];
  /** Columns of the table: the note spans all but the first (the checkbox). */
  columns: number;
  /** An average is being made right now: an unscored one may be waiting for its scores. */
  scoring: boolean;
}) {
  const unscored = avg.validLoss === undefined && avg.bleu === undefined;
  const text =
    unscored && avg.scoreNote === undefined && scoring
      ? 'Computing its validation loss and BLEU (while a run trains, between its steps)…'
      : describeAverage(avg, list);
  return (
    <tr
      className="ckpt-average-note"
      data-testid="checkpoint-average-note"
      data-checkpoint-id={avg.id}
    >
      <td />
      <td colSpan={columns - 1} className="small muted">
        Averages {sourceScores(avg, list)}. {text}
      </td>
    </tr>
  );
}
