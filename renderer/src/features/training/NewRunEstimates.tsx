/**
 * Under the New run form: parameters and memory, the time a step and the run should take on
 * this backend (saying where the figure comes from), and intervals the run never reaches.
 */
import { countParameters } from '../../../../shared/config';
import type { BackendName, RunInfo, TrainConfig } from '../../../../shared/types';
import { formatBytes, formatCount, formatDuration } from '../../lib/format';
import { useStudio } from '../../store';
import type { RunSeries } from '../../store/trainingSlice';
import { estimateStepTime, intervalWarnings, type MeasuredRun } from './runEstimates';

/** Median of the last points' tokens/s: one slow step (a validation) does not skew it. */
function recentTokensPerSec(series: RunSeries | undefined): number | undefined {
  const last = (series?.train ?? []).slice(-20).map((p) => p.tokensPerSec);
  const sorted = last.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  return sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : undefined;
}

/** The newest run measured on `backend` (live progress, else its loaded metrics). */
export function measuredRunOn(
  backend: BackendName,
  runs: readonly RunInfo[],
  series: Record<string, RunSeries>,
  progress: Record<string, { tokensPerSec: number }>,
): MeasuredRun | undefined {
  const onBackend = runs
    .filter((r) => r.backend === backend && r.step > 0)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  for (const r of onBackend) {
    const tokensPerSec = recentTokensPerSec(series[r.id]) ?? progress[r.id]?.tokensPerSec;
    if (tokensPerSec !== undefined && tokensPerSec > 0)
      return { name: r.name, params: countParameters(r.model), tokensPerSec };
  }
  return undefined;
}

export function NewRunEstimates({
  params,
  bytes,
  train,
  valid,
}: {
  params: number;
  bytes: number;
  train: TrainConfig;
  valid: boolean;
}) {
  const backend = useStudio((s) => s.engineInfo?.backend);
  const runs = useStudio((s) => s.runs);
  const series = useStudio((s) => s.series);
  const progress = useStudio((s) => s.progress);
  const measured = backend ? measuredRunOn(backend, runs, series, progress) : undefined;
  const time =
    valid && backend && Number.isFinite(params)
      ? estimateStepTime(params, train, backend, measured)
      : undefined;
  const warnings = intervalWarnings(train);
  return (
    <>
      <p className="estimates">
        <span>
          Parameters <strong data-testid="estimate-params">{formatCount(params)}</strong>
        </span>
        <span>
          Training memory (fp32 weights, gradients, Adam state, activations){' '}
          <strong data-testid="estimate-memory">{formatBytes(bytes)}</strong>
        </span>
        {time && (
          <>
            <span>
              Per step{' '}
              <strong data-testid="estimate-step-time">
                {time.secondsPerStep < 1
                  ? `${Math.max(1, Math.round(time.secondsPerStep * 1000))} ms`
                  : formatDuration(time.secondsPerStep)}
              </strong>
            </span>
            <span>
              {train.minutes > 0 ? 'Time budget' : 'Total'}{' '}
              <strong data-testid="estimate-total-time">{formatDuration(time.totalSeconds)}</strong>
            </span>
          </>
        )}
      </p>
      {time && (
        <p className="muted small" data-testid="estimate-time-source">
          Time estimated {time.source}; validation and BLEU add to it.
        </p>
      )}
      {!backend && (
        <p className="muted small">The time estimate appears once the engine has started.</p>
      )}
      {warnings.length > 0 && (
        <ul className="warn-note" data-testid="interval-warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </>
  );
}
