import { Fragment, useEffect, useRef, useState } from 'react';
import type { BestBy } from '../../../../shared/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { AverageNote } from './AverageNote';
import { EmptyState, ErrorNote } from '../../components/Notice';
import { formatBytes, formatDate, formatNum } from '../../lib/format';
import { useStudio } from '../../store';

/** Checkpoints: per run, the list with the best marked; average, export, import, delete. */
export function CheckpointsScreen() {
  const runs = useStudio((s) => s.runs);
  const runsLoaded = useStudio((s) => s.runsLoaded);
  const runsError = useStudio((s) => s.runsError);
  const loadRuns = useStudio((s) => s.loadRuns);
  const selectedRunId = useStudio((s) => s.selectedRunId);
  const selectRun = useStudio((s) => s.selectRun);
  const setScreen = useStudio((s) => s.setScreen);
  const run = runs.find((r) => r.id === selectedRunId);

  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);

  return (
    <>
      <header className="screen-head">
        <h1>Checkpoints</h1>
        <p className="muted">
          Written during training; the best one is starred, with the metric that picked it:
          validation loss until BLEU is on at least 500 sentences (or the whole validation set),
          then BLEU.
        </p>
      </header>
      <ErrorNote testId="runs-error">{runsError}</ErrorNote>
      {runsLoaded && runs.length === 0 && !runsError && (
        <section className="panel">
          <EmptyState title="No runs yet" testId="checkpoints-empty">
            Checkpoints appear here while a run trains.{' '}
            <button type="button" className="link" onClick={() => setScreen('train')}>
              Start a run in Train
            </button>
            , or import a <code>.tstudio</code> file below.
          </EmptyState>
        </section>
      )}
      {runs.length > 0 && (
        <section className="panel" aria-labelledby="ckpt-run-title">
          <div className="panel-head">
            <h2 id="ckpt-run-title">Run</h2>
            <label className="inline">
              <span className="sr-only">Run</span>
              <select
                value={run?.id ?? ''}
                data-testid="ckpt-run-select"
                onChange={(e) => selectRun(e.target.value)}
              >
                {!run && <option value="">Pick a run…</option>}
                {runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} ({r.status}, step {r.step})
                  </option>
                ))}
              </select>
            </label>
          </div>
          {run && <CheckpointTable runId={run.id} />}
        </section>
      )}
      <ImportCheckpoint />
    </>
  );
}

/** Columns of the checkpoint table (an average's note row spans them). */
const TABLE_COLUMNS = 9;

