import type { StateCreator } from 'zustand';
import type {
  MetricRecord,
  ModelShape,
  PresetName,
  TrainConfig,
  TrainProgress,
} from '../../../shared/types';
import { PRESETS } from '../../../shared/types';
import type { TrainPoint as LoggedTrainPoint } from '../../../shared/progress';
import { studio } from '../api';
import type { XAxisMode } from '../lib/axis';
import { errorMessage } from '../lib/format';
import { appendCapped, decimate, MAX_POINTS } from '../lib/series';
import type { StudioState } from './index';

/**
 * A training step on the charts: the part of a step's progress that metrics.jsonl keeps,
 * with when it was logged (ms since the epoch) and the tokens seen up to it, for the
 * wall-clock and tokens x-axes (absent in logs written before they were kept).
 */
export type TrainPoint = LoggedTrainPoint & { time?: number; tokensSeen?: number };
export interface ValidPoint {
  step: number;
  loss: number;
  perplexity: number;
}
export interface BleuPoint {
  step: number;
  bleu: number;
  chrf: number;
}

export interface RunSeries {
  train: TrainPoint[];
  valid: ValidPoint[];
  bleu: BleuPoint[];
  loaded: boolean;
  error: string | undefined;
}

export interface TrainDraft {
  datasetId: string;
  name: string;
  preset: PresetName;
  model: ModelShape;
  train: TrainConfig;
}

export interface TrainingSlice {
  draft: TrainDraft;
  /** Metrics per run: initial points from runMetrics, then appended from events. */
  series: Record<string, RunSeries>;
  progress: Record<string, TrainProgress>;
  compareRunIds: string[];
  smoothing: number;
  logScale: boolean;
  /** The charts' x-axis: step, wall-clock time or tokens seen. */
  xAxis: XAxisMode;
  createError: string | undefined;
  creating: boolean;
  /** The New run dialog is open (the form shows inline while there is no run yet). */
  newRunOpen: boolean;

  setNewRunOpen(open: boolean): void;
  setDraft(patch: Partial<Omit<TrainDraft, 'model' | 'train'>>): void;
  applyPreset(preset: PresetName): void;
  setModelKnob<K extends keyof ModelShape>(key: K, value: ModelShape[K]): void;
  setTrainKnob<K extends keyof TrainConfig>(key: K, value: TrainConfig[K]): void;
  createRun(start: boolean): Promise<void>;
  loadMetrics(runId: string, force?: boolean): Promise<void>;
  onTrainProgress(p: TrainProgress): void;
  onMetric(runId: string, record: MetricRecord): void;
  toggleCompare(runId: string): void;
  setSmoothing(v: number): void;
  setLogScale(v: boolean): void;
  setXAxis(v: XAxisMode): void;
}

/** The chart's point of a step, from its progress event or its metrics.jsonl record. */
function trainPoint(p: TrainPoint): TrainPoint {
  return {
    step: p.step,
    loss: p.loss,
    lr: p.lr,
    gradNorm: p.gradNorm,
    tokensPerSec: p.tokensPerSec,
    ...(p.time !== undefined ? { time: p.time } : {}),
    ...(p.tokensSeen !== undefined ? { tokensSeen: p.tokensSeen } : {}),
  };
}

/**
 * A live step as a chart point, timed on arrival. Progress events are throttled (steps in
 * between are not sent), so tokens seen goes on from the last point at this step's batch
 * size per step; reloading the metrics gives the exact sums.
 */
function livePoint(p: TrainProgress, last: TrainPoint | undefined): TrainPoint {
  const base = last?.tokensSeen ?? (last === undefined ? 0 : undefined);
  const steps = p.step - (last?.step ?? 0);
  return trainPoint({
    ...p,
    time: Date.now(),
    ...(base !== undefined ? { tokensSeen: base + p.tokens * Math.max(0, steps) } : {}),
  });
}

const emptySeries = (): RunSeries => ({
  train: [],
  valid: [],
  bleu: [],
  loaded: false,
  error: undefined,
});

const append = appendCapped;

function remembered<T>(key: string, fallback: T, valid: (v: unknown) => v is T): T {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    const v: unknown = raw === null || raw === undefined ? undefined : JSON.parse(raw);
    return valid(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

function remember(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value));
  } catch {
    // Not remembered; the setting still applies.
  }
}

const isSmoothing = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v < 1;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isXAxis = (v: unknown): v is XAxisMode => v === 'step' || v === 'time' || v === 'tokens';

/** Renders are throttled: progress events are buffered and flushed a few times a second. */
const FLUSH_MS = 300;

