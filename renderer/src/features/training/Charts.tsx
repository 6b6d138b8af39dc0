import { useEffect } from 'react';
import type { RunInfo } from '../../../../shared/types';
import { MetricChart, RUN_COLORS, type ChartSeries } from '../../components/MetricChart';
import { ErrorNote } from '../../components/Notice';
import { derived, ema } from '../../lib/series';
import { useStudio } from '../../store';
import type { BleuPoint, RunSeries, TrainPoint, ValidPoint } from '../../store/trainingSlice';

type Pick = { run: RunInfo; color: string; s: RunSeries | undefined };
type Pt = { step: number; value: number };

// Point arrays derived once per store array, so unchanged charts keep their props.
const trainLoss = derived<TrainPoint, Pt[]>('loss');
const trainLr = derived<TrainPoint, Pt[]>('lr');
const trainTps = derived<TrainPoint, Pt[]>('tps');
const validLoss = derived<ValidPoint, Pt[]>('vloss');
const validPpl = derived<ValidPoint, Pt[]>('ppl');
const bleuBleu = derived<BleuPoint, Pt[]>('bleu');
const bleuChrf = derived<BleuPoint, Pt[]>('chrf');
const smoothCache = new WeakMap<TrainPoint[], { w: number; points: Pt[] }>();
const EMPTY: Pt[] = [];

function smoothed(train: TrainPoint[], w: number): Pt[] {
  const hit = smoothCache.get(train);
  if (hit && hit.w === w) return hit.points;
  const values = ema(
    train.map((p) => p.loss),
    w,
  );
  const points = train.map((p, i) => ({ step: p.step, value: values[i] ?? p.loss }));
  smoothCache.set(train, { w, points });
  return points;
}

function build(
  picks: Pick[],
  get: (s: RunSeries) => Pt[],
  suffix: string,
  opts: { dashed?: boolean; label?: string } = {},
): ChartSeries[] {
  return picks.map(({ run, color, s }) => ({
    key: `${run.id}:${suffix}`,
    name: opts.label ? `${run.name} ${opts.label}` : run.name,
    color,
    points: s ? get(s) : EMPTY,
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
    const raw = s?.train;
    return [
      {
        key: `${r.id}:raw`,
        name: `${r.name} (raw)`,
        color,
        faint: true,
        hideLegend: true,
        points: raw
          ? trainLoss(raw, (a) => a.map((p) => ({ step: p.step, value: p.loss })))
          : EMPTY,
      },
      {
        key: `${r.id}:loss`,
        name: r.name,
        color,
        points: raw ? smoothed(raw, smoothing) : EMPTY,
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
            (s) => validLoss(s.valid, (a) => a.map((p) => ({ step: p.step, value: p.loss }))),
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
            (s) => validPpl(s.valid, (a) => a.map((p) => ({ step: p.step, value: p.perplexity }))),
            'ppl',
          )}
          empty={`First point at step ${run.train.validEvery}.`}
        />
        <MetricChart
          title="BLEU and chrF"
          testId="chart-bleu"
          series={[
            ...build(
              picks,
              (s) => bleuBleu(s.bleu, (a) => a.map((p) => ({ step: p.step, value: p.bleu }))),
              'bleu',
              {
                label: 'BLEU',
              },
            ),
            ...build(
              picks,
              (s) => bleuChrf(s.bleu, (a) => a.map((p) => ({ step: p.step, value: p.chrf }))),
              'chrf',
              {
                dashed: true,
                label: 'chrF',
              },
            ),
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
          series={build(
            picks,
            (s) => trainLr(s.train, (a) => a.map((p) => ({ step: p.step, value: p.lr }))),
            'lr',
          )}
        />
        <MetricChart
          title="Tokens per second"
          testId="chart-tokens"
          series={build(
            picks,
            (s) =>
              trainTps(s.train, (a) => a.map((p) => ({ step: p.step, value: p.tokensPerSec }))),
            'tps',
          )}
        />
      </div>
    </section>
  );
}
