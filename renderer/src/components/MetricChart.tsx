/**
 * One live line chart (recharts): several series keyed by run, merged by their x (the step,
 * or the wall-clock time or tokens seen the caller mapped them to), with hover values, even
 * ticks, a note on what the curve means, and CSV / PNG export. Animation and dots are off so
 * long runs stay smooth. A click reports the point of the curve nearest the pointer.
 */
import { memo, useRef, useState, type MutableRefObject } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  useYAxisScale,
  type MouseHandlerDataParam,
} from 'recharts';
import { X_AXIS_LABEL, formatX, ticksFor, type XAxisMode } from '../lib/axis';
import { chartPng, fileStem, saveBlob, toCsv } from '../lib/chartExport';
import { errorMessage, formatNum } from '../lib/format';
import { clickedPoint, type AxisPoint } from '../lib/pointCheckpoint';
import { mergeByStep, thin, type Row } from '../lib/series';

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  /** `step` is the point's x: the step, or its time or tokens seen on those axes (`at`: its step). */
  points: AxisPoint[];
  dashed?: boolean;
  faint?: boolean;
  /** Hidden from the legend (e.g. the raw curve under a smoothed one). */
  hideLegend?: boolean;
}

type YScale = ((value: number) => number | undefined) | undefined;

/** Keeps the chart's y scale where the click handler can read it (recharts exposes it by hook only). */
function YScaleProbe({ into }: { into: MutableRefObject<YScale> }): null {
  const scale = useYAxisScale();
  into.current = scale
    ? (v) => {
        const y = scale(v);
        return typeof y === 'number' ? y : undefined;
      }
    : undefined;
  return null;
}

export const RUN_COLORS = ['var(--accent)', '#f76707', '#12b886', '#e64980', '#339af0', '#fab005'];

/** The chart's rows as CSV: the x, then every series by name (raw ones included). */
export function chartCsv(
  rows: readonly Row[],
  series: readonly ChartSeries[],
  xMode: XAxisMode,
): string {
  return toCsv(rows, [
    {
      header: xMode === 'time' ? 'seconds' : X_AXIS_LABEL[xMode].replace(/ /g, '_'),
      value: (r) => r.step,
    },
    ...series.map((s) => ({ header: s.name, value: (r: Row) => r[s.key] })),
  ]);
}

function MetricChartImpl({
  title,
  series,
  logScale = false,
  testId,
  height = 220,
  empty,
  xMode = 'step',
  note,
  onPointClick,
}: {
  title: string;
  series: ChartSeries[];
  logScale?: boolean;
  testId: string;
  height?: number;
  empty?: string;
  xMode?: XAxisMode;
  /** What the curve means, shown on hover and focus of the (?) beside the title. */
  note?: string;
  /** Makes points clickable: called with the clicked curve's key and its point. */
  onPointClick?: (seriesKey: string, point: AxisPoint) => void;
}) {
  const frame = useRef<HTMLElement>(null);
  const yScale = useRef<YScale>(undefined);
  const [exportError, setExportError] = useState<string | undefined>(undefined);
  const positive = logScale
    ? series.map((s) => ({ ...s, points: s.points.filter((p) => p.value > 0) }))
    : series;
  const rows = mergeByStep(positive.map((s) => ({ key: s.key, points: s.points })));
  const data = thin(rows);
  const points = series.reduce((n, s) => (s.faint ? n : n + s.points.length), 0);
  const primary = series.find((s) => !s.faint) ?? series[0];
  const latest = primary?.points[primary.points.length - 1];
  const ticks = data.length > 0 ? ticksFor(xMode, data[0]!.step, data[data.length - 1]!.step) : [];
  const axisName = X_AXIS_LABEL[xMode];
  const onClick = onPointClick
    ? (state: MouseHandlerDataParam): void => {
        // The row under the pointer, by the x the tooltip shows.
        const x = state.activeLabel;
        const row = typeof x === 'number' ? data.find((r) => r.step === x) : undefined;
        const hit = clickedPoint(row, positive, state.activeCoordinate?.y, yScale.current);
        if (hit) onPointClick(hit.key, hit.point);
      }
    : undefined;

  const exportCsv = (): void =>
    saveBlob(
      new Blob([chartCsv(rows, positive, xMode)], { type: 'text/csv' }),
      `${fileStem(title)}.csv`,
    );
  const exportPng = async (): Promise<void> => {
    const svg = frame.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return;
    try {
      saveBlob(await chartPng(svg, title), `${fileStem(title)}.png`);
      setExportError(undefined);
    } catch (err) {
      setExportError(errorMessage(err));
    }
  };

  return (
    <section className="chart" aria-label={title} data-testid={testId} ref={frame}>
      <header className="chart-head">
        <h3>
          {title}
          {note && (
            <span
              className="chart-note"
              tabIndex={0}
              role="note"
              title={note}
              aria-label={note}
              data-testid={`${testId}-note`}
            >
              ?
            </span>
          )}
        </h3>
        <span className="muted small">
          {latest ? (
            <>
              latest <strong data-testid={`${testId}-latest`}>{formatNum(latest.value, 4)}</strong>{' '}
              at {axisName} {xMode === 'step' ? latest.step : formatX(xMode, latest.step)} ·{' '}
            </>
          ) : null}
          <span data-testid={`${testId}-points`}>{points}</span> points
        </span>
        {data.length > 0 && (
          <span className="chart-export">
            <button
              type="button"
              className="btn ghost small"
              data-testid={`${testId}-csv`}
              onClick={exportCsv}
            >
              CSV
            </button>
            <button
              type="button"
              className="btn ghost small"
              data-testid={`${testId}-png`}
              onClick={() => void exportPng()}
            >
              PNG
            </button>
          </span>
        )}
      </header>
      {exportError && <p className="error small">{exportError}</p>}
      {data.length === 0 ? (
        <div className="chart-empty muted" style={{ height }}>
          {empty ?? 'No points yet.'}
        </div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart
            data={data}
            margin={{ top: 6, right: 12, bottom: 0, left: 0 }}
            onClick={onClick}
            style={onClick ? { cursor: 'pointer' } : undefined}
          >
            <YScaleProbe into={yScale} />
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            <XAxis
              dataKey="step"
              type="number"
              domain={[ticks[0] ?? 'dataMin', ticks[ticks.length - 1] ?? 'dataMax']}
              ticks={ticks}
              interval={0}
              tickFormatter={(v: number) => formatX(xMode, v)}
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
              labelFormatter={(x) =>
                `${axisName} ${typeof x === 'number' ? formatX(xMode, x) : String(x)}`
              }
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
    a.xMode !== b.xMode ||
    a.note !== b.note ||
    a.onPointClick !== b.onPointClick ||
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
