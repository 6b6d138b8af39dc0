import { useEffect } from 'react';
import {
  countParameters,
  estimateTrainingMemory,
  memoryIssue,
  modelConfigIssues,
  trainConfigIssues,
  type ConfigIssue,
} from '../../../../shared/config';
import { MODEL_SHAPE_TABLE } from '../../../../shared/schema/model';
import { TRAIN_TABLE } from '../../../../shared/schema/train';
import {
  PRESETS,
  type ModelConfig,
  type ModelShape,
  type PresetName,
  type TrainConfig,
} from '../../../../shared/types';
import { ErrorNote } from '../../components/Notice';
import { SettingField } from '../../components/SettingField';
import { matchingPreset, presetDifferences } from '../../../../shared/schema/presetMatch';
import { useStudio } from '../../store';
import { NewRunEstimates } from './NewRunEstimates';

/** The training settings the form shows; Adam's constants stay the paper's (a preset's). */
const TRAIN_FORM_TABLE = TRAIN_TABLE.filter((f) => !f.key.startsWith('adam'));

function issuesOf(issues: readonly ConfigIssue[], field: string): string[] {
  return issues.filter((i) => i.field === field).map((i) => i.message);
}

/** The new-run form: dataset, preset, every knob, validation as you type and the estimates. */
export function NewRunPanel({ onClose }: { onClose?: () => void } = {}) {
  const datasets = useStudio((s) => s.datasets);
  const draft = useStudio((s) => s.draft);
  const setDraft = useStudio((s) => s.setDraft);
  const applyPreset = useStudio((s) => s.applyPreset);
  const setModel = useStudio((s) => s.setModelKnob);
  const setTrain = useStudio((s) => s.setTrainKnob);
  const createRun = useStudio((s) => s.createRun);
  const creating = useStudio((s) => s.creating);
  const createError = useStudio((s) => s.createError);
  const setScreen = useStudio((s) => s.setScreen);
  const backend = useStudio((s) => s.engineInfo?.backend);
  const runs = useStudio((s) => s.runs);
  const loadMetrics = useStudio((s) => s.loadMetrics);

  // The newest run on this backend gives a measured speed for the time estimate.
  const measuredId = runs
    .filter((r) => r.backend === backend && r.step > 0)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]?.id;
  useEffect(() => {
    if (measuredId) void loadMetrics(measuredId);
  }, [measuredId, loadMetrics]);

  // Preselect the only (or newest) dataset so a first run is one click away.
  const firstId = datasets[datasets.length - 1]?.id;
  useEffect(() => {
    if (firstId && !datasets.some((d) => d.id === draft.datasetId))
      setDraft({ datasetId: firstId });
  }, [firstId, datasets, draft.datasetId, setDraft]);

  const dataset = datasets.find((d) => d.id === draft.datasetId);
  const srcVocab = dataset?.vocabSize ?? PRESETS[draft.preset].vocabSize;
  const tgtVocab = dataset
    ? dataset.sharedVocab
      ? dataset.vocabSize
      : (dataset.tgtVocabSize ?? dataset.vocabSize)
    : srcVocab;
  const config: ModelConfig = { ...draft.model, srcVocabSize: srcVocab, tgtVocabSize: tgtVocab };
  const issues = [...modelConfigIssues(config), ...trainConfigIssues(draft.train)];
  // Checked once the numbers are sound: the same refusal the studio gives before creating it.
  const memory =
    issues.length === 0 && backend ? memoryIssue(config, draft.train, backend) : undefined;
  if (memory) issues.push(memory);
  const valid = issues.length === 0;
  const params = valid || memory ? countParameters(config) : NaN;
  const bytes = valid || memory ? estimateTrainingMemory(config, draft.train).total : NaN;

  if (datasets.length === 0) {
    return (
      <section className="panel" aria-labelledby="new-run-title">
        <h2 id="new-run-title">New run</h2>
        <div className="empty" data-testid="train-no-datasets">
          <p className="empty-title">Import a dataset first</p>
          <p className="muted">
            A run trains on one dataset.{' '}
            <button type="button" className="link" onClick={() => setScreen('datasets')}>
              Go to Datasets
            </button>{' '}
            and drop a corpus.
          </p>
        </div>
      </section>
    );
  }

  return (
    <section className="panel" aria-labelledby="new-run-title" data-testid="new-run">
      <h2 id="new-run-title">New run</h2>
      <div className="grid">
        <label>
          Dataset
          <select
            value={draft.datasetId}
            data-testid="train-dataset"
            onChange={(e) => {
              const d = datasets.find((x) => x.id === e.target.value);
              setDraft({ datasetId: e.target.value });
              if (d && !d.sharedVocab) setModel('tieEmbeddings', false);
            }}
          >
            <option value="">Pick a dataset…</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.srcLang}→{d.tgtLang}, {d.trainPairs} pairs)
              </option>
            ))}
          </select>
        </label>
        <label>
          Run name (optional)
          <input
            type="text"
            value={draft.name}
            data-testid="train-name"
            onChange={(e) => setDraft({ name: e.target.value })}
          />
        </label>
      </div>
      <div className="presets" role="radiogroup" aria-label="Preset">
        {(Object.keys(PRESETS) as PresetName[]).map((p) => (
          <button
            key={p}
            type="button"
            role="radio"
            aria-checked={draft.preset === p}
            className={`preset${draft.preset === p ? ' active' : ''}`}
            data-testid={`preset-${p}`}
            onClick={() => applyPreset(p)}
          >
            <strong>{p}</strong>
            <span className="muted small">{PRESETS[p].description}</span>
          </button>
        ))}
      </div>
      <PresetMatch dataset={dataset} model={draft.model} train={draft.train} />
      <details className="knobs" open>
        <summary>Model</summary>
        <div className="grid">
          {MODEL_SHAPE_TABLE.map((f) => (
            <SettingField
              key={f.key}
              field={f}
              value={draft.model[f.key]}
              onChange={(v) => setModel(f.key, v as ModelShape[typeof f.key])}
              testId={`knob-${f.key}`}
              issues={issuesOf(issues, f.key)}
            />
          ))}
        </div>
      </details>
      <details className="knobs">
        <summary>Training</summary>
        <div className="grid">
          {TRAIN_FORM_TABLE.map((f) => (
            <SettingField
              key={f.key}
              field={f}
              value={draft.train[f.key]}
              onChange={(v) => setTrain(f.key, v as TrainConfig[typeof f.key])}
              testId={`knob-${f.key}`}
              issues={issuesOf(issues, f.key)}
            />
          ))}
        </div>
      </details>
      {issues.length > 0 && (
        <ul className="issues" role="alert" data-testid="config-issues">
          {issues.map((i, k) => (
            <li key={k}>{i.message}</li>
          ))}
        </ul>
      )}
      <NewRunEstimates params={params} bytes={bytes} train={draft.train} valid={valid} />
      {!dataset && (
        <p className="muted small">vocabulary {srcVocab} assumed until a dataset is picked</p>
      )}
      <div className="actions new-run-actions">
        <ErrorNote testId="create-error">{createError}</ErrorNote>
        <button
          type="button"
          className="btn primary"
          disabled={!valid || creating || !draft.datasetId}
          data-testid="run-create-start"
          onClick={() => void createRun(true)}
        >
          Create and start
        </button>
        <button
          type="button"
          className="btn"
          disabled={!valid || creating || !draft.datasetId}
          data-testid="run-create"
          onClick={() => void createRun(false)}
        >
          Create only
        </button>
        {!draft.datasetId && <span className="muted small">Pick a dataset to enable.</span>}
        {onClose && (
          <button
            type="button"
            className="btn ghost"
            data-testid="new-run-cancel"
            onClick={onClose}
          >
            Cancel
          </button>
        )}
      </div>
    </section>
  );
}

/** Whether the settings are a preset's, or which knobs differ from the chosen one. */
function PresetMatch({
  dataset,
  model,
  train,
}: {
  dataset: { sharedVocab: boolean } | undefined;
  model: ModelShape;
  train: TrainConfig;
}) {
  const preset = useStudio((s) => s.draft.preset);
  const adjusted = dataset && !dataset.sharedVocab ? { tieEmbeddings: false } : {};
  const matched = matchingPreset(model, train, adjusted);
  const diffs = matched ? [] : presetDifferences(preset, model, train, adjusted);
  return (
    <p className="muted small" data-testid="preset-match">
      {matched ? (
        <>
          These settings are the <strong>{matched}</strong> preset.
        </>
      ) : (
        <>
          <strong>Custom</strong>: {diffs.length}{' '}
          {diffs.length === 1 ? 'setting differs' : 'settings differ'} from {preset} (
          {diffs
            .slice(0, 4)
            .map((d) => `${d.key} ${String(d.value)}, preset ${String(d.preset)}`)
            .join('; ')}
          {diffs.length > 4 ? '; …' : ''}).
        </>
      )}
    </p>
  );
}
