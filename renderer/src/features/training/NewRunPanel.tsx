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
import { formatBytes, formatCount } from '../../lib/format';
import { useStudio } from '../../store';

/** The training settings the form shows; Adam's constants stay the paper's (a preset's). */
const TRAIN_FORM_TABLE = TRAIN_TABLE.filter((f) => !f.key.startsWith('adam'));

function issuesOf(issues: readonly ConfigIssue[], field: string): string[] {
  return issues.filter((i) => i.field === field).map((i) => i.message);
}

/** The new-run form: dataset, preset, every knob, validation as you type and the estimates. */
export function NewRunPanel() {
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
      <p className="estimates">
        <span>
          Parameters <strong data-testid="estimate-params">{formatCount(params)}</strong>
        </span>
        <span>
          Training memory (fp32 weights, gradients, Adam state, activations){' '}
          <strong data-testid="estimate-memory">{formatBytes(bytes)}</strong>
        </span>
        {!dataset && (
          <span className="muted small">
            vocabulary {srcVocab} assumed until a dataset is picked
          </span>
        )}
      </p>
      <ErrorNote testId="create-error">{createError}</ErrorNote>
      <div className="actions">
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
      </div>
    </section>
  );
}
