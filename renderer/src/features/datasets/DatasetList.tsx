import { useState } from 'react';
import type {
  CleaningReport,
  DatasetMeta,
  DatasetStats,
  SideStats,
} from '../../../../shared/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Histogram } from '../../components/Histogram';
import { ErrorNote } from '../../components/Notice';
import { formatDate, formatInt, formatNum } from '../../lib/format';
import { useStudio } from '../../store';
import { NoDatasets } from './NoDatasets';

/** The stored datasets, each expandable into its stats and length histograms. */
export function DatasetList() {
  const datasets = useStudio((s) => s.datasets);
  const loaded = useStudio((s) => s.datasetsLoaded);
  const error = useStudio((s) => s.datasetsError);
  const actionError = useStudio((s) => s.datasetActionError);
  const done = useStudio((s) => s.importState?.done);

  return (
    <section className="panel" aria-labelledby="datasets-title" data-testid="dataset-list">
      <h2 id="datasets-title">Your datasets</h2>
      {done && (
        <p className="ok-note" role="status" data-testid="import-done">
          Imported “{done.name}”: {formatInt(done.trainPairs)} training pairs,{' '}
          {formatInt(done.validPairs)} validation pairs.
        </p>
      )}
      <ErrorNote testId="datasets-error">{error}</ErrorNote>
      <ErrorNote testId="dataset-action-error">{actionError}</ErrorNote>
      {loaded && !error && datasets.length === 0 && <NoDatasets />}
      {!loaded && <p className="muted">Loading…</p>}
      <ul className="cards">
        {datasets.map((d) => (
          <DatasetCard key={d.id} dataset={d} />
        ))}
      </ul>
    </section>
  );
}

function DatasetCard({ dataset: d }: { dataset: DatasetMeta }) {
  const expanded = useStudio((s) => s.expandedDatasetId === d.id);
  const toggle = useStudio((s) => s.toggleDataset);
  const entry = useStudio((s) => s.datasetStats[d.id]);
  const rename = useStudio((s) => s.renameDataset);
  const del = useStudio((s) => s.deleteDataset);
  const setScreen = useStudio((s) => s.setScreen);
  const setDraft = useStudio((s) => s.setDraft);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(d.name);
  const [inUse, setInUse] = useState(false);

  return (
    <li
      className="card"
      data-testid="dataset-row"
      data-dataset-id={d.id}
      data-dataset-name={d.name}
    >
      <div className="card-head">
        {editing ? (
          <form
            noValidate
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) void rename(d.id, name.trim()).then((ok) => ok && setEditing(false));
            }}
          >
            <input
              aria-label="New name"
              value={name}
              autoFocus
              data-testid="dataset-rename-input"
              onChange={(e) => setName(e.target.value)}
            />
            <button type="submit" className="btn small primary" data-testid="dataset-rename-save">
              Save
            </button>
            <button type="button" className="btn small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button
            type="button"
            className="card-title"
            aria-expanded={expanded}
            onClick={() => toggle(d.id)}
            data-testid="dataset-toggle"
          >
            <span className="chev" aria-hidden>
              {expanded ? '▾' : '▸'}
            </span>
            <strong data-testid="dataset-name">{d.name}</strong>
            <span className="muted">
              {d.srcLang || '?'} → {d.tgtLang || '?'}
            </span>
          </button>
        )}
        <span className="muted small card-facts">
          <span data-testid="dataset-pairs">{formatInt(d.trainPairs)}</span> train ·{' '}
          {formatInt(d.validPairs)} valid · vocab {formatInt(d.vocabSize)}
          {d.sharedVocab ? ' shared' : ` / ${formatInt(d.tgtVocabSize ?? 0)}`}
        </span>
        <span className="card-actions">
          <button
            type="button"
            className="btn small"
            data-testid="dataset-train"
            onClick={() => {
              setDraft({ datasetId: d.id });
              setScreen('train');
            }}
          >
            Train on it
          </button>
          <button
            type="button"
            className="btn small"
            data-testid="dataset-rename"
            onClick={() => {
              setName(d.name);
              setEditing(true);
            }}
          >
            Rename
          </button>
          {inUse ? (
            <ConfirmButton
              label="Delete anyway…"
              question="Runs use this dataset. Delete it anyway?"
              confirmLabel="Delete anyway"
              testId="dataset-delete-force"
              onConfirm={async () => {
                await del(d.id, true);
              }}
            />
          ) : (
            <ConfirmButton
              label="Delete"
              question={`Delete “${d.name}”?`}
              confirmLabel="Delete"
              testId="dataset-delete"
              onConfirm={async () => {
                const r = await del(d.id);
                if (r === 'in-use') setInUse(true);
              }}
            />
          )}
        </span>
      </div>
      {expanded && (
        <div className="card-body" data-testid="dataset-stats">
          <p className="muted small">
            Created {formatDate(d.createdAt)} from {d.sources.join(', ')}
            {d.format ? ` (${d.format})` : ''}
          </p>
          {!entry || 'loading' in entry ? (
            <p className="muted">Loading stats…</p>
          ) : 'error' in entry ? (
            <ErrorNote>{entry.error}</ErrorNote>
          ) : (
            <StatsView stats={entry.stats} />
          )}
        </div>
      )}
    </li>
  );
}

