/** A labelled progress bar; `value` in 0..1, or undefined for an indeterminate bar. */
export function ProgressBar({
  value,
  label,
  testId,
}: {
  value: number | undefined;
  label: string;
  testId?: string;
}) {
  const pct = value === undefined ? undefined : Math.max(0, Math.min(1, value)) * 100;
  return (
    <div
      className={`progress${pct === undefined ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === undefined ? undefined : Math.round(pct)}
      data-testid={testId}
    >
      <div className="progress-fill" style={{ width: pct === undefined ? '30%' : `${pct}%` }} />
    </div>
  );
}
