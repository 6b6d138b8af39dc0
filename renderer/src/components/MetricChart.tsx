/**
 * One live line chart (recharts): several series keyed by run, merged by step, with hover
 * values. Animation and dots are off so long runs stay smooth.
 */
import { memo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatNum } from '../lib/format';
import { mergeByStep, thin } from '../lib/series';

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  points: { step: number; value: number }[];
  dashed?: boolean;
  faint?: boolean;
  /** Hidden from the legend (e.g. the raw curve under a smoothed one). */
  hideLegend?: boolean;
}

export const RUN_COLORS = ['var(--accent)', '#f76707', '#12b886', '#e64980', '#339af0', '#fab005'];

function MetricChartImpl({
  title,
  series,
  logScale = false,
  testId,
  height = 220,
  empty,
}: {
  title: string;
  series: ChartSeries[];
  logScale?: boolean;
  testId: string;
  height?: number;
  empty?: string;
}) {
  const positive = logScale
    ? series.map((s) => ({ ...s, points: s.points.filter((p) => p.value > 0) }))
    : series;
  const data = thin(mergeByStep(positive.map((s) => ({ key: s.key, points: s.points }))));
  const points = series.reduce((n, s) => (s.faint ? n : n + s.points.length), 0);
  const primary = series.find((s) => !s.faint) ?? series[0];
  const latest = primary?.points[primary.points.length - 1];
  return (
    <section className="chart" aria-label={title} data-testid={testId}>
      <header className="chart-head">
        <h3>{title}</h3>
        <span className="muted small">
          {latest ? (
            <>
              latest <strong data-testid={`${testId}-latest`}>{formatNum(latest.value, 4)}</strong>{' '}
              at step {latest.step} ·{' '}
            </>
          ) : null}
          <span data-testid={`${testId}-points`}>{points}</span> points
        </span>
      </header>
      {data.length === 0 ? (
        <div className="chart-empty muted" style={{ height }}>
          {empty ?? 'No points yet.'}
        </div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={data} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              tick={{ fill: 'var(--muted)', fontSize: 11 }}
              stroke="var(--border)"
              allowDecimals={false}
            />
            <YAxis
              scale={logScale ? 'log' : 'linear'}
              domain={['auto', 'auto']}
              allowDataOverflow={false}
              tick={{ fill: 'var(--muted)', fontSize: 11 }}
              stroke="var(--border)"
              width={56}
              tickFormatter={(v: number) => formatNum(v, 3)}
            />
            <Tooltip
              contentStyle={{
                background: 'var(--panel)',
                border: '1px solid var(--border)',
                borderRadius: 8,
                fontSize: 12,
              }}
              labelFormatter={(step) => `step ${String(step)}`}
              formatter={(v) => (typeof v === 'number' ? formatNum(v, 4) : String(v))}
            />
            {series.filter((x) => !x.hideLegend).length > 1 && (
              <Legend wrapperStyle={{ fontSize: 12 }} />
            )}
            {positive.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                strokeOpacity={s.faint ? 0.25 : 1}
                strokeWidth={s.faint ? 1 : 1.8}
                strokeDasharray={s.dashed ? '5 4' : undefined}
                dot={!s.faint && s.points.length <= 15 ? { r: 2 } : false}
                activeDot={s.faint ? false : { r: 3 }}
                isAnimationActive={false}
                connectNulls
                legendType={s.hideLegend ? 'none' : 'line'}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </section>
  );
}

/** Re-renders only when a series' points (by identity) or the options change. */
export const MetricChart = memo(MetricChartImpl, (a, b) => {
  if (
    a.title !== b.title ||
    a.logScale !== b.logScale ||
    a.empty !== b.empty ||
    a.height !== b.height ||
    a.series.length !== b.series.length
  )
    return false;
  return a.series.every((s, i) => {
    const t = b.series[i];
    return (
      t !== undefined &&
      s.key === t.key &&
      s.name === t.name &&
      s.color === t.color &&
      s.points === t.points &&
      s.dashed === t.dashed &&
      s.faint === t.faint
    );
  });
});
