/** An evaluation's scores per checkpoint, and one checkpoint's sentences worst first. */
import { useState } from 'react';
import type { EvaluationResult } from '../../../../shared/evaluation';
import { saveBlob } from '../../lib/chartExport';
import { formatDuration, formatInt, formatNum } from '../../lib/format';
import { hypothesesFileName, hypothesesText, worstFirst } from './sentenceOrder';

/** Sentences shown at first; "Show more" adds as many again. */
const PAGE = 50;

export function EvaluationResults({ result }: { result: EvaluationResult }) {
  const [shownId, setShownId] = useState(result.results[0]?.checkpoint);
  const [limit, setLimit] = useState(PAGE);
  const shown = result.results.find((r) => r.checkpoint === shownId) ?? result.results[0];
  const sentences = shown ? worstFirst(shown.sentences) : [];
  const decode =
    result.decode.mode === 'greedy'
      ? 'greedy'
      : `beam ${result.decode.beamSize}, alpha ${result.decode.alpha}`;
  return (
    <section className="panel" aria-labelledby="eval-results-title" data-testid="eval-results">
      <h2 id="eval-results-title">Results</h2>
      <p className="muted small">
        {result.src} → {result.ref} · {formatInt(shown?.sentences.length ?? 0)} sentences · {decode}{' '}
        · on {result.backend}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Checkpoint</th>
              <th scope="col">BLEU</th>
              <th scope="col">chrF</th>
              <th scope="col">sacreBLEU</th>
              <th scope="col">Time</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {result.results.map((r) => (
              <tr key={r.checkpoint} data-testid="eval-result-row" data-checkpoint={r.checkpoint}>
                <td>
                  <label className="check inline">
                    <input
                      type="radio"
                      name="eval-shown"
                      checked={r.checkpoint === shown?.checkpoint}
                      onChange={() => {
                        setShownId(r.checkpoint);
                        setLimit(PAGE);
                      }}
                    />
                    {r.checkpoint}
                  </label>
                </td>
                <td className="num">
                  <strong data-testid="eval-bleu">{formatNum(r.bleu, 3)}</strong>
                </td>
                <td className="num" data-testid="eval-chrf">
                  {formatNum(r.chrf, 3)}
                </td>
                <td className="signature">
                  <code data-testid="eval-bleu-signature">{r.bleuLine}</code>
                  <code data-testid="eval-chrf-signature">{r.chrfLine}</code>
                  {r.truncated > 0 && (
                    <span className="muted small">
                      {formatInt(r.truncated)} source lines were cut to the model's length.
                    </span>
                  )}
                </td>
                <td className="num">{formatDuration(r.seconds)}</td>
                <td>
                  <button
                    type="button"
                    className="btn small"
                    data-testid={`eval-download-${r.checkpoint}`}
                    onClick={() =>
                      saveBlob(
                        new Blob([hypothesesText(r)], { type: 'text/plain;charset=utf-8' }),
                        hypothesesFileName(result.src, r.checkpoint),
                      )
                    }
                  >
                    Hypotheses
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown && (
        <>
          <h3>Sentences of checkpoint {shown.checkpoint}, worst first</h3>
          <div className="table-wrap">
            <table data-testid="eval-sentences">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">BLEU</th>
                  <th scope="col">chrF</th>
                  <th scope="col">Source</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Hypothesis</th>
                </tr>
              </thead>
              <tbody>
                {sentences.slice(0, limit).map((s) => (
                  <tr key={s.index} data-testid="eval-sentence">
                    <td className="num muted">{s.index + 1}</td>
                    <td className="num" data-testid="eval-sentence-bleu">
                      {formatNum(s.bleu, 3)}
                    </td>
                    <td className="num">{formatNum(s.chrf, 3)}</td>
                    <td>{s.src}</td>
                    <td>{s.ref}</td>
                    <td>{s.hyp}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {sentences.length > limit && (
            <button
              type="button"
              className="btn ghost small"
              data-testid="eval-more"
              onClick={() => setLimit(limit + PAGE)}
            >
              Show {formatInt(Math.min(PAGE, sentences.length - limit))} more of{' '}
              {formatInt(sentences.length - limit)}
            </button>
          )}
        </>
      )}
    </section>
  );
}