export const createTrainingSlice: StateCreator<StudioState, [], [], TrainingSlice> = (set, get) => {
  let pending: TrainProgress[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    set((s) => {
      const series = { ...s.series };
      const progress = { ...s.progress };
      for (const p of batch) {
        progress[p.runId] = p;
        const cur = series[p.runId] ?? emptySeries();
        series[p.runId] = {
          ...cur,
          train: append(cur.train, livePoint(p, cur.train[cur.train.length - 1])),
        };
      }
      const runs = s.runs.map((r) => {
        const p = progress[r.id];
        return p && batch.some((b) => b.runId === r.id) && p.step !== r.step
          ? { ...r, step: p.step }
          : r;
      });
      return { series, progress, runs };
    });
  };

  return {
    draft: {
      datasetId: '',
      name: '',
      preset: 'tiny',
      model: { ...PRESETS.tiny.model },
      train: { ...PRESETS.tiny.train },
    },
    series: {},
    progress: {},
    compareRunIds: [],
    smoothing: remembered('studio.smoothing', 0.6, isSmoothing),
    logScale: remembered('studio.logScale', false, isBool),
    xAxis: remembered('studio.xAxis', 'step', isXAxis),
    createError: undefined,
    creating: false,
    newRunOpen: false,

    setNewRunOpen(open) {
      set({ newRunOpen: open, createError: undefined });
    },
    setDraft(patch) {
      set((s) => ({ draft: { ...s.draft, ...patch }, createError: undefined }));
    },
    applyPreset(preset) {
      set((s) => ({
        draft: {
          ...s.draft,
          preset,
          model: { ...PRESETS[preset].model },
          train: { ...PRESETS[preset].train },
        },
        createError: undefined,
      }));
    },
    setModelKnob(key, value) {
      set((s) => ({ draft: { ...s.draft, model: { ...s.draft.model, [key]: value } } }));
    },
    setTrainKnob(key, value) {
      set((s) => ({ draft: { ...s.draft, train: { ...s.draft.train, [key]: value } } }));
    },

    async createRun(start) {
      const d = get().draft;
      if (!d.datasetId) {
        set({ createError: 'Pick a dataset to train on first.' });
        return;
      }
      // One run trains at a time: refused before anything is created, so no orphan is left.
      const active = start
        ? get().runs.find((r) => r.status === 'running' || r.status === 'paused')
        : undefined;
      if (active) {
        set({
          createError: `Run “${active.name}” is ${active.status === 'paused' ? 'paused' : 'training'}; one run trains at a time. Stop it first, or use Create only and start this one later.`,
        });
        return;
      }
      set({ creating: true, createError: undefined });
      try {
        let run = await studio.runCreate({
          datasetId: d.datasetId,
          preset: d.preset,
          ...(d.name.trim() ? { name: d.name.trim() } : {}),
          model: d.model,
          train: d.train,
        });
        if (start) {
          try {
            run = await studio.runStart({ runId: run.id });
          } catch (err) {
            // Another window or the CLI may have started a run meanwhile: the run that
            // could not start is deleted again rather than left behind.
            const kept = await studio.runDelete({ runId: run.id }).then(
              () => false,
              () => true,
            );
            set({
              createError: `${errorMessage(err)} ${kept ? 'The new run was created but not started; start it from its panel.' : 'The new run was not kept.'}`,
            });
            if (kept) get().upsertRun(run);
            return;
          }
        }
        get().upsertRun(run);
        get().selectRun(run.id);
        set((s) => ({
          series: { ...s.series, [run.id]: { ...emptySeries(), loaded: true } },
          draft: { ...s.draft, name: '' },
          newRunOpen: false,
        }));
      } catch (err) {
        set({ createError: errorMessage(err) });
      } finally {
        set({ creating: false });
      }
    },

    async loadMetrics(runId, force = false) {
      const cur = get().series[runId];
      if (cur?.loaded && !force) return;
      try {
        const records = await studio.runMetrics({ runId, maxPoints: MAX_POINTS });
        const train: TrainPoint[] = [];
        const valid: ValidPoint[] = [];
        const bleu: BleuPoint[] = [];
        for (const r of records) {
          if (r.kind === 'train') train.push(trainPoint(r));
          else if (r.kind === 'valid')
            valid.push({ step: r.step, loss: r.loss, perplexity: r.perplexity });
          else bleu.push({ step: r.step, bleu: r.bleu, chrf: r.chrf });
        }
        const byStep = <T extends { step: number }>(a: T, b: T) => a.step - b.step;
        set((s) => {
          // Keep points that arrived by event while the call was in flight.
          const live = s.series[runId];
          const merge = <T extends { step: number }>(base: T[], extra: T[] | undefined): T[] => {
            const lastStep = base[base.length - 1]?.step ?? -Infinity;
            return decimate([
              ...base.sort(byStep),
              ...(extra ?? []).filter((p) => p.step > lastStep),
            ]);
          };
          return {
            series: {
              ...s.series,
              [runId]: {
                train: merge(train, live?.train),
                valid: merge(valid, live?.valid),
                bleu: merge(bleu, live?.bleu),
                loaded: true,
                error: undefined,
              },
            },
          };
        });
      } catch (err) {
        set((s) => ({
          series: {
            ...s.series,
            [runId]: { ...(s.series[runId] ?? emptySeries()), error: errorMessage(err) },
          },
        }));
      }
    },

    onTrainProgress(p) {
      pending.push(p);
      timer ??= setTimeout(flush, FLUSH_MS);
    },

    onMetric(runId, record) {
      if (record.kind === 'train') {
        // Training records normally come as trainProgress; accept them anyway.
        set((s) => {
          const cur = s.series[runId] ?? emptySeries();
          return {
            series: {
              ...s.series,
              [runId]: {
                ...cur,
                train: append(cur.train, trainPoint(record)),
              },
            },
          };
        });
        return;
      }
      set((s) => {
        const cur = s.series[runId] ?? emptySeries();
        const next =
          record.kind === 'valid'
            ? {
                ...cur,
                valid: append(cur.valid, {
                  step: record.step,
                  loss: record.loss,
                  perplexity: record.perplexity,
                }),
              }
            : {
                ...cur,
                bleu: append(cur.bleu, { step: record.step, bleu: record.bleu, chrf: record.chrf }),
              };
        return { series: { ...s.series, [runId]: next } };
      });
    },

    toggleCompare(runId) {
      set((s) => ({
        compareRunIds: s.compareRunIds.includes(runId)
          ? s.compareRunIds.filter((id) => id !== runId)
          : [...s.compareRunIds, runId],
      }));
      void get().loadMetrics(runId);
    },
    setSmoothing(v) {
      remember('studio.smoothing', v);
      set({ smoothing: v });
    },
    setLogScale(v) {
      remember('studio.logScale', v);
      set({ logScale: v });
    },
    setXAxis(v) {
      remember('studio.xAxis', v);
      set({ xAxis: v });
    },
  };
};
