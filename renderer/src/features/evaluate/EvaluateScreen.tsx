/**
 * Evaluate: a run's checkpoints on a test set the person drops (two aligned files), with
 * BLEU and chrF as sacreBLEU computes them, their signatures, per-sentence scores worst
 * first and the hypotheses to download; a progress bar with ETA while it translates.
 */
import { useEffect } from 'react';
import { DropZone } from '../../components/DropZone';
import { ErrorNote, EmptyState } from '../../components/Notice';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDuration, formatInt, formatNum } from '../../lib/format';
import { useStudio } from '../../store';
import { EvaluationResults } from './EvaluationResults';

export function EvaluateScreen() {
  const runs = useStudio((s) => s.runs);
  const loadRuns = useStudio((s) => s.loadRuns);
  const runId = useStudio((s) => s.evalRunId);
  const setRun = useStudio((s) => s.setEvalRun);
  const picked = useStudio((s) => s.evalCheckpoints);
  const toggle = useStudio((s) => s.toggleEvalCheckpoint);
  const entry = useStudio((s) => (runId ? s.checkpoints[runId] : undefined));
  const src = useStudio((s) => s.evalSrc);
  const ref = useStudio((s) => s.evalRef);
  const uploading = useStudio((s) => s.evalUploading);
  const filesError = useStudio((s) => s.evalFilesError);
  const setFiles = useStudio((s) => s.setEvalFiles);
  const swap = useStudio((s) => s.swapEvalFiles);
  const mode = useStudio((s) => s.evalMode);
  const beamSize = useStudio((s) => s.evalBeamSize);
  const alpha = useStudio((s) => s.evalAlpha);
  const setDecode = useStudio((s) => s.setEvalDecode);
  const evaluation = useStudio((s) => s.evaluation);
  const run = useStudio((s) => s.runEvaluation);
  const datasets = useStudio((s) => s.datasets);

  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);
  // The newest run with a step trained is the likely one to evaluate.
  const firstId = runs.find((r) => r.step > 0)?.id ?? runs[0]?.id;
  useEffect(() => {
    if (!runId && firstId) setRun(firstId);
  }, [runId, firstId, setRun]);

  const selected = runs.find((r) => r.id === runId);
  const srcLang = datasets.find((d) => d.id === selected?.datasetId)?.srcLang;
  const list = entry?.list ?? [];
  const running = evaluation?.running ?? false;
  const ready = !!selected && picked.length > 0 && !!src && !!ref && !running && !uploading;
  const p = evaluation?.progress;

  return (
    <>
      <header className="screen-head">
        <h1>Evaluate</h1>
        <p className="muted">
          Score checkpoints on a test set of your own: BLEU and chrF as sacreBLEU computes them, and
          every sentence, worst first.
        </p>
      </header>
      {runs.length === 0 ? (
        <EmptyState title="No run to evaluate yet" testId="evaluate-empty">
          Train a run on the Train screen; its checkpoints can then be scored here.
        </EmptyState>
      ) : (
        <section className="panel" aria-labelledby="eval-setup-title" data-testid="evaluate-setup">
          <h2 id="eval-setup-title">What to evaluate</h2>
          <div className="grid">
            <label>
              Run
              <select
                value={runId ?? ''}
                data-testid="eval-run"
                onChange={(e) => setRun(e.target.value || undefined)}
              >
                {runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} (step {formatInt(r.step)})
                  </option>
                ))}
              </select>
            </label>
            <label>
              Decoding
              <select
                value={mode}
                data-testid="eval-mode"
                onChange={(e) => setDecode({ evalMode: e.target.value as 'greedy' | 'beam' })}
              >
                <option value="greedy">Greedy</option>
                <option value="beam">Beam search</option>
              </select>
            </label>
            {mode === 'beam' && (
              <>
                <label>
                  Beam width
                  <input
                    type="number"
                    min={1}
                    max={64}
                    value={beamSize}
                    data-testid="eval-beam"
                    onChange={(e) => setDecode({ evalBeamSize: Number(e.target.value) })}
                  />
                </label>
                <label>
                  Length penalty alpha
                  <input
                    type="number"
                    min={0}
                    max={5}
                    step={0.1}
                    value={alpha}
                    data-testid="eval-alpha"
                    onChange={(e) => setDecode({ evalAlpha: Number(e.target.value) })}
                  />
                </label>
              </>
            )}
          </div>
          <fieldset className="eval-checkpoints" data-testid="eval-checkpoints">
            <legend>Checkpoints (one or several)</legend>
            {entry?.loading && <p className="muted small">Reading the checkpoints…</p>}
            <ErrorNote>{entry?.error}</ErrorNote>
            {!entry?.loading && list.length === 0 && (
              <p className="muted small">This run has no checkpoint yet.</p>
            )}
            {list.map((c) => (
              <label key={c.id} className="check inline">
                <input
                  type="checkbox"
                  checked={picked.includes(c.id)}
                  data-testid={`eval-checkpoint-${c.id}`}
                  onChange={() => toggle(c.id)}
                />
                {c.averagedFrom ? `average ${c.id}` : `step ${formatInt(c.step)}`}
                {c.best ? ' ★' : ''}
                <span className="muted small">
                  {c.validLoss !== undefined ? ` · valid loss ${formatNum(c.validLoss, 3)}` : ''}
                  {c.bleu !== undefined ? ` · BLEU ${formatNum(c.bleu, 3)}` : ''}
                </span>
              </label>
            ))}
          </fieldset>
          <DropZone
            onFiles={(files) => void setFiles(files, srcLang)}
            disabled={running || !!uploading}
            buttonLabel="Choose two files…"
            testId="eval-dropzone"
          >
            <p className="dropzone-text">
              <strong>Drop a test set here</strong>
              <span className="muted">
                two aligned text files: the source sentences and their reference translations
              </span>
            </p>
          </DropZone>
          {uploading && <p className="muted small">Uploading {uploading}…</p>}
          <ErrorNote testId="eval-files-error">{filesError}</ErrorNote>
          {src && ref && (
            <p data-testid="eval-files">
              Source <strong>{src.name}</strong> · reference <strong>{ref.name}</strong>{' '}
              <button
                type="button"
                className="btn ghost small"
                data-testid="eval-swap"
                onClick={swap}
              >
                Swap
              </button>
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              className="btn primary"
              disabled={!ready}
              data-testid="eval-start"
              onClick={() => void run()}
            >
              Evaluate
            </button>
            {!ready && !running && (
              <span className="muted small">
                {!src || !ref ? 'Drop the two test files. ' : ''}
                {picked.length === 0 ? 'Pick at least one checkpoint.' : ''}
              </span>
            )}
          </div>
          {running && (
            <div className="eval-progress" data-testid="eval-progress-status">
              <ProgressBar
                value={p && p.total > 0 ? p.done / p.total : undefined}
                label="Evaluation progress"
                testId="eval-progress"
              />
              <p className="muted small">
                {p
                  ? `${formatInt(p.done)} of ${formatInt(p.total)} sentences · checkpoint ${p.index + 1} of ${p.of} (${p.checkpoint})${p.etaSec !== undefined ? ` · ETA ${formatDuration(p.etaSec)}` : ''}`
                  : 'Starting the engine…'}
              </p>
            </div>
          )}
          <ErrorNote testId="eval-error">{evaluation?.error}</ErrorNote>
        </section>
      )}
      {evaluation?.result && <EvaluationResults result={evaluation.result} />}
    </>
  );
}
