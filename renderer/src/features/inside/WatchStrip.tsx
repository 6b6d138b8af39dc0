/**
 * View 9, watch it learn: the run's pinned sentences as the engine translated them at each
 * validation point, with the last layer's cross-attention (mean over heads) as a small
 * multiple, so the alignment can be seen sharpening. Refreshed every few seconds while the
 * run trains; a step with a checkpoint opens it in the Playground.
 */
import { useEffect, useState } from 'react';
import { MAX_PINS } from '../../../../shared/inside';
import { ErrorNote } from '../../components/Notice';
import { useStudio } from '../../store';
import { Thumbnail } from './Thumbnail';

/** How often the strip re-reads the recordings while the run trains. */
const REFRESH_MS = 5000;

export function WatchStrip({ runId }: { runId: string }) {
  const watch = useStudio((s) => (s.inWatch?.runId === runId ? s.inWatch : undefined));
  const error = useStudio((s) => s.inWatchError);
  const loadWatch = useStudio((s) => s.loadWatch);
  const pinWatch = useStudio((s) => s.pinWatch);
  const training = useStudio((s) => s.runs.find((r) => r.id === runId)?.status === 'running');
  const ckpts = useStudio((s) => s.checkpoints[runId]?.list);
  const openInPlayground = useStudio((s) => s.openInPlayground);
  const [draft, setDraft] = useState<string | undefined>();

  useEffect(() => {
    void loadWatch(runId);
    if (!training) return;
    const timer = setInterval(() => void loadWatch(runId), REFRESH_MS);
    return () => clearInterval(timer);
  }, [runId, training, loadWatch]);

  const pins = watch?.pins ?? [];
  const text = draft ?? pins.join('\n');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const records = watch?.records ?? [];
  const checkpointIds = new Set((ckpts ?? []).map((c) => c.id));
  return (
    <div data-testid="view-watch">
      <label className="block">
        Pinned sentences (one per line, at most {MAX_PINS})
        <textarea
          rows={3}
          value={text}
          data-testid="watch-pins"
          onChange={(e) => setDraft(e.target.value)}
        />
      </label>
      <button
        type="button"
        className="btn"
        data-testid="watch-save"
        disabled={lines.length > MAX_PINS || draft === undefined}
        onClick={() => {
          void pinWatch(runId, lines).then(() => setDraft(undefined));
        }}
      >
        Pin for this run
      </button>{' '}
      <span className="muted small">
        Recorded at every validation point from now on{training ? ' (the run is training)' : ''}.
      </span>
      <ErrorNote testId="watch-error">{error}</ErrorNote>
      {records.length === 0 ? (
        <p className="muted" data-testid="watch-empty">
          Nothing recorded yet: pin sentences, then train (or resume) the run; each validation point
          adds a row.
        </p>
      ) : (
        <div className="in-scroll">
          <table className="in-steps" data-testid="watch-table">
            <thead>
              <tr>
                <th>step</th>
                {(records[records.length - 1]?.translations ?? []).map((t, i) => (
                  <th key={i} className="small">
                    {t.text}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={`${r.step}-${r.time}`} data-testid={`watch-row-${r.step}`}>
                  <td className="small">
                    {r.step}
                    {checkpointIds.has(String(r.step)) && (
                      <>
                        <br />
                        <button
                          type="button"
                          className="link small"
                          onClick={() => openInPlayground(runId, String(r.step))}
                        >
                          open in Playground
                        </button>
                      </>
                    )}
                  </td>
                  {r.translations.map((t, i) => (
                    <td key={i}>
                      <code className="small">{t.tokens.join(' ')}</code>
                      <Thumbnail
                        weights={t.cross}
                        label={`Cross-attention of "${t.text}" at step ${r.step}`}
                        selected={false}
                        onClick={() => undefined}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
