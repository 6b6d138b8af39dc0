import type { RunEnd, RunEndKind } from '../../../../shared/types';
import { formatCount, formatDuration, formatInt, formatNum } from '../../lib/format';

/** How each ending reads as the note's heading. */
const END_LABEL: Record<RunEndKind, string> = {
  finished: 'Finished',
  stopped: 'Stopped by you',
  early_stopped: 'Stopped early',
  failed: 'Failed',
};

/**
 * How a run's last session ended (issue 14): finished, stopped by you, stopped early with
 * the metric and patience, or failed; with its time, tokens seen and best validation loss and BLEU.
 */
export function RunEndNote({ end }: { end: RunEnd }) {
  return (
    <p className="muted small" data-testid="run-end" data-end-kind={end.kind}>
      <strong>{END_LABEL[end.kind]}</strong> at step {formatInt(end.step)}
      {end.kind === 'failed' ? '.' : ` — ${end.reason}`}
      {end.elapsedSeconds !== undefined && <> Trained {formatDuration(end.elapsedSeconds)}.</>}
      {end.tokensSeen !== undefined && (
        <>
          {' '}
          <span data-testid="run-end-tokens">
            {formatCount(end.tokensSeen)} target tokens seen.
          </span>
        </>
      )}
      {end.bestValidLoss && (
        <>
          {' '}
          Best validation loss <strong>{formatNum(end.bestValidLoss.value, 3)}</strong> (step{' '}
          {formatInt(end.bestValidLoss.step)}).
        </>
      )}
      {end.bestBleu && (
        <>
          {' '}
          Best BLEU <strong>{formatNum(end.bestBleu.value, 2)}</strong> on{' '}
          {formatInt(end.bestBleu.sentences)} sentences (step {formatInt(end.bestBleu.step)}).
        </>
      )}
    </p>
  );
}
