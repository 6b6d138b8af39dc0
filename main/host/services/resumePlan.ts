/**
 * Planning a resume without touching the run: which checkpoint it continues from, which
 * checkpoints it rejects and why, and the training config with the explicit overrides,
 * validated as the engine would validate it. RunsService.prepareResume writes the plan
 * (damaged checkpoints set aside, metrics cut, run.json once) only after this succeeded,
 * so a refused resume leaves every file as it was. No tfjs here.
 */
import { trainConfigIssues } from '../../../shared/config';
import { AppError, ErrorCode } from '../../../shared/errors';
import { RESUME_OVERRIDABLE } from '../../../shared/schema/train';
import type {
  CheckpointInfo,
  ModelConfig,
  ResumeOverrideField,
  RunHistoryEntry,
  RunInfo,
  TrainConfig,
} from '../../../shared/types';
import type { CheckpointState } from '../../runFolder/checkpointFormat';
import {
  findResumeCheckpoint,
  type RejectedCheckpoint,
  type SetAsideCheckpoint,
} from '../../runFolder/damagedCheckpoints';

/** Settings that may be changed on resume; anything else would break exact continuation. */
export type ResumeOverrides = Partial<Pick<TrainConfig, ResumeOverrideField>>;

export const OVERRIDABLE: readonly ResumeOverrideField[] = RESUME_OVERRIDABLE;

/** How a resume may go beyond the default. */
export interface ResumeOptions {
  /**
   * When no checkpoint can be resumed (all damaged, or only weights-only ones), train again
   * from step 0 instead of refusing. A run with a good checkpoint still resumes from it.
   */
  fromScratch?: boolean;
}

/** Everything a resume will do, decided before anything is written. */
export interface ResumeDraft {
  /** The newest complete, verified, resumable checkpoint; null = start from step 0. */
  checkpoint: CheckpointInfo | null;
  /** Its state.json (position, configs, tokenizer reference); null with no checkpoint. */
  state: CheckpointState | null;
  /** The step training continues after. */
  fromStep: number;
  model: ModelConfig;
  /** The checkpoint's training config plus the explicit overrides. */
  train: TrainConfig;
  changes: NonNullable<RunHistoryEntry['changes']>;
  /** Damaged checkpoints, newest first, with why; they are set aside when the plan is written. */
  rejected: RejectedCheckpoint[];
}

/** "300 (state.json is not JSON ...); 200 (...)": the rejected checkpoints in one line. */
export function describeRejected(rejected: readonly RejectedCheckpoint[]): string {
  return rejected.map((r) => `${r.id} (${r.reason.replace(/\.$/, '')})`).join('; ');
}

/** The history note of a resume: what was rejected, where it went, and a restart from 0. */
export function resumeNote(
  draft: ResumeDraft,
  setAside: readonly SetAsideCheckpoint[],
): string | undefined {
  const sentences: string[] = [];
  if (setAside.length > 0) {
    const where = setAside.map((s) => `${s.id} to ${s.movedTo}`).join(', ');
    sentences.push(
      `Rejected damaged checkpoint${setAside.length === 1 ? '' : 's'} ${describeRejected(setAside)}; set aside (${where}).`,
    );
  }
  if (draft.checkpoint === null) {
    sentences.push('No complete checkpoint: training restarts from step 0.');
  }
  return sentences.length > 0 ? sentences.join(' ') : undefined;
}

function checkOverrideKeys(overrides: ResumeOverrides): void {
  for (const key of Object.keys(overrides)) {
    if (!OVERRIDABLE.includes(key as ResumeOverrideField)) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `"${key}" cannot be changed on resume; only ${OVERRIDABLE.join(', ')} can, because anything else would change the data order or the model.`,
      );
    }
  }
}

/** The config a resume trains with, and the changes to log; throws before anything is written. */
function applyOverrides(
  base: TrainConfig,
  overrides: ResumeOverrides,
): { train: TrainConfig; changes: ResumeDraft['changes'] } {
  const train: TrainConfig = { ...base };
  const changes: ResumeDraft['changes'] = [];
  for (const field of OVERRIDABLE) {
    const to = overrides[field];
    if (to === undefined || to === base[field]) continue;
    if (!Number.isFinite(to)) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `The new ${field} must be a number; got ${to}.`,
      );
    }
    changes.push({ field, from: base[field], to });
    train[field] = to;
  }
  // The engine checks the same before its first step; checking here keeps run.json untouched.
  const issues = trainConfigIssues(train);
  if (issues.length > 0) {
    throw new AppError(
      ErrorCode.InvalidConfig,
      `${issues.map((i) => i.message).join(' ')} The run was not changed.`,
      { field: issues[0]!.field },
    );
  }
  return { train, changes };
}

/**
 * Decides a resume of `run` (folder `runDir`) with `overrides`, reading only. Refuses
 * (CheckpointInvalid) to start over from step 0 when the run has checkpoints but none can
 * be resumed, unless `fromScratch`; refuses overrides that cannot change or are out of
 * bounds, and a max steps the run has already reached.
 */
export async function planResume(
  run: RunInfo,
  runDir: string,
  overrides: ResumeOverrides,
  opts: ResumeOptions = {},
): Promise<ResumeDraft> {
  checkOverrideKeys(overrides);
  const found = await findResumeCheckpoint(runDir);
  const { checkpoint, state, rejected } = found;
  if (checkpoint === null && (rejected.length > 0 || found.notResumable.length > 0)) {
    if (opts.fromScratch !== true) {
      const damaged =
        rejected.length > 0 ? ` Rejected as damaged: ${describeRejected(rejected)}.` : '';
      const weightsOnly =
        found.notResumable.length > 0
          ? ` ${found.notResumable.join(', ')} hold${found.notResumable.length === 1 ? 's' : ''} no optimiser state (weights only).`
          : '';
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `Run "${run.name}" has no checkpoint it can resume from, so it would start over from step 0.${damaged}${weightsOnly} Nothing was changed; start it from scratch (train --resume RUN --from-scratch, or fromScratch in the API) to train again from step 0, which sets the damaged checkpoints aside in checkpoints/.damaged.`,
      );
    }
  }
  const fromStep = checkpoint?.step ?? 0;
  const { train, changes } = applyOverrides(state?.train ?? run.train, overrides);
  if (train.maxSteps <= fromStep) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The run would resume at step ${fromStep} but max steps is ${train.maxSteps}; raise max steps to continue training.`,
    );
  }
  return {
    checkpoint,
    state,
    fromStep,
    model: state?.model ?? run.model,
    train,
    changes,
    rejected,
  };
}
