import type { StateCreator } from 'zustand';
import type {
  MetricRecord,
  ModelShape,
  PresetName,
  TrainConfig,
  TrainProgress,
} from '../../../shared/types';
import { PRESETS } from '../../../shared/types';
import type { TrainPoint } from '../../../shared/progress';
import { studio } from '../api';
import { errorMessage } from '../lib/format';
import { appendCapped, decimate, MAX_POINTS } from '../lib/series';
import type { StudioState } from './index';

/** A training step on the charts: the part of a step's progress that metrics.jsonl keeps. */
export type { TrainPoint };
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
  createError: string | undefined;
  creating: boolean;

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
}

/** The chart's point of a step, from its progress event or its metrics.jsonl record. */
function trainPoint(p: TrainPoint): TrainPoint {
  return {
    step: p.step,
    loss: p.loss,
    lr: p.lr,
    gradNorm: p.gradNorm,
    tokensPerSec: p.tokensPerSec,
  };
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
          train: append(cur.train, trainPoint(p)),
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
    createError: undefined,
    creating: false,

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
      set({ creating: true, createError: undefined });
      try {
        let run = await studio.runCreate({
          datasetId: d.datasetId,
          preset: d.preset,
          ...(d.name.trim() ? { name: d.name.trim() } : {}),
          model: d.model,
          train: d.train,
        });
        get().upsertRun(run);
        get().selectRun(run.id);
        set((s) => ({
          series: { ...s.series, [run.id]: { ...emptySeries(), loaded: true } },
          draft: { ...s.draft, name: '' },
        }));
        if (start) {
          run = await studio.runStart({ runId: run.id });
          get().upsertRun(run);
        }
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
  };
};