function StatsView({ stats }: { stats: DatasetStats }) {
  return (
    <>
      <dl className="facts wide">
        <dt>Training pairs</dt>
        <dd data-testid="stats-train-pairs">{formatInt(stats.trainPairs)}</dd>
        <dt>Validation pairs</dt>
        <dd data-testid="stats-valid-pairs">{formatInt(stats.validPairs)}</dd>
        <dt>BPE vocabulary</dt>
        <dd data-testid="stats-vocab">
          {formatInt(stats.vocabSize)}
          {stats.tgtVocabSize !== undefined ? ` / ${formatInt(stats.tgtVocabSize)}` : ''}
        </dd>
      </dl>
      <div className="sides">
        <SideView side={stats.src} title="Source" testId="histogram-src" />
        <SideView side={stats.tgt} title="Target" testId="histogram-tgt" />
      </div>
      <Cleaning report={stats.cleaning} title="Cleaning (training data)" testId="stats-cleaning" />
      {stats.validCleaning && (
        <Cleaning
          report={stats.validCleaning}
          title="Cleaning (your validation files)"
          testId="stats-valid-cleaning"
        />
      )}
    </>
  );
}

function SideView({ side, title, testId }: { side: SideStats; title: string; testId: string }) {
  return (
    <div className="side">
      <h4>
        {title} <span className="muted">({side.lang || '?'})</span>
      </h4>
      <p className="muted small">
        {formatInt(side.tokens)} tokens · {formatInt(side.vocabulary)} distinct words · mean length{' '}
        {formatNum(side.meanLength)} · max {formatInt(side.maxLength)}
      </p>
      <Histogram
        histogram={side.histogram}
        title={`${title} sentence lengths (tokens)`}
        testId={testId}
      />
      {side.topTokens.length > 0 && (
        <p className="small muted top-tokens">
          Most frequent:{' '}
          {side.topTokens.slice(0, 12).map((t) => (
            <span key={t.token} className="chip">
              {t.token} <span className="muted">{formatInt(t.count)}</span>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

function Cleaning({
  report: r,
  title,
  testId,
}: {
  report: CleaningReport;
  title: string;
  testId: string;
}) {
  const rows: [string, number][] = [
    ['read', r.read],
    ['kept', r.kept],
    ['empty', r.droppedEmpty],
    ['too short', r.droppedTooShort],
    ['too long', r.droppedTooLong],
    ['length ratio', r.droppedRatio],
    ['duplicates', r.droppedDuplicate],
    ['identical sides', r.droppedIdentical],
  ];
  return (
    <div data-testid={testId}>
      <h4>{title}</h4>
      <p className="small">
        {rows.map(([k, v], i) => (
          <span key={k} className={i < 2 ? '' : 'muted'}>
            {i === 2 ? ' · dropped: ' : i > 0 ? ' · ' : ''}
            {k} <strong>{formatInt(v)}</strong>
          </span>
        ))}
      </p>
    </div>
  );
}
