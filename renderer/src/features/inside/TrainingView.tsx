/** View 7: the lr schedule with the checkpoint on it, the label-smoothed target, teacher forcing. */
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { InsideTraining } from '../../../../shared/inside';
import { formatNum } from '../../lib/format';

export function TrainingView({ result }: { result: InsideTraining }) {
  const { lr, smoothing, teacherForcing } = result;
  return (
    <div data-testid="view-training">
      <h4>Learning rate: d_model^-0.5 · min(step^-0.5, step · warmup^-1.5) (paper 5.3)</h4>
      <p className="small" data-testid="tr-lr">
        This checkpoint: step {lr.current.step}, lr {formatNum(lr.current.lr, 3)}; warm-up{' '}
        {lr.warmupSteps} steps, max {lr.maxSteps}
        {lr.maxSteps < 2 * lr.warmupSteps
          ? ' (the curve runs on past the run to show the decay)'
          : ''}
        .
        {lr.budget &&
          ' This run trained with a time budget, whose lr follows a cosine cool-down to the deadline instead; the curve is the step schedule the paper uses.'}
      </p>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={lr.points} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="step"
            type="number"
            domain={['dataMin', 'dataMax']}
            tick={{ fill: 'var(--muted)', fontSize: 11 }}
          />
          <YAxis
            tick={{ fill: 'var(--muted)', fontSize: 11 }}
            width={64}
            tickFormatter={(v) => formatNum(Number(v), 2)}
          />
          <Tooltip
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
            formatter={(v) => formatNum(Number(v), 4)}
          />
          <Line dataKey="lr" stroke="var(--accent)" dot={false} isAnimationActive={false} />
          {lr.maxSteps < (lr.points[lr.points.length - 1]?.step ?? 0) && (
            <ReferenceLine
              x={lr.maxSteps}
              stroke="var(--muted)"
              strokeDasharray="4 3"
              label={{ value: 'max steps', fill: 'var(--muted)', fontSize: 11 }}
            />
          )}
          <ReferenceDot x={lr.current.step} y={lr.current.lr} r={5} fill="#f97316" stroke="none" />
        </LineChart>
      </ResponsiveContainer>
      <h4>
        Label smoothing ε = {smoothing.epsilon} (paper 5.4) for the first target token{' '}
        <code>{smoothing.token}</code>
      </h4>
      <p className="muted small">
        The one-hot target puts 1 on the right token; the smoothed one puts (1 − ε) + ε/V ={' '}
        {formatNum(smoothing.targetProb, 4)} there and ε/V = {formatNum(smoothing.otherProb, 3)} on
        each of the other {smoothing.vocab - 1} tokens, so the model learns to be less sure.
      </p>
      <table className="in-steps" data-testid="tr-smoothing">
        <thead>
          <tr>
            <th>token</th>
            <th>one-hot</th>
            <th>smoothed target</th>
            <th>the model now</th>
          </tr>
        </thead>
        <tbody>
          {smoothing.rows.map((r, i) => (
            <tr key={i}>
              <td>
                <code>{r.token}</code>
              </td>
              {[r.oneHot, r.smoothed, r.model].map((p, j) => (
                <td key={j}>
                  <div className="in-bar" title={formatNum(p, 4)}>
                    <span className="in-bar-fill" style={{ width: `${100 * p}%` }} />
                    <span className="in-bar-text">{formatNum(p, 3)}</span>
                  </div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Teacher forcing: the decoder reads the target shifted right behind &lt;s&gt;</h4>
      <div className="in-scroll">
        <table className="in-steps in-shift" data-testid="tr-shift">
          <tbody>
            <tr>
              <th>position</th>
              {teacherForcing.target.map((_, i) => (
                <td key={i} className="small">
                  {i}
                </td>
              ))}
            </tr>
            <tr>
              <th>decoder input</th>
              {teacherForcing.decoderInput.map((t, i) => (
                <td key={i}>
                  <code>{t}</code>
                </td>
              ))}
            </tr>
            <tr>
              <th>target (predict)</th>
              {teacherForcing.target.map((t, i) => (
                <td key={i}>
                  <code>{t}</code>
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      <p className="muted small">
        In training every position is predicted at once from the true previous tokens; the causal
        mask keeps position i from reading target i itself.
      </p>
    </div>
  );
}
