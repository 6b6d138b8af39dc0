/**
 * The outcome of the check of every line (store/corpusCheckSlice.ts) under the preview:
 * a progress bar while it reads, the pairs the import would keep, and a vocabulary that
 * the corpus cannot fill said in numbers.
 */
import { ErrorNote } from '../../components/Notice';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatInt } from '../../lib/format';
import { checkSummary, vocabShortfall } from './importNotes';
import { useStudio } from '../../store';

export function CorpusCheckNote() {
  const check = useStudio((s) => s.corpusCheck);
  if (check === undefined) return null;
  if (check.running) {
    const p = check.progress;
    return (
      <div className="corpus-check" data-testid="corpus-check">
        <ProgressBar
          value={p ? p.percent / 100 : undefined}
          label="Checking every line"
          testId="corpus-check-progress"
        />
        <p className="muted small">
          Checking every line as the import will
          {p
            ? ` · ${formatInt(p.lines)} lines · ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`
            : '…'}
        </p>
      </div>
    );
  }
  if (check.error !== undefined)
    return <ErrorNote testId="corpus-check-error">{check.error}</ErrorNote>;
  const result = check.result;
  if (result === undefined || result.problem !== undefined) return null;
  const shortfall = vocabShortfall(result);
  return (
    <div className="corpus-check" data-testid="corpus-check">
      <p className="ok-note" data-testid="corpus-check-summary">
        {checkSummary(result)}
      </p>
      {shortfall && (
        <p className="warn-note" data-testid="vocab-shortfall">
          {shortfall}
        </p>
      )}
    </div>
  );
}
