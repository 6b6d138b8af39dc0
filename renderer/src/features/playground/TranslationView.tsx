/** The translation of the playground: the best hypothesis, its token probabilities, the n-best list and the attention. */
import type { Translation } from '../../../../shared/types';
import { AttentionPanel } from './AttentionPanel';

export function TranslationView({ result }: { result: Translation }) {
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
