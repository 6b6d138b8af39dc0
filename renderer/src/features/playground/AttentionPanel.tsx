/** The attention of the best hypothesis as a heatmap: cross or decoder self-attention, by layer and head. */
import { Heatmap } from '../../components/Heatmap';
import { useStudio } from '../../store';
import type { Translation } from '../../../../shared/types';

export function AttentionPanel({ result }: { result: Translation }) {
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
