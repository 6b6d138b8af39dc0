import type { CorpusFormat } from '../../../../shared/types';
import { ProgressBar } from '../../components/ProgressBar';
import { ErrorNote } from '../../components/Notice';
import { formatBytes, formatInt } from '../../lib/format';
import { useStudio } from '../../store';
import { CorpusCheckNote } from './CorpusCheckNote';
import { ImportOptionsForm, importFormIssues } from './ImportOptionsForm';

const FORMAT_LABEL: Record<CorpusFormat, string> = {
  aligned: 'two aligned text files',
  tsv: 'TSV (tab-separated)',
  csv: 'CSV (comma-separated)',
  jsonl: 'JSONL (one JSON object per line)',
};

/** The preview of the files waiting to be imported, the import options and the import itself. */
export function ImportPanel() {
  const names = useStudio((s) => s.pendingNames);
  const preview = useStudio((s) => s.preview);
  const loading = useStudio((s) => s.previewLoading);
  const form = useStudio((s) => s.importForm);
  const clearPending = useStudio((s) => s.clearPending);
  const imp = useStudio((s) => s.importState);
  const checkProblem = useStudio((s) => s.corpusCheck?.result?.problem);

  const running = imp?.running ?? false;
  // The check of every line names a problem past the lines the preview read.
  const problems = [...(preview?.problems ?? []), ...(checkProblem ? [checkProblem] : [])];
  const formIssues = importFormIssues(form, preview?.columns?.columns ?? []);
  const canImport =
    !!preview && problems.length === 0 && !running && !loading && formIssues.length === 0;
  const p = imp?.progress;

  return (
    <section className="panel" aria-labelledby="import-title" data-testid="import-panel">
      <div className="panel-head">
        <h2 id="import-title">Import {names.join(' + ')}</h2>
        <button
          type="button"
          className="btn ghost small"
          onClick={clearPending}
          disabled={running}
          data-testid="import-discard"
        >
          Discard
        </button>
      </div>
      {loading && <p className="muted">Reading the first lines…</p>}
      {preview && (
        <>
          <p data-testid="preview-format">
            Format: <strong>{FORMAT_LABEL[preview.format]}</strong>
            <span className="muted">
              {' '}
              ·{' '}
              {preview.files
                .map((f) => `${f.name} (${formatBytes(f.bytes)}${f.gzip ? ', gzip' : ''})`)
                .join(', ')}
            </span>
          </p>
          {problems.length > 0 && (
            <div className="problems" role="alert" data-testid="preview-problems">
              <strong>
                {problems.length === 1 ? 'A problem' : `${problems.length} problems`} found; the
                import would stop here:
              </strong>
              <ul>
                {problems.map((pr, i) => (
                  <li key={i} data-testid="preview-problem">
                    {pr.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {preview.pairs.length > 0 ? (
            <div className="table-wrap preview-table">
              <table data-testid="preview-table">
                <caption className="muted small">First {preview.pairs.length} pairs</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Source{form.srcLang ? ` (${form.srcLang})` : ''}</th>
                    <th scope="col">Target{form.tgtLang ? ` (${form.tgtLang})` : ''}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.pairs.map((pair, i) => (
                    <tr key={i}>
                      <td className="num muted">{i + 1}</td>
                      <td>{pair.src}</td>
                      <td>{pair.tgt}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No pairs could be read from these files.</p>
          )}
          <CorpusCheckNote />

          <ImportOptionsForm preview={preview} canImport={canImport} running={running} />
        </>
      )}
      {imp && (imp.running || imp.error) && (
        <div className="import-status" data-testid="import-status">
          {imp.running && (
            <>
              <ProgressBar
                value={p ? p.percent / 100 : undefined}
                label="Import progress"
                testId="import-progress"
              />
              <p className="muted small" data-testid="import-phase">
                {p
                  ? `${p.phase} · ${formatInt(p.lines)} lines · ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)} · ${Math.round(p.percent)}%`
                  : 'Starting…'}
              </p>
            </>
          )}
          <ErrorNote testId="import-error">{imp.error}</ErrorNote>
        </div>
      )}
    </section>
  );
}
