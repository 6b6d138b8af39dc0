/** View 1: the positional encoding table, position similarity, scaled token vectors and their sum. */
import type { InsideEmbeddings } from '../../../../shared/inside';
import { formatNum } from '../../lib/format';
import { CanvasMatrix } from './CanvasMatrix';
import { MatrixSvg } from './MatrixSvg';

/** Width of one dimension's column, so d_model = 512 still fits a panel. */
function cellWidth(dModel: number): number {
  return Math.max(1, Math.min(12, Math.floor(640 / dModel)));
}

export function EmbeddingsView({ result }: { result: InsideEmbeddings }) {
  const positions = result.positional.map((_, i) => String(i));
  const cellW = cellWidth(result.dModel);
  const unk = result.srcUnk.filter(Boolean).length;
  return (
    <div data-testid="view-embeddings">
      <h4>
        {result.kind === 'sinusoidal'
          ? 'Sinusoidal positional encoding PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(…)'
          : 'Learned position embeddings (paper Table 3, row E)'}
      </h4>
      <CanvasMatrix
        values={result.positional}
        rowLabels={positions}
        rowTitle="position"
        colTitle="dimension"
        cellW={cellW}
        cellH={6}
        scale={{ kind: 'diverging', max: 1 }}
        legend="PE value"
        testId="pe-table"
      />
      <h4>Similarity of positions: PE(i) · PE(j)</h4>
      <p className="muted small">
        Nearby positions have similar encodings; the dot product falls off with distance, which is
        how the model can attend by relative position.
      </p>
      <CanvasMatrix
        values={result.positionSimilarity}
        rowLabels={positions}
        rowTitle="position"
        colTitle="position"
        cellW={8}
        cellH={8}
        legend="dot product"
        testId="pe-similarity"
      />
      <h4>
        The sentence: token vectors × √d_model = × {formatNum(result.scale, 4)}
        {unk > 0 && (
          <span className="in-flag" data-testid="emb-unk">
            {' '}
            {unk} &lt;unk&gt; in the input
          </span>
        )}
      </h4>
      <CanvasMatrix
        values={result.tokenEmbeddings}
        rowLabels={result.srcTokens}
        rowTitle="token"
        colTitle="dimension"
        cellW={cellW}
        cellH={14}
        legend="embedding × √d_model"
        testId="emb-tokens"
      />
      <h4>Their sum with the positional encoding: what enters encoder layer 1</h4>
      <CanvasMatrix
        values={result.sum}
        rowLabels={result.srcTokens}
        rowTitle="token"
        colTitle="dimension"
        cellW={cellW}
        cellH={14}
        legend="embedding + PE"
        testId="emb-sum"
      />
      {result.srcTokens.length <= 24 && (
        <details>
          <summary className="small">First 8 dimensions as numbers</summary>
          <MatrixSvg
            values={result.sum.map((r) => r.slice(0, 8))}
            rowLabels={result.srcTokens}
            colLabels={Array.from({ length: 8 }, (_, i) => `d${i}`)}
            rowTitle="tokens"
            colTitle="dimensions"
            legend="embedding + PE"
            testId="emb-sum-numbers"
          />
        </details>
      )}
    </div>
  );
}
