import { useEffect } from 'react';
import type { RunInfo } from '../../../../shared/types';
import { MetricChart, RUN_COLORS, type ChartSeries } from '../../components/MetricChart';
import { ErrorNote } from '../../components/Notice';
import { ema } from '../../lib/series';
import { useStudio } from '../../store';
import type { RunSeries } from '../../store/trainingSlice';

type Pick = { run: RunInfo; color: string; s: RunSeries | undefined };

function build(
  picks: Pick[],
  get: (s: RunSeries) => { step: number; value: number }[],
  suffix: string,
  opts: { dashed?: boolean; label?: string } = {},
): ChartSeries[] {
  return picks.map(({ run, color, s }) => ({
    key: `${run.id}:${suffix}`,
    name: opts.label ? `${run.name} ${opts.label}` : run.name,
    color,
    points: s ? get(s) : [],
    ...(opts.dashed ? { dashed: true } : {}),
  }));
}

/** The live charts of the selected run and of the runs picked to compare with it. */
export function Charts({ run }: { run: RunInfo }) {
  const runs = useStudio((s) => s.runs);
  const compare = useStudio((s) => s.compareRunIds);
  const toggleCompare = useStudio((s) => s.toggleCompare);
  const series = useStudio((s) => s.series);
  const smoothing = useStudio((s) => s.smoothing);
  const setSmoothing = useStudio((s) => s.setSmoothing);
  const logScale = useStudio((s) => s.logScale);
  const setLogScale = useStudio((s) => s.setLogScale);
  const loadMetrics = useStudio((s) => s.loadMetrics);

  useEffect(() => {
    void loadMetrics(run.id);
  }, [run.id, loadMetrics]);

  const others = runs.filter((r) => r.id !== run.id);
  const shown = [run, ...others.filter((r) => compare.includes(r.id))];
  const picks: Pick[] = shown.map((r, i) => ({
    run: r,
    color: RUN_COLORS[i % RUN_COLORS.length] ?? '#4f46e5',
    s: series[r.id],
  }));
  const error = series[run.id]?.error;

  const lossSeries: ChartSeries[] = picks.flatMap(({ run: r, color, s }) => {
    const raw = s?.train ?? [];
    const smooth = ema(
      raw.map((p) => p.loss),
      smoothing,
    );
    return [
      {
        key: `${r.id}:raw`,
        name: `${r.name} (raw)`,
        color,
        faint: true,
        hideLegend: true,
        points: raw.map((p) => ({ step: p.step, value: p.loss })),
      },
      {
        key: `${r.id}:loss`,
        name: r.name,
        color,
        points: raw.map((p, i) => ({ step: p.step, value: smooth[i] ?? p.loss })),
      },
    ];
  });

  return (
    <section className="panel" aria-labelledby="charts-title" data-testid="charts">
      <div className="panel-head">
        <h2 id="charts-title">Curves</h2>
        <div className="chart-controls">
          <label className="inline">
            Smoothing
            <input
              type="range"
              min={0}
              max={0.99}
              step={0.01}
              value={smoothing}
              data-testid="chart-smoothing"
              onChange={(e) => setSmoothing(Number(e.target.value))}
            />
            <span className="num small">{smoothing.toFixed(2)}</span>
          </label>
          <label className="check inline">
            <input
              type="checkbox"
              checked={logScale}
              data-testid="chart-log"
              onChange={(e) => setLogScale(e.target.checked)}
            />
            Log scale
          </label>
        </div>
      </div>
      {others.length > 0 && (
        <fieldset className="compare">
          <legend className="muted small">Overlay other runs</legend>
          {others.map((r) => (
            <label key={r.id} className="check inline">
              <input
                type="checkbox"
                checked={compare.includes(r.id)}
                data-testid={`compare-${r.id}`}
                onChange={() => toggleCompare(r.id)}
              />
              {r.name}
            </label>
          ))}
        </fieldset>
      )}
      <ErrorNote testId="metrics-error">{error}</ErrorNote>
      <div className="charts-grid">
        <MetricChart
          title="Training loss"
          testId="chart-train-loss"
          series={lossSeries}
          logScale={logScale}
          empty="The loss appears here once training starts."
        />
        <MetricChart
          title="Validation loss"
          testId="chart-valid-loss"
          logScale={logScale}
          series={build(
            picks,
            (s) => s.valid.map((p) => ({ step: p.step, value: p.loss })),
            'vloss',
          )}
          empty={`First point at step ${run.train.validEvery}.`}
        />
        <MetricChart
          title="Perplexity"
          testId="chart-perplexity"
          logScale={logScale}
          series={build(
            picks,
            (s) => s.valid.map((p) => ({ step: p.step, value: p.perplexity })),
            'ppl',
          )}
          empty={`First point at step ${run.train.validEvery}.`}
        />
        <MetricChart
          title="BLEU and chrF"
          testId="chart-bleu"
          series={[
            ...build(picks, (s) => s.bleu.map((p) => ({ step: p.step, value: p.bleu })), 'bleu', {
              label: 'BLEU',
            }),
            ...build(picks, (s) => s.bleu.map((p) => ({ step: p.step, value: p.chrf })), 'chrf', {
              dashed: true,
              label: 'chrF',
            }),
          ]}
          empty={
            run.train.bleuEvery > 0
              ? `First point at step ${run.train.bleuEvery}.`
              : 'BLEU is off for this run.'
          }
        />
        <MetricChart
          title="Learning rate"
          testId="chart-lr"
          logScale={logScale}
          series={build(picks, (s) => s.train.map((p) => ({ step: p.step, value: p.lr })), 'lr')}
        />
        <MetricChart
          title="Tokens per second"
          testId="chart-tokens"
          series={build(
            picks,
            (s) => s.train.map((p) => ({ step: p.step, value: p.tokensPerSec })),
            'tps',
          )}
        />
      </div>
    </section>
  );
}
