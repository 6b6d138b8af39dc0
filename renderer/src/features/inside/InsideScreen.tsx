/**
 * Inside: every part of the Transformer, live, on the selected checkpoint and the typed
 * sentence (shared with the Playground). One engine call per view; the numbers are the
 * engine worker's, this screen only draws them.
 */
import { useEffect, type ReactNode } from 'react';
import type { InsideCallName } from '../../../../shared/inside';
import { EmptyState, ErrorNote } from '../../components/Notice';
import { useStudio } from '../../store';
import './inside.css';
import { InsideControls } from './InsideControls';
import { VIEWS } from './views';
import { WatchStrip } from './WatchStrip';

export function InsideScreen() {
  const runs = useStudio((s) => s.runs);
  const runsLoaded = useStudio((s) => s.runsLoaded);
  const loadRuns = useStudio((s) => s.loadRuns);
  const view = useStudio((s) => s.inView);
  const set = useStudio((s) => s.setInside);
  const load = useStudio((s) => s.loadInside);
  const entry = useStudio((s) => (s.inView === 'watch' ? undefined : s.inEntries[s.inView]));
  const seq = useStudio((s) => s.inSeq);
  const setScreen = useStudio((s) => s.setScreen);
  // Knobs and the checkpoint recompute at once; the sentence waits for "Show" (no call per keystroke).
  const runId = useStudio((s) => s.pgRunId);
  const checkpoint = useStudio((s) => s.pgCheckpoint);
  const knobs = useStudio((s) => [s.inLayer, s.inHead, s.inTopK, s.inBeamSize, s.inAlpha].join());
  const hasRequest = useStudio((s) => Boolean((s.pgRunId ?? s.selectedRunId) && s.pgText.trim()));

  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);

  useEffect(() => {
    if (view !== 'watch') void load(view);
  }, [load, view, runId, checkpoint, knobs]);

  if (runsLoaded && runs.length === 0) {
    return (
      <>
        <header className="screen-head">
          <h1>Inside</h1>
        </header>
        <section className="panel">
          <EmptyState title="No model to look inside yet" testId="inside-empty">
            <button type="button" className="link" onClick={() => setScreen('train')}>
              Train a tiny run
            </button>{' '}
            first; its first checkpoint is enough.
          </EmptyState>
        </section>
      </>
    );
  }

  const spec = VIEWS.find((v) => v.name === view);
  const result = entry?.result;
  return (
    <>
      <header className="screen-head">
        <h1>Inside</h1>
        <p className="muted">
          Every part of the Transformer on your own checkpoint and sentence, computed by the engine.
        </p>
      </header>
      <InsideControls onShow={() => view !== 'watch' && void load(view, true)} />
      <div className="in-tabs" role="tablist" aria-label="Inside views" data-testid="inside-tabs">
        {VIEWS.map((v, i) => (
          <button
            key={v.name}
            type="button"
            className={`in-tab${v.name === view ? ' active' : ''}`}
            role="tab"
            aria-selected={v.name === view}
            data-testid={`inside-tab-${v.name}`}
            onClick={() => set({ inView: v.name as InsideCallName })}
          >
            <span className="muted small">{i + 1}</span> {v.title}
          </button>
        ))}
        <button
          type="button"
          className={`in-tab${view === 'watch' ? ' active' : ''}`}
          role="tab"
          aria-selected={view === 'watch'}
          data-testid="inside-tab-watch"
          onClick={() => set({ inView: 'watch' })}
        >
          <span className="muted small">{VIEWS.length + 1}</span> Watch it learn
        </button>
      </div>
      {view === 'watch' || spec === undefined ? (
        <section className="panel" aria-labelledby="inside-watch-title" data-testid="inside-watch">
          <div className="panel-head">
            <h2 id="inside-watch-title">Watch it learn</h2>
            <span className="muted small">
              Paper 5.2 (training), 3.2.3 (encoder-decoder attention)
            </span>
          </div>
          <p className="in-explain">
            Pin a few sentences: at every validation point the engine translates them with the model
            being trained and keeps the last layer&apos;s cross-attention, so you can watch the
            translations improve and the alignment sharpen from row to row.
          </p>
          {runId ? <WatchStrip runId={runId} /> : <p className="muted">Pick a run above.</p>}
        </section>
      ) : (
        <section
          className="panel"
          aria-labelledby="inside-view-title"
          data-testid="inside-view"
          data-view={view}
          data-seq={seq}
          data-busy={entry?.busy ?? false}
        >
          <div className="panel-head">
            <h2 id="inside-view-title">{spec.title}</h2>
            <span className="muted small" data-testid="inside-paper">
              {spec.paper}
            </span>
          </div>
          <p className="in-explain" data-testid="inside-explain">
            {spec.explain}
          </p>
          {!hasRequest && (
            <p className="muted" data-testid="inside-need-text">
              Pick a run and type a sentence above, then press Show.
            </p>
          )}
          {entry?.busy && <p className="muted small">Computing in the engine…</p>}
          <ErrorNote testId="inside-error">{entry?.error}</ErrorNote>
          {result !== undefined && (spec.render as (r: typeof result) => ReactNode)(result)}
        </section>
      )}
    </>
  );
}
