/** View 8: greedy decoding with and without the key/value cache, and the cache's size per step. */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { InsideKvCache } from '../../../../shared/inside';
import { formatBytes, formatNum } from '../../lib/format';

export function KvCacheView({ result }: { result: InsideKvCache }) {
  const speedup = result.uncachedMs / Math.max(1e-6, result.cachedMs);
  const data = result.perStep.map((s) => ({
    step: s.step,
    self: s.selfBytes / 1024,
    cross: s.crossBytes / 1024,
  }));
  const last = result.perStep[result.perStep.length - 1];
  return (
    <div data-testid="view-kvcache">
      <table className="in-steps">
        <tbody>
          <tr>
            <th>with the cache</th>
            <td data-testid="kv-cached-ms">{formatNum(result.cachedMs, 3)} ms</td>
          </tr>
          <tr>
            <th>without (re-run the decoder on the whole prefix each step)</th>
            <td data-testid="kv-uncached-ms">{formatNum(result.uncachedMs, 3)} ms</td>
          </tr>
          <tr>
            <th>speed-up</th>
            <td data-testid="kv-speedup">{formatNum(speedup, 3)}×</td>
          </tr>
          <tr>
            <th>same tokens both ways</th>
            <td data-testid="kv-same">
              {result.sameOutput ? 'yes' : 'NO — a bug, please report it'}
            </td>
          </tr>
          <tr>
            <th>cache after {result.perStep.length} steps</th>
            <td data-testid="kv-bytes">
              {last ? formatBytes(last.selfBytes + last.crossBytes) : '–'} (self{' '}
              {last ? formatBytes(last.selfBytes) : '–'}, cross{' '}
              {last ? formatBytes(last.crossBytes) : '–'})
            </td>
          </tr>
        </tbody>
      </table>
      <p className="small">
        Output: <code>{result.tokens.join(' ')}</code> ({result.srcLen} source tokens)
      </p>
      <h4>Cache size per step (KiB, one hypothesis)</h4>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="step" tick={{ fill: 'var(--muted)', fontSize: 11 }} />
          <YAxis tick={{ fill: 'var(--muted)', fontSize: 11 }} width={48} />
          <Tooltip
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
            formatter={(v) => `${formatNum(Number(v), 3)} KiB`}
          />
          <Legend />
          <Bar
            dataKey="cross"
            name="cross-attention K/V (fixed)"
            stackId="kv"
            fill="#f97316"
            isAnimationActive={false}
          />
          <Bar
            dataKey="self"
            name="self-attention K/V (grows)"
            stackId="kv"
            fill="var(--accent)"
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
