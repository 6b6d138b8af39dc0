/** View 6: the top-k next tokens at each output step, the one taken marked, <unk> in the input flagged. */
import type { InsideTokenProbs } from '../../../../shared/inside';
import { formatNum } from '../../lib/format';

export function TokenProbsView({ result }: { result: InsideTokenProbs }) {
  const unk = result.srcTokens.filter((_, i) => result.srcUnk[i]);
  return (
    <div data-testid="view-tokenprobs">
      <p className="small in-tokens" data-testid="tp-source">
        Input:{' '}
        {result.srcTokens.map((t, i) => (
          <span key={i} className={result.srcUnk[i] ? 'in-flag' : 'in-token'}>
            {t}
          </span>
        ))}
      </p>
      {unk.length > 0 && (
        <p className="in-flag small" data-testid="tp-unk">
          {unk.length} input token{unk.length === 1 ? ' is' : 's are'} &lt;unk&gt;: characters the
          tokenizer never saw in training. The model reads them all as one vector.
        </p>
      )}
      <div className="in-scroll">
        <table className="in-steps" data-testid="tp-table">
          <thead>
            <tr>
              <th>step</th>
              <th>taken</th>
              <th>top alternatives</th>
            </tr>
          </thead>
          <tbody>
            {result.steps.map((s, t) => (
              <tr key={t} data-testid={`tp-step-${t}`}>
                <td className="small">{t + 1}</td>
                <td>
                  <code>{s.chosen}</code>{' '}
                  <span className="small" data-testid={`tp-chosen-${t}`}>
                    {formatNum(s.chosenProb, 3)}
                  </span>
                </td>
                <td>
                  <div className="in-bars">
                    {s.top.map((c, j) => (
                      <div
                        key={j}
                        className={`in-bar${c.token === s.chosen ? ' chosen' : ''}`}
                        title={`${c.token}: ${formatNum(c.prob, 4)}`}
                      >
                        <span className="in-bar-fill" style={{ width: `${100 * c.prob}%` }} />
                        <span className="in-bar-text">
                          <code>{c.token}</code> {formatNum(c.prob, 3)}
                        </span>
                      </div>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
