/**
 * View 2: attention of all three kinds, every layer and head. The model view is a grid of
 * small multiples (layers x heads); clicking one enlarges it as a labelled heatmap and as the
 * head view (token-to-token lines).
 */
import { useState } from 'react';
import type { InsideAttention } from '../../../../shared/inside';
import { HEAD_COLOURS, HeadView } from './HeadView';
import { MatrixSvg } from './MatrixSvg';
import { Thumbnail } from './Thumbnail';

type Kind = 'encoder' | 'decoderSelf' | 'cross';

const KINDS: { kind: Kind; label: string; note: string }[] = [
  {
    kind: 'encoder',
    label: 'Encoder self-attention',
    note: 'Every source token attends to every source token (padding excluded).',
  },
  {
    kind: 'decoderSelf',
    label: 'Decoder self-attention (masked)',
    note: 'Decoder position i attends only to positions 0..i: the causal mask zeroes the upper triangle.',
  },
  {
    kind: 'cross',
    label: 'Encoder–decoder attention',
    note: 'Queries from the decoder, keys and values from the encoder output: where each output token looks in the source.',
  },
];

function axes(r: InsideAttention, kind: Kind): { rows: string[]; cols: string[] } {
  if (kind === 'encoder') return { rows: r.srcTokens, cols: r.srcTokens };
  if (kind === 'decoderSelf') return { rows: r.tgtInTokens, cols: r.tgtInTokens };
  return { rows: r.outTokens, cols: r.srcTokens };
}

export function AttentionView({ result }: { result: InsideAttention }) {
  const [kind, setKind] = useState<Kind>('encoder');
  const [pick, setPick] = useState({ layer: 0, head: 0 });
  const [allHeads, setAllHeads] = useState(false);
  const maps = result[kind];
  const layer = Math.min(pick.layer, maps.length - 1);
  const heads = maps[layer]?.length ?? 0;
  const head = Math.min(pick.head, heads - 1);
  const { rows, cols } = axes(result, kind);
  const selected = maps[layer]?.[head] ?? [];
  const info = KINDS.find((k) => k.kind === kind);
  return (
    <div data-testid="view-attention">
      <div className="segmented" role="radiogroup" aria-label="Kind of attention">
        {KINDS.map((k) => (
          <label key={k.kind} className={kind === k.kind ? 'active' : ''}>
            <input
              type="radio"
              name="att-kind"
              checked={kind === k.kind}
              onChange={() => setKind(k.kind)}
              data-testid={`att-kind-${k.kind}`}
            />
            {k.label}
          </label>
        ))}
      </div>
      <p className="muted small">{info?.note}</p>
      <h4>Model view: every layer (rows) and head (columns); click one to enlarge</h4>
      <div className="in-scroll">
        <table className="in-grid" data-testid="att-grid">
          <thead>
            <tr>
              <th />
              {Array.from({ length: heads }, (_, h) => (
                <th
                  key={h}
                  className="small"
                  style={{ color: HEAD_COLOURS[h % HEAD_COLOURS.length] }}
                >
                  head {h + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {maps.map((perHead, l) => (
              <tr key={l}>
                <th className="small">layer {l + 1}</th>
                {perHead.map((w, h) => (
                  <td key={h}>
                    <Thumbnail
                      weights={w}
                      label={`${info?.label ?? ''}, layer ${l + 1}, head ${h + 1}`}
                      selected={l === layer && h === head}
                      onClick={() => setPick({ layer: l, head: h })}
                      testId={`att-thumb-${l}-${h}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h4 data-testid="att-selected">
        Layer {layer + 1}, head {head + 1}
      </h4>
      <div className="in-pair">
        <MatrixSvg
          values={selected}
          rowLabels={rows}
          colLabels={cols}
          rowTitle={kind === 'cross' ? 'output tokens' : 'queries'}
          colTitle={kind === 'cross' ? 'source tokens' : 'keys'}
          scale={{ kind: 'sequential', max: 1 }}
          legend="attention weight"
          testId="att-heatmap"
        />
        <div>
          <label className="inline small">
            <input
              type="checkbox"
              checked={allHeads}
              onChange={(e) => setAllHeads(e.target.checked)}
              data-testid="att-all-heads"
            />{' '}
            all heads of layer {layer + 1} (one colour each)
          </label>
          <HeadView
            maps={maps[layer] ?? []}
            heads={allHeads ? Array.from({ length: heads }, (_, h) => h) : [head]}
            queryTokens={rows}
            keyTokens={cols}
          />
        </div>
      </div>
    </div>
  );
}
