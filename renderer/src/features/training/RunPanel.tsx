import { useState } from 'react';
import { fieldIssue } from '../../../../shared/schema/field';
import { matchingPreset } from '../../../../shared/schema/presetMatch';
import { TRAIN_FIELDS } from '../../../../shared/schema/train';
import type { RunInfo } from '../../../../shared/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNote } from '../../components/Notice';
import { NumberField } from '../../components/NumberField';
import { ProgressBar } from '../../components/ProgressBar';
import { RunEndNote } from './RunEndNote';
import { formatDuration, formatInt, formatNum } from '../../lib/format';
import { useStudio } from '../../store';

const STATUS_LABEL: Record<RunInfo['status'], string> = {
  created: 'created',
  running: 'training',
  paused: 'paused',
  stopped: 'stopped',
  completed: 'completed',
  failed: 'failed',
};

/** Continues a finished or stopped run from its last checkpoint with a higher step limit. */
function TrainLonger({ run, busy }: { run: RunInfo; busy: boolean }) {
  const action = useStudio((s) => s.runAction);
  const [steps, setSteps] = useState(run.train.maxSteps * 2);
  const bad = fieldIssue(TRAIN_FIELDS.maxSteps, steps) !== undefined || steps <= run.step;
  return (
    <form
      noValidate
      className="row train-longer"
      onSubmit={(e) => {
        e.preventDefault();
        if (!bad) void action('start', run.id, { maxSteps: steps });
      }}
    >
      <NumberField
        field={TRAIN_FIELDS.maxSteps}
        value={steps}
        onChange={setSteps}
        testId="run-continue-steps"
        label="Continue to step"
        title={bad ? `More than the ${run.step} steps already trained.` : undefined}
        min={run.step + 1}
        invalid={bad}
        inline
      />
      <button type="submit" className="btn" disabled={busy || bad} data-testid="run-continue">
        Train longer
      </button>
    </form>
  );
}

/**
 * The preset a run's settings are: runs made before labels were worked out from the
 * settings say "custom" in run.json even when untouched.
 */
function presetLabel(run: RunInfo): string {
  const matched = matchingPreset(run.model, run.train);
  return matched
    ? `${matched} preset`
    : run.preset === 'custom'
      ? 'custom settings'
      : `${run.preset} preset`;
}

function trimDot(s: string): string {
  return s.replace(/\.\s*$/, '');
}