function CheckpointTable({ runId }: { runId: string }) {
  const entry = useStudio((s) => s.checkpoints[runId]);
  const load = useStudio((s) => s.loadCheckpoints);
  const average = useStudio((s) => s.averageCheckpoints);
  const exportCkpt = useStudio((s) => s.exportCheckpoint);
  const deleteCkpt = useStudio((s) => s.deleteCheckpoint);
  const openInPlayground = useStudio((s) => s.openInPlayground);
  const message = useStudio((s) => s.checkpointMessage);
  const busy = useStudio((s) => s.checkpointBusy);
  const [picked, setPicked] = useState<string[]>([]);
  const every = useStudio((s) => s.runs.find((r) => r.id === runId)?.train.checkpointEvery);

  useEffect(() => {
    setPicked([]);
    void load(runId);
  }, [runId, load]);

  const list = entry?.list ?? [];
  const ids = new Set(list.map((c) => c.id));
  const selected = picked.filter((id) => ids.has(id));

  return (
    <>
      <ErrorNote testId="checkpoints-error">{entry?.error}</ErrorNote>
      {message && (
        <p
          className={message.kind === 'error' ? 'error' : 'ok-note'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="checkpoint-message"
        >
          {message.text}
          {message.path && (
            <>
              {' '}
              <code data-testid="checkpoint-export-path">{message.path}</code>
            </>
          )}
        </p>
      )}
      {entry && !entry.loading && list.length === 0 && !entry.error && (
        <EmptyState title="No checkpoints yet" testId="checkpoints-none">
          The first one is written at step {every ?? '…'} and whenever the run is stopped.
        </EmptyState>
      )}
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="ckpt-table" data-testid="checkpoint-table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Select</span>
                </th>
                <th scope="col">Best</th>
                <th scope="col">Checkpoint</th>
                <th scope="col" className="num">
                  Step
                </th>
                <th scope="col" className="num">
                  Valid loss
                </th>
                <th scope="col" className="num">
                  BLEU
                </th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">Written</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <Fragment key={c.id}>
                  <tr data-testid="checkpoint-row" data-checkpoint-id={c.id} data-best={c.best}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select checkpoint ${c.id}`}
                        checked={selected.includes(c.id)}
                        data-testid="checkpoint-select"
                        onChange={(e) =>
                          setPicked((p) =>
                            e.target.checked ? [...p, c.id] : p.filter((x) => x !== c.id),
                          )
                        }
                      />
                    </td>
                    <td>
                      {c.best ? (
                        <>
                          <span
                            className="star"
                            title="Best checkpoint"
                            aria-label="best"
                            data-testid="checkpoint-best"
                          >
                            ★
                          </span>
                          {c.bestBy && (
                            <span className="muted small" data-testid="checkpoint-best-by">
                              {' '}
                              {bestByLabel(c.bestBy)}
                            </span>
                          )}
                        </>
                      ) : null}
                    </td>
                    <td>
                      <code>{c.id}</code>
                      {c.averagedFrom && (
                        <span className="muted small"> avg of {c.averagedFrom.join(', ')}</span>
                      )}
                    </td>
                    <td className="num" data-testid="checkpoint-step">
                      {c.step}
                    </td>
                    <td className="num">{formatNum(c.validLoss, 4)}</td>
                    <td className="num">{c.bleu === undefined ? '–' : c.bleu.toFixed(2)}</td>
                    <td className="num">{formatBytes(c.bytes)}</td>
                    <td className="small muted">{formatDate(c.createdAt)}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn small"
                        data-testid="checkpoint-open"
                        onClick={() => openInPlayground(runId, c.id)}
                      >
                        Open in playground
                      </button>
                      <button
                        type="button"
                        className="btn small"
                        disabled={busy}
                        data-testid="checkpoint-export"
                        onClick={() => void exportCkpt(runId, c.id)}
                      >
                        Export
                      </button>
                      <button
                        type="button"
                        className="btn small"
                        disabled={busy}
                        title="A MarianMT folder that transformers.MarianMTModel.from_pretrained loads"
                        data-testid="checkpoint-export-hf"
                        onClick={() => void exportCkpt(runId, c.id, 'huggingface')}
                      >
                        Export for Hugging Face
                      </button>
                      <ConfirmButton
                        label="Delete"
                        question={`Delete checkpoint ${c.id}?`}
                        confirmLabel="Delete"
                        testId="checkpoint-delete"
                        disabled={busy}
                        onConfirm={() => deleteCkpt(runId, c.id)}
                      />
                    </td>
                  </tr>
                  {c.averagedFrom && (
                    <AverageNote avg={c} list={list} columns={TABLE_COLUMNS} scoring={busy} />
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.length > 0 && (
        <div className="actions">
          <button
            type="button"
            className="btn"
            disabled={selected.length < 2 || busy}
            data-testid="checkpoints-average"
            onClick={() => void average(runId, selected).then(() => setPicked([]))}
          >
            Average {selected.length >= 2 ? `${selected.length} selected` : 'selected'}
          </button>
          <span className="muted small">
            {selected.length < 2 ? 'Select two or more checkpoints to average their weights.' : ''}
          </span>
        </div>
      )}
    </>
  );
}

function ImportCheckpoint() {
  const importCkpt = useStudio((s) => s.importCheckpoint);
  const busy = useStudio((s) => s.checkpointBusy);
  const hasRuns = useStudio((s) => s.runs.length > 0);
  const message = useStudio((s) => s.checkpointMessage);
  const [path, setPath] = useState('');
  const input = useRef<HTMLInputElement>(null);
  return (
    <section className="panel" aria-labelledby="ckpt-import-title">
      <h2 id="ckpt-import-title">Import a checkpoint</h2>
      <p className="muted small">
        A .tstudio file exported from a studio, or a Hugging Face MarianMT folder (config.json,
        model.safetensors, tokenizer.json), becomes a new run.
      </p>
      {!hasRuns && message && (
        <p
          className={message.kind === 'error' ? 'error' : 'ok-note'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="checkpoint-message"
        >
          {message.text}
        </p>
      )}
      <form
        noValidate
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void importCkpt({ path: path.trim() });
        }}
      >
        <label className="grow">
          <span className="sr-only">Path of a .tstudio file</span>
          <input
            type="text"
            value={path}
            placeholder="/path/to/model.tstudio"
            data-testid="checkpoint-import-path"
            onChange={(e) => setPath(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="btn"
          disabled={busy || !path.trim()}
          data-testid="checkpoint-import-submit"
        >
          Import path
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || !path.trim()}
          data-testid="checkpoint-import-hf"
          onClick={() => void importCkpt({ path: path.trim(), huggingFace: true })}
        >
          Import Hugging Face folder
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          data-testid="checkpoint-import-pick"
          onClick={() => input.current?.click()}
        >
          Choose file…
        </button>
        <input
          ref={input}
          type="file"
          hidden
          accept=".tstudio"
          aria-label="Choose a .tstudio file"
          data-testid="checkpoint-import-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importCkpt({ file: f });
          }}
        />
      </form>
    </section>
  );
}

/** "by BLEU (500 sent.)" or "by valid loss": the metric that starred a checkpoint. */
function bestByLabel(by: BestBy): string {
  if (by.metric === 'valid_loss') return 'by valid loss';
  return by.sentences === undefined ? 'by BLEU' : `by BLEU (${by.sentences} sent.)`;
}
