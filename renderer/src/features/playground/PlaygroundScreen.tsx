import { useEffect } from 'react';
import { Heatmap } from '../../components/Heatmap';
import { EmptyState, ErrorNote } from '../../components/Notice';
import { useStudio } from '../../store';
import type { Translation } from '../../../../shared/types';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** Playground: translate with a checkpoint, greedy or beam, and look at the attention. */
export function PlaygroundScreen() {
  const runs = useStudio((s) => s.runs);
  const runsLoaded = useStudio((s) => s.runsLoaded);
  const loadRuns = useStudio((s) => s.loadRuns);
  const selectedRunId = useStudio((s) => s.selectedRunId);
  const pgRunId = useStudio((s) => s.pgRunId);
  const setRun = useStudio((s) => s.setPlaygroundRun);
  const checkpoint = useStudio((s) => s.pgCheckpoint);
  const ckpts = useStudio((s) => (s.pgRunId ? s.checkpoints[s.pgRunId] : undefined));
  const text = useStudio((s) => s.pgText);
  const mode = useStudio((s) => s.pgMode);
  const beamSize = useStudio((s) => s.pgBeamSize);
  const alpha = useStudio((s) => s.pgAlpha);
  const nbest = useStudio((s) => s.pgNbest);
  const set = useStudio((s) => s.setPlayground);
  const translate = useStudio((s) => s.translate);
  const busy = useStudio((s) => s.pgBusy);
  const error = useStudio((s) => s.pgError);
  const result = useStudio((s) => s.pgResult);
  const seq = useStudio((s) => s.pgSeq);
  const setScreen = useStudio((s) => s.setScreen);

  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);

  // Default to the run selected elsewhere (remembered).
  useEffect(() => {
    if (!pgRunId && runs.length > 0) {
      const id = runs.some((r) => r.id === selectedRunId) ? selectedRunId : runs[0]?.id;
      if (id) setRun(id);
    }
  }, [pgRunId, runs, selectedRunId, setRun]);

  if (runsLoaded && runs.length === 0) {
    return (
      <>
        <header className="screen-head">
          <h1>Playground</h1>
        </header>
        <section className="panel">
          <EmptyState title="Nothing to translate with yet" testId="playground-empty">
            Train a model first:{' '}
            <button type="button" className="link" onClick={() => setScreen('train')}>
              start a tiny run in Train
            </button>{' '}
            — its first checkpoint is enough to try it out here.
          </EmptyState>
        </section>
      </>
    );
  }

  const beamWidthBad = !Number.isInteger(beamSize) || beamSize < 1 || beamSize > 64;
  const alphaBad = !(alpha >= 0 && alpha <= 5);
  const nbestBad = !Number.isInteger(nbest) || nbest < 1 || nbest > beamSize;
  const formBad = mode === 'beam' && (beamWidthBad || alphaBad || nbestBad);

  return (
    <>
      <header className="screen-head">
        <h1>Playground</h1>
        <p className="muted">Translate with any checkpoint and look inside the model.</p>
      </header>
      <section className="panel" aria-labelledby="pg-title">
        <h2 id="pg-title" className="sr-only">
          Translate
        </h2>
        <div className="grid">
          <label>
            Run
            <select
              value={pgRunId ?? ''}
              data-testid="pg-run"
              onChange={(e) => setRun(e.target.value || undefined)}
            >
              {!pgRunId && <option value="">Pick a run…</option>}
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.status}, step {r.step})
                </option>
              ))}
            </select>
          </label>
          <label>
            Checkpoint
            <select
              value={checkpoint}
              data-testid="pg-checkpoint"
              onChange={(e) => set({ pgCheckpoint: e.target.value })}
            >
              <option value="best">best</option>
              <option value="last">last</option>
              {(ckpts?.list ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.id}
                  {c.best ? ' ★' : ''}
                </option>
              ))}
            </select>
          </label>
        </div>
        <form
          noValidate
          data-testid="translate-form"
          data-seq={seq}
          data-busy={busy}
          onSubmit={(e) => {
            e.preventDefault();
            void translate();
          }}
        >
          <label className="block">
            Source sentence
            <textarea
              rows={3}
              value={text}
              placeholder="Type or paste a sentence in the source language"
              data-testid="translate-input"
              onChange={(e) => set({ pgText: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  if (!busy && !formBad) void translate();
                }
              }}
            />
          </label>
          <div className="decode-row">
            <div role="radiogroup" aria-label="Decoding" className="segmented">
              <label className={mode === 'greedy' ? 'active' : ''}>
                <input
                  type="radio"
                  name="mode"
                  value="greedy"
                  checked={mode === 'greedy'}
                  data-testid="mode-greedy"
                  onChange={() => set({ pgMode: 'greedy' })}
                />
                Greedy
              </label>
              <label className={mode === 'beam' ? 'active' : ''}>
                <input
                  type="radio"
                  name="mode"
                  value="beam"
                  checked={mode === 'beam'}
                  data-testid="mode-beam"
                  onChange={() => set({ pgMode: 'beam' })}
                />
                Beam
              </label>
            </div>
            {mode === 'beam' && (
              <>
                <label className={`inline${beamWidthBad ? ' invalid' : ''}`}>
                  Width
                  <input
                    type="number"
                    min={1}
                    max={64}
                    value={Number.isNaN(beamSize) ? '' : beamSize}
                    data-testid="beam-size"
                    onChange={(e) =>
                      set({ pgBeamSize: e.target.value === '' ? NaN : Number(e.target.value) })
                    }
                  />
                </label>
                <label
                  className={`inline${alphaBad ? ' invalid' : ''}`}
                  title="Length penalty: score / ((5 + len) / 6)^alpha"
                >
                  Alpha
                  <input
                    type="number"
                    min={0}
                    max={5}
                    step={0.1}
                    value={Number.isNaN(alpha) ? '' : alpha}
                    data-testid="beam-alpha"
                    onChange={(e) =>
                      set({ pgAlpha: e.target.value === '' ? NaN : Number(e.target.value) })
                    }
                  />
                </label>
                <label className={`inline${nbestBad ? ' invalid' : ''}`}>
                  N-best
                  <input
                    type="number"
                    min={1}
                    max={64}
                    value={Number.isNaN(nbest) ? '' : nbest}
                    data-testid="beam-nbest"
                    onChange={(e) =>
                      set({ pgNbest: e.target.value === '' ? NaN : Number(e.target.value) })
                    }
                  />
                </label>
              </>
            )}
            <button
              type="submit"
              className="btn primary"
              disabled={busy || formBad || !text.trim() || !pgRunId}
              data-testid="translate-button"
            >
              {busy ? 'Translating…' : 'Translate'}
            </button>
            <span className="muted small">{isMac ? '⌘' : 'Ctrl'}+Enter</span>
          </div>
          {mode === 'beam' && formBad && (
            <p className="field-issue" role="alert" data-testid="beam-issues">
              {beamWidthBad ? 'The beam width must be a whole number from 1 to 64. ' : ''}
              {alphaBad ? 'Alpha must be between 0 and 5. ' : ''}
              {nbestBad && !beamWidthBad
                ? `N-best must be a whole number from 1 to the beam width (${beamSize}).`
                : ''}
            </p>
          )}
        </form>
        <ErrorNote testId="translate-error">{error}</ErrorNote>
      </section>
      {result && <TranslationView result={result} />}
    </>
  );
}

