import type { ColumnRef, CorpusFormat } from '../../../../shared/types';
import { ProgressBar } from '../../components/ProgressBar';
import { ErrorNote } from '../../components/Notice';
import { formatBytes, formatInt } from '../../lib/format';
import { useStudio } from '../../store';

const FORMAT_LABEL: Record<CorpusFormat, string> = {
  aligned: 'two aligned text files',
  tsv: 'TSV (tab-separated)',
  csv: 'CSV (comma-separated)',
  jsonl: 'JSONL (one JSON object per line)',
};

function refKey(ref: ColumnRef | undefined): string {
  return ref === undefined ? '' : typeof ref === 'number' ? `#${ref}` : `.${ref}`;
}
function parseRef(key: string): ColumnRef {
  return key.startsWith('#') ? Number(key.slice(1)) : key.slice(1);
}

function num(v: string): number {
  return v.trim() === '' ? NaN : Number(v);
}

/** The preview of the files waiting to be imported, the import options and the import itself. */
export function ImportPanel() {
  const names = useStudio((s) => s.pendingNames);
  const preview = useStudio((s) => s.preview);
  const loading = useStudio((s) => s.previewLoading);
  const form = useStudio((s) => s.importForm);
  const setForm = useStudio((s) => s.setImportForm);
  const clearPending = useStudio((s) => s.clearPending);
  const startImport = useStudio((s) => s.startImport);
  const cancelImport = useStudio((s) => s.cancelImport);
  const imp = useStudio((s) => s.importState);

  const running = imp?.running ?? false;
  const columns = preview?.columns?.columns ?? [];
  const problems = preview?.problems ?? [];
  const cleaning = form.cleaning;
  const formIssues: string[] = [];
  if (!Number.isInteger(form.vocabSize) || form.vocabSize < 8 || form.vocabSize > 200000)
    formIssues.push('The vocabulary size must be a whole number between 8 and 200,000.');
  if (!(form.validFraction >= 0 && form.validFraction <= 0.5))
    formIssues.push('The validation fraction must be between 0 and 0.5.');
  if (!Number.isInteger(form.validSeed)) formIssues.push('The split seed must be a whole number.');
  if (!Number.isInteger(cleaning.minLength) || cleaning.minLength < 0)
    formIssues.push('The minimum length must be a whole number of at least 0.');
  if (!Number.isInteger(cleaning.maxLength) || cleaning.maxLength < 1)
    formIssues.push('The maximum length must be a whole number of at least 1.');
  if (!(cleaning.maxRatio >= 1)) formIssues.push('The maximum length ratio must be at least 1.');
  if (columns.length > 0 && form.columns && refKey(form.columns.src) === refKey(form.columns.tgt))
    formIssues.push('Pick two different columns for the source and the target.');

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

          <form
            noValidate
            className="options"
            onSubmit={(e) => {
              e.preventDefault();
              if (canImport) void startImport();
            }}
          >
            <fieldset disabled={running}>
              <legend>Reading</legend>
              <div className="grid">
                <label>
                  Format
                  <select
                    value={form.format ?? preview.format}
                    data-testid="opt-format"
                    onChange={(e) =>
                      setForm(
                        {
                          format: e.target.value as CorpusFormat,
                          columns: undefined,
                          header: undefined,
                        },
                        true,
                      )
                    }
                  >
                    {(Object.keys(FORMAT_LABEL) as CorpusFormat[]).map((f) => (
                      <option key={f} value={f}>
                        {f}
                      </option>
                    ))}
                  </select>
                </label>
                {columns.length > 0 && (
                  <>
                    <label>
                      Source column
                      <select
                        value={refKey(form.columns?.src)}
                        data-testid="opt-src-column"
                        onChange={(e) =>
                          setForm(
                            {
                              columns: {
                                src: parseRef(e.target.value),
                                tgt: form.columns?.tgt ?? parseRef(refKey(columns[1]?.ref)),
                              },
                            },
                            true,
                          )
                        }
                      >
                        {columns.map((c) => (
                          <option key={refKey(c.ref)} value={refKey(c.ref)}>
                            {c.name}
                            {c.lang ? ` (${c.lang})` : ''} — {c.samples[0] ?? ''}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label>
                      Target column
                      <select
                        value={refKey(form.columns?.tgt)}
                        data-testid="opt-tgt-column"
                        onChange={(e) =>
                          setForm(
                            {
                              columns: {
                                src: form.columns?.src ?? parseRef(refKey(columns[0]?.ref)),
                                tgt: parseRef(e.target.value),
                              },
                            },
                            true,
                          )
                        }
                      >
                        {columns.map((c) => (
                          <option key={refKey(c.ref)} value={refKey(c.ref)}>
                            {c.name}
                            {c.lang ? ` (${c.lang})` : ''} — {c.samples[0] ?? ''}
                          </option>
                        ))}
                      </select>
                    </label>
                  </>
                )}
                {(form.format === 'tsv' || form.format === 'csv') && (
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={form.header ?? false}
                      data-testid="opt-header"
                      onChange={(e) =>
                        setForm({ header: e.target.checked, columns: undefined }, true)
                      }
                    />
                    First row is a header
                  </label>
                )}
                <label>
                  Source language
                  <input
                    type="text"
                    value={form.srcLang}
                    placeholder="en"
                    data-testid="opt-src-lang"
                    onChange={(e) => setForm({ srcLang: e.target.value })}
                  />
                </label>
                <label>
                  Target language
                  <input
                    type="text"
                    value={form.tgtLang}
                    placeholder="de"
                    data-testid="opt-tgt-lang"
                    onChange={(e) => setForm({ tgtLang: e.target.value })}
                  />
                </label>
              </div>
            </fieldset>
            <fieldset disabled={running}>
              <legend>Cleaning</legend>
              <div className="grid">
                <label>
                  Length unit
                  <select
                    value={cleaning.lengthUnit}
                    data-testid="opt-length-unit"
                    onChange={(e) =>
                      setForm({
                        cleaning: { ...cleaning, lengthUnit: e.target.value as 'words' | 'chars' },
                      })
                    }
                  >
                    <option value="words">words</option>
                    <option value="chars">characters</option>
                  </select>
                </label>
                <label>
                  Min length
                  <input
                    type="number"
                    min={0}
                    value={Number.isNaN(cleaning.minLength) ? '' : cleaning.minLength}
                    data-testid="opt-min-length"
                    onChange={(e) =>
                      setForm({ cleaning: { ...cleaning, minLength: num(e.target.value) } })
                    }
                  />
                </label>
                <label>
                  Max length
                  <input
                    type="number"
                    min={1}
                    value={Number.isNaN(cleaning.maxLength) ? '' : cleaning.maxLength}
                    data-testid="opt-max-length"
                    onChange={(e) =>
                      setForm({ cleaning: { ...cleaning, maxLength: num(e.target.value) } })
                    }
                  />
                </label>
                <label>
                  Max length ratio
                  <input
                    type="number"
                    min={1}
                    step={0.5}
                    value={Number.isNaN(cleaning.maxRatio) ? '' : cleaning.maxRatio}
                    data-testid="opt-max-ratio"
                    onChange={(e) =>
                      setForm({ cleaning: { ...cleaning, maxRatio: num(e.target.value) } })
                    }
                  />
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={cleaning.dedupe}
                    data-testid="opt-dedupe"
                    onChange={(e) =>
                      setForm({ cleaning: { ...cleaning, dedupe: e.target.checked } })
                    }
                  />
                  Drop duplicate pairs
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={cleaning.dropIdentical}
                    data-testid="opt-drop-identical"
                    onChange={(e) =>
                      setForm({ cleaning: { ...cleaning, dropIdentical: e.target.checked } })
                    }
                  />
                  Drop pairs whose sides are identical
                </label>
              </div>
            </fieldset>
            <fieldset disabled={running}>
              <legend>Split and vocabulary</legend>
              <div className="grid">
                <label>
                  Validation fraction
                  <input
                    type="number"
                    min={0}
                    max={0.5}
                    step={0.01}
                    value={Number.isNaN(form.validFraction) ? '' : form.validFraction}
                    data-testid="opt-valid-fraction"
                    onChange={(e) => setForm({ validFraction: num(e.target.value) })}
                  />
                </label>
                <label>
                  Split seed
                  <input
                    type="number"
                    value={Number.isNaN(form.validSeed) ? '' : form.validSeed}
                    data-testid="opt-valid-seed"
                    onChange={(e) => setForm({ validSeed: num(e.target.value) })}
                  />
                </label>
                <label>
                  BPE vocabulary size
                  <input
                    type="number"
                    min={8}
                    step={500}
                    value={Number.isNaN(form.vocabSize) ? '' : form.vocabSize}
                    data-testid="opt-vocab-size"
                    onChange={(e) => setForm({ vocabSize: num(e.target.value) })}
                  />
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={form.sharedVocab}
                    data-testid="opt-shared-vocab"
                    onChange={(e) => setForm({ sharedVocab: e.target.checked })}
                  />
                  One vocabulary for both languages (needed for tied embeddings)
                </label>
                <label className="wide">
                  Name
                  <input
                    type="text"
                    value={form.name}
                    data-testid="opt-name"
                    onChange={(e) => setForm({ name: e.target.value })}
                  />
                </label>
              </div>
            </fieldset>
            {formIssues.length > 0 && (
              <ul className="issues" role="alert" data-testid="import-form-issues">
                {formIssues.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
            <div className="actions">
              <button
                type="submit"
                className="btn primary"
                disabled={!canImport}
                data-testid="import-button"
              >
                Import
              </button>
              {running && (
                <button
                  type="button"
                  className="btn"
                  onClick={() => void cancelImport()}
                  data-testid="import-cancel"
                >
                  Cancel
                </button>
              )}
            </div>
          </form>
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
