/** View 4: one head's scores and weights with and without 1/√d_k, and the softmax([6, 4]) example. */
import type { InsideSoftmax, SoftmaxPanel } from '../../../../shared/inside';
import { formatNum } from '../../lib/format';
import { MatrixSvg } from './MatrixSvg';

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function Panel({
  title,
  panel,
  tokens,
  testId,
}: {
  title: string;
  panel: SoftmaxPanel;
  tokens: string[];
  testId: string;
}) {
  return (
    <div>
      <h4>{title}</h4>
      <MatrixSvg
        values={panel.weights}
        rowLabels={tokens}
        colLabels={tokens}
        rowTitle="queries"
        colTitle="keys"
        scale={{ kind: 'sequential', max: 1 }}
        legend="softmax weight"
        testId={`${testId}-weights`}
      />
      <p className="small" data-testid={`${testId}-stats`}>
        mean largest weight <strong>{formatNum(mean(panel.rowMax), 3)}</strong> · mean entropy{' '}
        <strong>{formatNum(mean(panel.rowEntropy), 3)}</strong> nats (uniform:{' '}
        {formatNum(Math.log(tokens.length), 3)})
      </p>
      <details>
        <summary className="small">The scores</summary>
        <MatrixSvg
          values={panel.scores}
          rowLabels={tokens}
          colLabels={tokens}
          rowTitle="queries"
          colTitle="keys"
          legend="score"
          testId={`${testId}-scores`}
        />
      </details>
    </div>
  );
}

export function SoftmaxView({ result }: { result: InsideSoftmax }) {
  const [plain, sharp] = result.example;
  return (
    <div data-testid="view-softmax">
      <p className="small" data-testid="softmax-example">
        softmax([{plain?.scores.join(', ')}]) = [
        {plain?.weights.map((w) => formatNum(w, 3)).join(', ')}]; the same scores ×√d_k = ×
        {formatNum(sharp?.factor, 3)}: softmax([
        {sharp?.scores.map((s) => formatNum(s, 3)).join(', ')}]) = [
        {sharp?.weights.map((w) => formatNum(w, 3)).join(', ')}] — nearly one-hot, and its gradient
        nearly 0.
      </p>
      <p className="muted small">
        Encoder layer {result.layer + 1}, head {result.head + 1}, d_k = {result.dk}.
      </p>
      <div className="in-pair">
        <Panel
          title={`Scaled: softmax(QKᵀ / √${result.dk})`}
          panel={result.scaled}
          tokens={result.srcTokens}
          testId="softmax-scaled"
        />
        <Panel
          title="Unscaled: softmax(QKᵀ)"
          panel={result.unscaled}
          tokens={result.srcTokens}
          testId="softmax-unscaled"
        />
      </div>
    </div>
  );
}
