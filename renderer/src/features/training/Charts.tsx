import { useCallback, useEffect, useState } from 'react';
import type { RunInfo } from '../../../../shared/types';
import { MetricChart, RUN_COLORS, type ChartSeries } from '../../components/MetricChart';
import { ErrorNote } from '../../components/Notice';
import { X_AXIS_LABEL, type XAxisMode } from '../../lib/axis';
import { loggedStep, placeOnAxis, type AxisPoint } from '../../lib/pointCheckpoint';
import { derived, ema } from '../../lib/series';
import { useStudio } from '../../store';
import type { BleuPoint, RunSeries, TrainPoint, ValidPoint } from '../../store/trainingSlice';
import { CompareSettings } from './CompareSettings';

type Pick = { run: RunInfo; color: string; s: RunSeries | undefined };
type Pt = AxisPoint;

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
const NO_TRAIN: TrainPoint[] = [];
const axisCache = new WeakMap<Pt[], { mode: XAxisMode; train: TrainPoint[]; out: Pt[] }>();

/** A run's points on the chosen x-axis (cached by identity, so unchanged charts skip a render). */
function placed(points: Pt[], train: TrainPoint[] | undefined, mode: XAxisMode): Pt[] {
  if (mode === 'step') return points;
  const source = train ?? NO_TRAIN;
  const hit = axisCache.get(points);
  if (hit && hit.mode === mode && hit.train === source) return hit.out;
  const out = placeOnAxis(points, source, mode);
  axisCache.set(points, { mode, train: source, out });
  return out;
}

/** Why training loss and validation loss differ, on hover of the loss charts. */
function lossNote(labelSmoothing: number): string {
  return `Training loss is the label-smoothed cross-entropy (ε = ${labelSmoothing}) per target token of each training batch, with dropout on: what the optimiser minimises. Validation loss is the plain cross-entropy (no smoothing, no dropout) over the validation split, the one perplexity comes from. They are different quantities: smoothing keeps the training loss above what the model's plain cross-entropy is, so a training loss above the validation loss is expected, not a bug.`;
}

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
  mode: XAxisMode,
  opts: { dashed?: boolean; label?: string } = {},
): ChartSeries[] {
  return picks.map(({ run, color, s }) => ({
    key: `${run.id}:${suffix}`,
    name: opts.label ? `${run.name} ${opts.label}` : run.name,
    color,
    points: s ? placed(get(s), s.train, mode) : EMPTY,
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
  const xAxis = useStudio((s) => s.xAxis);
  const setXAxis = useStudio((s) => s.setXAxis);
  const openStep = useStudio((s) => s.openStepInPlayground);
  // Why the last click on a point opened nothing, for the run it was made on.
  const [clickNote, setClickNote] = useState<{ runId: string; text: string } | undefined>();
  // Stable, so charts whose points did not change skip their re-render.
  const openPoint = useCallback(
    (seriesKey: string, point: AxisPoint) => {
      // Series keys are `${run id}:${curve}`.
      const runId = seriesKey.slice(0, seriesKey.lastIndexOf(':'));
      setClickNote(undefined);
      void openStep(runId, loggedStep(point)).then((text) => {
        if (text !== undefined) setClickNote({ runId, text });
      });
    },
    [openStep],
  );

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
  const untokened = picks
    .filter(
      ({ s }) => (s?.train.length ?? 0) > 0 && s?.train.every((p) => p.tokensSeen === undefined),
    )
    .map(({ run: r }) => `“${r.name}”`);

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
          ? placed(
              trainLoss(raw, (a) => a.map((p) => ({ step: p.step, value: p.loss }))),
              raw,
              xAxis,
            )
          : EMPTY,
      },
      {
        key: `${r.id}:loss`,
        name: r.name,
        color,
        points: raw ? placed(smoothed(raw, smoothing), raw, xAxis) : EMPTY,
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
          <label className="inline">
            x-axis
            <select
              value={xAxis}
              data-testid="chart-x-axis"
              onChange={(e) => setXAxis(e.target.value as XAxisMode)}
            >
              {(Object.keys(X_AXIS_LABEL) as XAxisMode[]).map((m) => (
                <option key={m} value={m}>
                  {X_AXIS_LABEL[m]}
                </option>
              ))}
            </select>
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
      {xAxis === 'tokens' && untokened.length > 0 && (
        <p className="muted small" data-testid="chart-no-tokens">
          {untokened.join(', ')} {untokened.length === 1 ? 'was' : 'were'} logged before tokens were
          counted: no tokens-seen curve.
        </p>
      )}
      <p className="muted small" data-testid="chart-click-hint">
        Click a point on a curve to open that step&apos;s checkpoint in the Playground.
      </p>
      {clickNote && shown.some((r) => r.id === clickNote.runId) && (
        <p className="small" role="status" data-testid="chart-click-note">
          {clickNote.text}
        </p>
      )}
      <div className="charts-grid">
        <MetricChart
          title="Training loss"
          testId="chart-train-loss"
          series={lossSeries}
          logScale={logScale}
          xMode={xAxis}
          onPointClick={openPoint}
          note={lossNote(run.train.labelSmoothing)}
          empty="The loss appears here once training starts."
        />
        <MetricChart
          title="Validation loss"
          testId="chart-valid-loss"
          logScale={logScale}
          xMode={xAxis}
          onPointClick={openPoint}
          note={lossNote(run.train.labelSmoothing)}
          series={build(
            picks,
            (s) => validLoss(s.valid, (a) => a.map((p) => ({ step: p.step, value: p.loss }))),
            'vloss',
            xAxis,
          )}
          empty={`First point at step ${run.train.validEvery}.`}
        />
        <MetricChart
          title="Perplexity"
          testId="chart-perplexity"
          xMode={xAxis}
          onPointClick={openPoint}
          logScale={logScale}
          series={build(
            picks,
            (s) => validPpl(s.valid, (a) => a.map((p) => ({ step: p.step, value: p.perplexity }))),
            'ppl',
            xAxis,
          )}
          empty={`First point at step ${run.train.validEvery}.`}
        />
        <MetricChart
          title="BLEU and chrF"
          testId="chart-bleu"
          xMode={xAxis}
          onPointClick={openPoint}
          series={[
            ...build(
              picks,
              (s) => bleuBleu(s.bleu, (a) => a.map((p) => ({ step: p.step, value: p.bleu }))),
              'bleu',
              xAxis,
              {
                label: 'BLEU',
              },
            ),
            ...build(
              picks,
              (s) => bleuChrf(s.bleu, (a) => a.map((p) => ({ step: p.step, value: p.chrf }))),
              'chrf',
              xAxis,
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
          xMode={xAxis}
          onPointClick={openPoint}
          logScale={logScale}
          series={build(
            picks,
            (s) => trainLr(s.train, (a) => a.map((p) => ({ step: p.step, value: p.lr }))),
            'lr',
            xAxis,
          )}
        />
        <MetricChart
          title="Tokens per second"
          testId="chart-tokens"
          xMode={xAxis}
          onPointClick={openPoint}
          series={build(
            picks,
            (s) =>
              trainTps(s.train, (a) => a.map((p) => ({ step: p.step, value: p.tokensPerSec }))),
            'tps',
            xAxis,
          )}
        />
      </div>
      {shown.length > 1 && <CompareSettings runs={shown} colors={picks.map((p) => p.color)} />}
    </section>
  );
}
