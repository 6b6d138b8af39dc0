import { useEffect } from 'react';
import { fieldIssue } from '../../../../shared/schema/field';
import { DECODE_FIELDS, nbestIssue, type DecodeMode } from '../../../../shared/schema/decode';
import { EmptyState, ErrorNote } from '../../components/Notice';
import { NumberField } from '../../components/NumberField';
import { useStudio } from '../../store';
import { RunCheckpointPicker } from './RunCheckpointPicker';
import { TranslationView } from './TranslationView';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** Playground: translate with a checkpoint, greedy or beam, and look at the attention. */
export function PlaygroundScreen() {
  const runs = useStudio((s) => s.runs);
  const runsLoaded = useStudio((s) => s.runsLoaded);
  const loadRuns = useStudio((s) => s.loadRuns);
  const pgRunId = useStudio((s) => s.pgRunId);
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
  const openInside = useStudio((s) => s.openInside);
  const openedNote = useStudio((s) =>
    s.pgOpenedNote?.runId === s.pgRunId && s.pgOpenedNote?.checkpoint === s.pgCheckpoint
      ? s.pgOpenedNote?.text
      : undefined,
  );

  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);

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

  // The decode schema's checks, as the studio makes them when the request arrives.
  const beamIssue = fieldIssue(DECODE_FIELDS.beamSize, beamSize);
  const alphaIssue = fieldIssue(DECODE_FIELDS.alpha, alpha);
  const nbestProblem =
    fieldIssue(DECODE_FIELDS.nbest, nbest) ??
    (beamIssue === undefined ? nbestIssue({ mode, beamSize, nbest })?.message : undefined);
  const beamIssues = [beamIssue, alphaIssue, nbestProblem].filter((m) => m !== undefined);
  const formBad = mode === 'beam' && beamIssues.length > 0;

  return (
    <>
      <header className="screen-head">
        <h1>Playground</h1>
        <p className="muted">
          Translate with any checkpoint and look inside the model:{' '}
          <button
            type="button"
            className="link"
            data-testid="pg-open-inside"
            disabled={!pgRunId}
            onClick={() => openInside()}
          >
            see every layer, head, mask and the beam tree in Inside
          </button>
          .
        </p>
      </header>
      <section className="panel" aria-labelledby="pg-title">
        <h2 id="pg-title" className="sr-only">
          Translate
        </h2>
        <RunCheckpointPicker testIdPrefix="pg" />
        {openedNote && (
          <p className="muted small" data-testid="pg-opened-note">
            {openedNote}
          </p>
        )}
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
            <div
              role="radiogroup"
              aria-label={DECODE_FIELDS.mode.label}
              title={DECODE_FIELDS.mode.help}
              className="segmented"
            >
              {DECODE_FIELDS.mode.options.map((o) => (
                <label key={o.value} className={mode === o.value ? 'active' : ''}>
                  <input
                    type="radio"
                    name="mode"
                    value={o.value}
                    checked={mode === o.value}
                    data-testid={`mode-${o.value}`}
                    onChange={() => set({ pgMode: o.value as DecodeMode })}
                  />
                  {o.label}
                </label>
              ))}
            </div>
            {mode === 'beam' && (
              <>
                <NumberField
                  field={DECODE_FIELDS.beamSize}
                  value={beamSize}
                  onChange={(v) => set({ pgBeamSize: v })}
                  testId="beam-size"
                  invalid={beamIssue !== undefined}
                  inline
                />
                <NumberField
                  field={DECODE_FIELDS.alpha}
                  value={alpha}
                  onChange={(v) => set({ pgAlpha: v })}
                  testId="beam-alpha"
                  invalid={alphaIssue !== undefined}
                  inline
                />
                <NumberField
                  field={DECODE_FIELDS.nbest}
                  value={nbest}
                  onChange={(v) => set({ pgNbest: v })}
                  testId="beam-nbest"
                  invalid={nbestProblem !== undefined}
                  inline
                />
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
          {formBad && (
            <p className="field-issue" role="alert" data-testid="beam-issues">
              {beamIssues.join(' ')}
            </p>
          )}
        </form>
        <ErrorNote testId="translate-error">{error}</ErrorNote>
      </section>
      {result && <TranslationView result={result} />}
    </>
  );
}
