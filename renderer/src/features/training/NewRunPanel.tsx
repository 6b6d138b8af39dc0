import { useEffect } from 'react';
import {
  countParameters,
  estimateTrainingBytes,
  modelConfigIssues,
  trainConfigIssues,
  type ConfigIssue,
} from '../../../../shared/config';
import {
  PRESETS,
  type ModelConfig,
  type ModelShape,
  type PresetName,
  type TrainConfig,
} from '../../../../shared/types';
import { ErrorNote } from '../../components/Notice';
import { formatBytes, formatCount } from '../../lib/format';
import { useStudio } from '../../store';

function NumberField({
  label,
  value,
  onChange,
  field,
  issues,
  step = 1,
  min,
  hint,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  field: string;
  issues: ConfigIssue[];
  step?: number;
  min?: number;
  hint?: string;
}) {
  const mine = issues.filter((i) => i.field === field);
  const id = `knob-${field}`;
  return (
    <label className={mine.length > 0 ? 'invalid' : ''} title={hint}>
      {label}
      <input
        id={id}
        type="number"
        step={step}
        min={min}
        value={Number.isNaN(value) ? '' : value}
        aria-invalid={mine.length > 0}
        aria-describedby={mine.length > 0 ? `${id}-issue` : undefined}
        data-testid={id}
        onChange={(e) => onChange(e.target.value.trim() === '' ? NaN : Number(e.target.value))}
      />
      {mine.length > 0 && (
        <span className="field-issue" id={`${id}-issue`}>
          {mine.map((i) => i.message).join(' ')}
        </span>
      )}
    </label>
  );
}

const TRAIN_FIELDS: { key: keyof TrainConfig; label: string; step?: number; hint?: string }[] = [
  { key: 'batchTokens', label: 'Batch tokens', step: 256, hint: 'Target tokens per batch' },
  { key: 'maxSteps', label: 'Steps', step: 100 },
  { key: 'warmupSteps', label: 'Warm-up steps', step: 100 },
  {
    key: 'lrFactor',
    label: 'LR factor',
    step: 0.1,
    hint: 'lr = factor · d_model^-0.5 · min(step^-0.5, step · warmup^-1.5)',
  },
  { key: 'labelSmoothing', label: 'Label smoothing', step: 0.01 },
  { key: 'clipNorm', label: 'Gradient clip (0 = off)', step: 0.1 },
  { key: 'maxLength', label: 'Max length (tokens)', step: 10 },
  { key: 'validEvery', label: 'Validate every', step: 10 },
  { key: 'bleuEvery', label: 'BLEU every (0 = off)', step: 50 },
  { key: 'bleuSamples', label: 'BLEU samples', step: 50 },
  { key: 'checkpointEvery', label: 'Checkpoint every', step: 50 },
  { key: 'keepLast', label: 'Checkpoints kept' },
  { key: 'patience', label: 'Patience (0 = off)' },
  { key: 'seed', label: 'Seed' },
];

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
  const valid = issues.length === 0;
  const params = valid ? countParameters(config) : NaN;
  const bytes = valid ? estimateTrainingBytes(config) : NaN;
  const m = draft.model;
  const knob =
    <K extends keyof ModelShape>(key: K) =>
    (v: ModelShape[K]) =>
      setModel(key, v);

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
          <NumberField
            label="d_model"
            field="dModel"
            value={m.dModel}
            onChange={knob('dModel')}
            issues={issues}
            step={8}
          />
          <NumberField
            label="Heads"
            field="heads"
            value={m.heads}
            onChange={knob('heads')}
            issues={issues}
          />
          <NumberField
            label="d_ff"
            field="dFF"
            value={m.dFF}
            onChange={knob('dFF')}
            issues={issues}
            step={64}
          />
          <NumberField
            label="Encoder layers"
            field="encoderLayers"
            value={m.encoderLayers}
            onChange={knob('encoderLayers')}
            issues={issues}
          />
          <NumberField
            label="Decoder layers"
            field="decoderLayers"
            value={m.decoderLayers}
            onChange={knob('decoderLayers')}
            issues={issues}
          />
          <NumberField
            label="Dropout"
            field="dropout"
            value={m.dropout}
            onChange={knob('dropout')}
            issues={issues}
            step={0.05}
          />
          <NumberField
            label="Max positions"
            field="maxPositions"
            value={m.maxPositions}
            onChange={knob('maxPositions')}
            issues={issues}
            step={16}
          />
          <label>
            Positional encoding
            <select
              value={m.positionalEncoding}
              data-testid="knob-positionalEncoding"
              onChange={(e) =>
                setModel('positionalEncoding', e.target.value as ModelShape['positionalEncoding'])
              }
            >
              <option value="sinusoidal">sinusoidal</option>
              <option value="learned">learned</option>
            </select>
          </label>
          <label>
            LayerNorm
            <select
              value={m.normPosition}
              data-testid="knob-normPosition"
              onChange={(e) =>
                setModel('normPosition', e.target.value as ModelShape['normPosition'])
              }
            >
              <option value="post">post-LN (paper)</option>
              <option value="pre">pre-LN</option>
            </select>
          </label>
          <label
            className={`check${issues.some((i) => i.field === 'tieEmbeddings') ? ' invalid' : ''}`}
          >
            <input
              type="checkbox"
              checked={m.tieEmbeddings}
              data-testid="knob-tieEmbeddings"
              onChange={(e) => setModel('tieEmbeddings', e.target.checked)}
            />
            Tie embeddings (one matrix for source, target and output)
          </label>
        </div>
      </details>
      <details className="knobs">
        <summary>Training</summary>
        <div className="grid">
          {TRAIN_FIELDS.map((f) => (
            <NumberField
              key={f.key}
              label={f.label}
              field={f.key}
              value={draft.train[f.key] as number}
              onChange={(v) => setTrain(f.key, v as never)}
              issues={issues}
              {...(f.step !== undefined ? { step: f.step } : {})}
              {...(f.hint !== undefined ? { hint: f.hint } : {})}
            />
          ))}
          <label>
            Early stopping on
            <select
              value={draft.train.earlyStoppingMetric}
              data-testid="knob-earlyStoppingMetric"
              onChange={(e) =>
                setTrain(
                  'earlyStoppingMetric',
                  e.target.value as TrainConfig['earlyStoppingMetric'],
                )
              }
            >
              <option value="bleu">BLEU</option>
              <option value="valid_loss">validation loss</option>
            </select>
          </label>
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
          Parameters{' '}
          <strong data-testid="estimate-params">{valid ? formatCount(params) : '–'}</strong>
        </span>
        <span>
          Training memory (fp32 weights, gradients, Adam){' '}
          <strong data-testid="estimate-memory">{valid ? formatBytes(bytes) : '–'}</strong>
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
