/**
 * Run calls: create from a dataset and a preset (+ any knob), start / pause / resume / stop
 * through the RunController, metrics for the charts, delete, and translate for the playground.
 */
import type { ApiHandlers } from '../../../shared/api';
import { memoryIssue, modelConfigIssues, trainConfigIssues } from '../../../shared/config';
import { AppError, ErrorCode } from '../../../shared/errors';
import { matchingPreset } from '../../../shared/schema/presetMatch';
import {
  PRESETS,
  type MetricRecord,
  type ModelConfig,
  type TrainConfig,
} from '../../../shared/types';
import type { EngineHost } from '../EngineHost';
import type { RunController } from '../runController';
import { tokenizerPathFor } from '../services/checkpoints';
import type { DatasetService } from '../services/datasets';
import type { RunsService } from '../services/runs';
import { withTokensSeen } from '../services/runEnd';

type RunHandlers = Pick<
  ApiHandlers,
  | 'runsList'
  | 'runCreate'
  | 'runStart'
  | 'runPause'
  | 'runResume'
  | 'runStop'
  | 'runDelete'
  | 'runMetrics'
  | 'translate'
>;

/**
 * Keeps at most `maxPoints` records of each kind, evenly spaced, always with the newest:
 * charts of long runs stay light; the full log stays on disk.
 */
export function decimateMetrics(
  records: readonly MetricRecord[],
  maxPoints: number,
): MetricRecord[] {
  const byKind = new Map<MetricRecord['kind'], MetricRecord[]>();
  for (const r of records) {
    const list = byKind.get(r.kind) ?? [];
    list.push(r);
    byKind.set(r.kind, list);
  }
  const out: MetricRecord[] = [];
  for (const list of byKind.values()) {
    if (list.length <= maxPoints) {
      out.push(...list);
      continue;
    }
    const stride = list.length / maxPoints;
    for (let k = 0; k < maxPoints - 1; k++) out.push(list[Math.floor(k * stride)]!);
    out.push(list[list.length - 1]!);
  }
  return out.sort((a, b) => a.step - b.step);
}

export function runHandlers(
  home: string,
  runs: RunsService,
  datasets: DatasetService,
  engine: EngineHost,
  controller: RunController,
): RunHandlers {
  return {
    runsList: () => runs.list(),

    async runCreate({ datasetId, name, preset, model, train }) {
      const dataset = await datasets.get(datasetId);
      const base = PRESETS[preset];
      const tgtVocab = dataset.sharedVocab
        ? dataset.vocabSize
        : (dataset.tgtVocabSize ?? dataset.vocabSize);
      const modelConfig: ModelConfig = {
        ...base.model,
        ...model,
        srcVocabSize: dataset.vocabSize,
        tgtVocabSize: tgtVocab,
      };
      // Separate vocabularies cannot share one embedding: the studio unties them itself.
      const adjusted = !dataset.sharedVocab && model?.tieEmbeddings === undefined;
      if (adjusted) modelConfig.tieEmbeddings = false;
      const trainConfig: TrainConfig = { ...base.train, ...train };
      const issues = [...modelConfigIssues(modelConfig), ...trainConfigIssues(trainConfig)];
      // Refused before it exists when the engine's backend is known to be too small for it
      // (the run controller checks again once the engine has started).
      const backend = engine.status.info?.backend;
      const memory =
        issues.length === 0 && backend ? memoryIssue(modelConfig, trainConfig, backend) : undefined;
      if (memory) issues.push(memory);
      if (issues.length > 0) {
        throw new AppError(ErrorCode.InvalidConfig, issues.map((i) => i.message).join(' '), {
          field: issues[0]!.field,
        });
      }
      // Labelled by the preset its settings are (the UI sends every knob, changed or not).
      const matched = matchingPreset(
        modelConfig,
        trainConfig,
        dataset.sharedVocab ? {} : { tieEmbeddings: false },
      );
      return runs.create({
        name: name ?? `${dataset.name} · ${preset}`,
        datasetId,
        preset: matched ?? 'custom',
        model: modelConfig,
        train: trainConfig,
      });
    },

    runStart: ({ runId, overrides, fromScratch }) =>
      controller.start(runId, overrides ?? {}, fromScratch === true ? { fromScratch } : {}),
    runPause: ({ runId }) => controller.pause(runId),
    runResume: ({ runId }) => controller.resume(runId),
    runStop: ({ runId }) => controller.stop(runId),

    async runDelete({ runId }) {
      if (controller.activeRunId === runId) {
        throw new AppError(ErrorCode.InUse, 'This run is training; stop it before deleting it.');
      }
      await runs.delete(runId, { force: true });
    },

    async runMetrics({ runId, maxPoints }) {
      const { records } = await runs.readMetrics(runId);
      // Summed before decimating, so every point kept carries the true total.
      return decimateMetrics(withTokensSeen(records), maxPoints ?? 2000);
    },

    async translate(request) {
      const run = await runs.get(request.runId);
      const checkpoints = await runs.checkpoints(run.id);
      const which = request.checkpoint;
      const chosen =
        which === 'best'
          ? (checkpoints.find((c) => c.best) ?? checkpoints[checkpoints.length - 1])
          : which === 'last'
            ? checkpoints[checkpoints.length - 1]
            : checkpoints.find((c) => c.id === which);
      if (!chosen) {
        throw new AppError(
          ErrorCode.NotFound,
          checkpoints.length === 0
            ? `Run "${run.name}" has no checkpoint yet; train it until the first checkpoint (every ${run.train.checkpointEvery} steps) or stop it to write one.`
            : `Run "${run.name}" has no checkpoint ${which}; it has ${checkpoints.map((c) => c.id).join(', ')}.`,
        );
      }
      return engine.call('translate', {
        ...request,
        checkpoint: chosen.id,
        runDir: runs.runDir(run.id),
        tokenizerPath: await tokenizerPathFor(home, run),
      });
    },
  };
}