/** The selected run: its controls, progress with ETA and the backend it trains on. */
export function RunPanel({ run }: { run: RunInfo }) {
  const runs = useStudio((s) => s.runs);
  const selectRun = useStudio((s) => s.selectRun);
  const progress = useStudio((s) => s.progress[run.id]);
  const action = useStudio((s) => s.runAction);
  const busy = useStudio((s) => s.runActionBusy);
  const actionError = useStudio((s) => s.runActionError);
  const deleteRun = useStudio((s) => s.deleteRun);
  const info = useStudio((s) => s.engineInfo);
  const openInPlayground = useStudio((s) => s.openInPlayground);
  const setScreen = useStudio((s) => s.setScreen);
  const dataset = useStudio((s) => s.datasets.find((d) => d.id === run.datasetId));

  const total = progress?.totalSteps ?? run.train.maxSteps;
  const step = Math.max(progress?.step ?? 0, run.step);
  const active = run.status === 'running' || run.status === 'paused';
  const backend = run.backend ?? info?.backend;

  return (
    <section
      className="panel"
      aria-labelledby="run-title"
      data-testid="run-panel"
      data-run-id={run.id}
    >
      <div className="panel-head">
        <h2 id="run-title">Run</h2>
        <label className="inline">
          <span className="sr-only">Run</span>
          <select
            value={run.id}
            data-testid="run-select"
            onChange={(e) => selectRun(e.target.value)}
          >
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} — {STATUS_LABEL[r.status]}
              </option>
            ))}
          </select>
        </label>
        <span
          className={`badge status-${run.status}`}
          data-testid="run-status"
          data-status={run.status}
        >
          {STATUS_LABEL[run.status]}
        </span>
      </div>
      <p className="muted small">
        {presetLabel(run)} · d_model {run.model.dModel}, {run.model.heads} heads,{' '}
        {run.model.encoderLayers}+{run.model.decoderLayers} layers · dataset{' '}
        {dataset?.name ?? run.datasetId}
      </p>
      <div className="run-progress">
        <ProgressBar
          value={total > 0 ? step / total : undefined}
          label="Training progress"
          testId="train-progress"
        />
        <p className="readouts">
          <span>
            step <strong data-testid="run-step">{formatInt(step)}</strong> / {formatInt(total)}
          </span>
          {progress && (
            <>
              <span>
                loss <strong data-testid="run-loss">{formatNum(progress.loss, 4)}</strong>
              </span>
              <span>
                lr <strong>{formatNum(progress.lr)}</strong>
              </span>
              <span>
                <strong>{formatInt(progress.tokensPerSec)}</strong> tokens/s
              </span>
              {run.status === 'running' && (
                <span>
                  ETA <strong data-testid="train-eta">{formatDuration(progress.etaSec)}</strong>
                </span>
              )}
            </>
          )}
        </p>
      </div>
      <p className="muted small" data-testid="train-backend">
        {backend ? (
          <>
            Computes on <strong>{backend}</strong>
            {info && info.backend === backend ? ` — ${trimDot(info.reason)}` : ''}
            {info && info.rejected.length > 0
              ? `; not used: ${info.rejected.map((r) => `${r.backend} (${trimDot(r.reason)})`).join('; ')}`
              : ''}
            .
          </>
        ) : (
          'The engine is starting…'
        )}
      </p>
      {!active && run.end && <RunEndNote end={run.end} />}
      {run.status === 'failed' && run.error && (
        <ErrorNote testId="run-error">{run.error}</ErrorNote>
      )}
      <ErrorNote testId="run-action-error">{actionError}</ErrorNote>
      <div className="actions">
        {(run.status === 'created' || run.status === 'stopped' || run.status === 'failed') && (
          <button
            type="button"
            className="btn primary"
            disabled={busy}
            data-testid="run-start"
            onClick={() => void action('start', run.id)}
          >
            {run.status === 'created'
              ? 'Start'
              : run.end?.kind === 'early_stopped'
                ? 'Resume anyway (it stopped early)'
                : 'Resume from last checkpoint'}
          </button>
        )}
        {run.status === 'running' && (
          <button
            type="button"
            className="btn"
            disabled={busy}
            data-testid="run-pause"
            onClick={() => void action('pause', run.id)}
          >
            Pause
          </button>
        )}
        {run.status === 'paused' && (
          <button
            type="button"
            className="btn primary"
            disabled={busy}
            data-testid="run-resume"
            onClick={() => void action('resume', run.id)}
          >
            Resume
          </button>
        )}
        {active && (
          <button
            type="button"
            className="btn"
            disabled={busy}
            data-testid="run-stop"
            onClick={() => void action('stop', run.id)}
          >
            Stop
          </button>
        )}
        <button
          type="button"
          className="btn"
          data-testid="run-checkpoints"
          onClick={() => setScreen('checkpoints')}
        >
          Checkpoints
        </button>
        <button
          type="button"
          className="btn"
          data-testid="run-playground"
          onClick={() => openInPlayground(run.id)}
        >
          Translate with it
        </button>
        {!active && run.status !== 'created' && <TrainLonger key={run.id} run={run} busy={busy} />}
        {!active && (
          <ConfirmButton
            label="Delete run"
            question={`Delete run “${run.name}” and its checkpoints?`}
            confirmLabel="Delete"
            testId="run-delete"
            onConfirm={async () => void (await deleteRun(run.id))}
          />
        )}
      </div>
    </section>
  );
}
