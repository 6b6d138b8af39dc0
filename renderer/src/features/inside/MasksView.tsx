/** View 3: the padding mask and the causal mask, and one head's scores before and after them. */
import type { InsideMasks } from '../../../../shared/inside';
import { scaleFor } from './colour';
import { MatrixSvg } from './MatrixSvg';

export function MasksView({ result }: { result: InsideMasks }) {
  const src = result.batchTokens[1] ?? [];
  const tgt = result.tgtInTokens;
  const encScale = scaleFor(result.encoderScores.before, 'diverging');
  const decScale = scaleFor(result.decoderScores.before, 'diverging');
  const binary = { kind: 'sequential' as const, max: 1 };
  return (
    <div data-testid="view-masks">
      <h4>Padding mask of a batch of two (1 = &lt;pad&gt;, hidden from every query)</h4>
      <MatrixSvg
        values={result.paddingMask}
        rowLabels={['sentence 1', 'sentence 2']}
        colLabels={result.batchTokens[1] ?? []}
        rowTitle="sentences"
        colTitle="positions (tokens of sentence 2)"
        scale={binary}
        legend="masked"
        testId="mask-padding"
      />
      <p className="muted small">
        Sentence 1 is yours; sentence 2 is its first half, padded to the same length so both fit one
        tensor. Sentence 1: {result.batchTokens[0]?.join(' ')}
      </p>
      <h4>
        Encoder layer {result.encoderLayer + 1}, head {result.head + 1}, sentence 2: scores QKᵀ/√d_k
        before and after adding the mask
      </h4>
      <div className="in-pair">
        <MatrixSvg
          values={result.encoderScores.before}
          rowLabels={src}
          colLabels={src}
          rowTitle="queries"
          colTitle="keys"
          scale={encScale}
          legend="score"
          title="before the mask"
          testId="mask-enc-before"
        />
        <MatrixSvg
          values={result.encoderScores.after}
          rowLabels={src}
          colLabels={src}
          rowTitle="queries"
          colTitle="keys"
          scale={encScale}
          legend="score"
          title="after: + mask (−10⁹ on <pad> keys)"
          testId="mask-enc-after"
        />
      </div>
      <h4>Causal mask of the decoder (1 = a later position, hidden)</h4>
      <MatrixSvg
        values={result.causalMask}
        rowLabels={tgt}
        colLabels={tgt}
        rowTitle="decoder positions"
        colTitle="decoder positions"
        scale={binary}
        legend="masked"
        testId="mask-causal"
      />
      <h4>
        Decoder layer {result.decoderLayer + 1}, head {result.head + 1}: self-attention scores
        before and after the causal mask
      </h4>
      <div className="in-pair">
        <MatrixSvg
          values={result.decoderScores.before}
          rowLabels={tgt}
          colLabels={tgt}
          rowTitle="queries"
          colTitle="keys"
          scale={decScale}
          legend="score"
          title="before the mask"
          testId="mask-dec-before"
        />
        <MatrixSvg
          values={result.decoderScores.after}
          rowLabels={tgt}
          colLabels={tgt}
          rowTitle="queries"
          colTitle="keys"
          scale={decScale}
          legend="score"
          title="after: + causal mask (−10⁹ above the diagonal)"
          testId="mask-dec-after"
        />
      </div>
    </div>
  );
}
