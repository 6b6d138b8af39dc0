/**
 * What the Inside views are computed from: the run, checkpoint and sentence (the same as the
 * Playground's, so a link carries them over), and the knobs of the open view.
 */
import { useStudio } from '../../store';
import { RunCheckpointPicker } from '../playground/RunCheckpointPicker';
import { VIEWS } from './views';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => i);
}

export function InsideControls({ onShow }: { onShow: () => void }) {
  const runs = useStudio((s) => s.runs);
  const runId = useStudio((s) => s.pgRunId);
  const text = useStudio((s) => s.pgText);
  const setPg = useStudio((s) => s.setPlayground);
  const st = {
    view: useStudio((s) => s.inView),
    layer: useStudio((s) => s.inLayer),
    head: useStudio((s) => s.inHead),
    topK: useStudio((s) => s.inTopK),
    beamSize: useStudio((s) => s.inBeamSize),
    alpha: useStudio((s) => s.inAlpha),
  };
  const set = useStudio((s) => s.setInside);
  const setScreen = useStudio((s) => s.setScreen);
  const run = runs.find((r) => r.id === runId);
  const knobs = VIEWS.find((v) => v.name === st.view)?.knobs ?? [];
  const watching = st.view === 'watch';

  const layers = run ? Math.max(run.model.encoderLayers, run.model.decoderLayers) : 1;
  const heads = run?.model.heads ?? 1;
  return (
    <section className="panel" aria-label="What to look inside" data-testid="inside-controls">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onShow();
        }}
      >
        <RunCheckpointPicker testIdPrefix="in" />
        <label className="block">
          Source sentence
          <textarea
            rows={2}
            value={text}
            placeholder="Type a sentence in the source language"
            data-testid="in-text"
            onChange={(e) => setPg({ pgText: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                onShow();
              }
            }}
          />
        </label>
        <div className="decode-row">
          {knobs.includes('layerHead') && (
            <>
              <label className="inline">
                Layer
                <select
                  value={Math.min(st.layer, layers - 1)}
                  data-testid="in-layer"
                  onChange={(e) => set({ inLayer: Number(e.target.value) })}
                >
                  {range(layers).map((i) => (
                    <option key={i} value={i}>
                      {i + 1}
                    </option>
                  ))}
                </select>
              </label>
              <label className="inline">
                Head
                <select
                  value={Math.min(st.head, heads - 1)}
                  data-testid="in-head"
                  onChange={(e) => set({ inHead: Number(e.target.value) })}
                >
                  {range(heads).map((i) => (
                    <option key={i} value={i}>
                      {i + 1}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          {knobs.includes('topK') && (
            <label className="inline">
              Top k
              <select
                value={st.topK}
                data-testid="in-topk"
                onChange={(e) => set({ inTopK: Number(e.target.value) })}
              >
                {[3, 5, 10, 20].map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
          )}
          {knobs.includes('beam') && (
            <>
              <label className="inline">
                Width
                <select
                  value={st.beamSize}
                  data-testid="in-beam"
                  onChange={(e) => set({ inBeamSize: Number(e.target.value) })}
                >
                  {[1, 2, 3, 4, 5, 6, 8].map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </label>
              <label className="inline">
                Alpha
                <select
                  value={st.alpha}
                  data-testid="in-alpha"
                  onChange={(e) => set({ inAlpha: Number(e.target.value) })}
                >
                  {[0, 0.6, 1, 2].map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          <button
            type="submit"
            className="btn primary"
            disabled={!text.trim() || !runId || watching}
            data-testid="in-show"
          >
            Show
          </button>
          <span className="muted small">{isMac ? '⌘' : 'Ctrl'}+Enter</span>
          <button type="button" className="link" onClick={() => setScreen('playground')}>
            Back to the Playground
          </button>
        </div>
      </form>
    </section>
  );
}