function TranslationView({ result }: { result: Translation }) {
  const best = result.hypotheses[0];
  return (
    <>
      <section className="panel" aria-labelledby="out-title" data-testid="translation">
        <div className="panel-head">
          <h2 id="out-title">Translation</h2>
          <span className="muted small">
            <span data-testid="translation-ms">{Math.round(result.ms)}</span> ms · checkpoint{' '}
            <span data-testid="translation-checkpoint">{result.checkpoint}</span>
          </span>
        </div>
        <p className="translation-text" data-testid="translation-output">
          {best?.text ?? ''}
        </p>
        {best && <TokenProbs tokens={best.tokens} logProbs={best.tokenLogProbs} />}
        {result.hypotheses.length > 1 && (
          <>
            <h3>N-best</h3>
            <ol className="nbest" data-testid="nbest-list">
              {result.hypotheses.map((h, i) => (
                <li key={i} data-testid="nbest-item">
                  <span className="nbest-text">{h.text}</span>
                  <span className="muted small num">
                    score {h.score.toFixed(3)} · log p {h.logProb.toFixed(3)}
                  </span>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
      <AttentionPanel result={result} />
    </>
  );
}

function TokenProbs({ tokens, logProbs }: { tokens: string[]; logProbs: number[] }) {
  return (
    <div
      className="token-probs"
      data-testid="token-probs"
      aria-label="Probability of each output token"
    >
      {tokens.map((t, i) => {
        const p = Math.exp(logProbs[i] ?? -Infinity);
        return (
          <div
            key={i}
            className="token-prob"
            title={`${t}: p = ${p.toFixed(3)}`}
            data-testid="token-prob"
          >
            <div className="token-prob-bar">
              <div style={{ height: `${Math.round(p * 100)}%` }} />
            </div>
            <span className="token-prob-label">{t}</span>
            <span className="muted small num">{p.toFixed(2)}</span>
          </div>
        );
      })}
    </div>
  );
}

function AttentionPanel({ result }: { result: Translation }) {
  const kind = useStudio((s) => s.heatKind);
  const layer = useStudio((s) => s.heatLayer);
  const head = useStudio((s) => s.heatHead);
  const set = useStudio((s) => s.setPlayground);
  const att = result.attention;
  const best = result.hypotheses[0];
  if (!att || !best) {
    return (
      <section className="panel">
        <p className="muted">No attention weights came with this translation.</p>
      </section>
    );
  }
  const maps = kind === 'self' ? att.self : att.cross;
  const layers = maps.length;
  const L = Math.min(layer, Math.max(0, layers - 1));
  const heads = maps[L]?.length ?? 0;
  const H = head === 'avg' || head < heads ? head : 'avg';
  const perHead = maps[L] ?? [];
  const weights: number[][] =
    H === 'avg'
      ? (perHead[0] ?? []).map((row, r) =>
          row.map(
            (_, c) =>
              perHead.reduce((sum, hm) => sum + (hm[r]?.[c] ?? 0), 0) / Math.max(1, perHead.length),
          ),
        )
      : (perHead[H] ?? []);
  // Queries are the decoder inputs: <s> then the produced tokens (one row per produced token).
  const rows = weights.length;
  const tgt = best.tokens;
  const rowLabels = Array.from({ length: rows }, (_, i) => tgt[i] ?? `#${i}`);
  const cols = weights[0]?.length ?? 0;
  // Self-attention keys are the decoder inputs: <s> followed by the tokens produced so far.
  const colSource = kind === 'self' ? ['<s>', ...tgt] : result.srcTokens;
  const colLabels = Array.from({ length: cols }, (_, i) => colSource[i] ?? `#${i}`);

  return (
    <section className="panel" aria-labelledby="att-title" data-testid="attention">
      <div className="panel-head">
        <h2 id="att-title">Attention</h2>
        <div className="chart-controls">
          <label className="inline">
            Kind
            <select
              value={kind}
              data-testid="heatmap-kind"
              onChange={(e) => set({ heatKind: e.target.value as 'self' | 'cross' })}
            >
              <option value="cross">cross (decoder → source)</option>
              <option value="self">decoder self</option>
            </select>
          </label>
          <label className="inline">
            Layer
            <select
              value={L}
              data-testid="heatmap-layer"
              onChange={(e) => set({ heatLayer: Number(e.target.value) })}
            >
              {Array.from({ length: layers }, (_, i) => (
                <option key={i} value={i}>
                  {i + 1}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Head
            <select
              value={String(H)}
              data-testid="heatmap-head"
              onChange={(e) =>
                set({ heatHead: e.target.value === 'avg' ? 'avg' : Number(e.target.value) })
              }
            >
              <option value="avg">average of heads</option>
              {Array.from({ length: heads }, (_, i) => (
                <option key={i} value={i}>
                  {i + 1}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {rows > 0 && cols > 0 ? (
        <Heatmap
          weights={weights}
          rowLabels={rowLabels}
          colLabels={colLabels}
          rowTitle="output tokens"
          colTitle={kind === 'self' ? 'decoder inputs' : 'source tokens'}
        />
      ) : (
        <p className="muted">This layer has no weights to show.</p>
      )}
    </section>
  );
}
