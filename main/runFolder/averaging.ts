/**
 * Checkpoint averaging (paper 6.1: the base model averages the last 5 checkpoints, the big
 * one 20) on plain arrays read from the run folder; no tfjs here.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { NamedTensor } from '../../shared/namedTensor';
import type { CheckpointInfo } from '../../shared/types';
import { sha256 } from './atomicFs';
import { markBest, selectCheckpoint, type CheckpointSelector } from './checkpointSelection';
import {
  listCheckpoints,
  readCheckpoint,
  readCheckpointState,
  writeCheckpoint,
} from './checkpointStore';

/** The folder name of an average; it can never equal a step number. */
export function averageId(steps: readonly number[]): string {
  const joined = `avg-${steps.join('-')}`;
  if (joined.length <= 120) return joined;
  // Twenty large steps would make a very long folder name: first, last, count, hash.
  const first = steps[0] ?? 0;
  const last = steps[steps.length - 1] ?? 0;
  return `avg-${first}-to-${last}-k${steps.length}-${sha256(steps.join(',')).slice(0, 8)}`;
}

/**
 * The ids of trained checkpoints `refs` name: steps, ids, and best / last among the trained
 * ones (best by the run's early-stopping metric, read from the newest checkpoint's
 * training config, which a resume cannot change). Duplicates collapse.
 */
async function resolveRefs(
  runDir: string,
  trained: CheckpointInfo[],
  refs: readonly CheckpointSelector[],
): Promise<Set<string>> {
  const newest = trained[trained.length - 1];
  if (refs.includes('best') && newest !== undefined) {
    const { train } = await readCheckpointState(runDir, newest.id);
    markBest(trained, train.earlyStoppingMetric);
  }
  return new Set(
    refs.map((r) =>
      r === 'best' || r === 'last' ? (selectCheckpoint(trained, r)?.info.id ?? r) : String(r),
    ),
  );
}

/**
 * Averages the weights of trained checkpoints into a new weights-only checkpoint named
 * `avg-<steps>`, at the newest step, with `averagedFrom` set. `which` is either the last
 * k trained checkpoints or chosen ones (steps, ids, best or last). Float tensors are
 * averaged element-wise; int32 tensors (if any) must be equal everywhere and are copied.
 */
export async function averageCheckpoints(
  runDir: string,
  which: { last: number } | { refs: readonly CheckpointSelector[] },
): Promise<CheckpointInfo> {
  const trained = (await listCheckpoints(runDir)).filter((c) => c.averagedFrom === undefined);
  let chosen: CheckpointInfo[];
  if ('last' in which) {
    if (!Number.isInteger(which.last) || which.last < 2) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `Averaging needs at least 2 checkpoints; got ${which.last}.`,
      );
    }
    if (trained.length < which.last) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `Cannot average the last ${which.last} checkpoints of ${runDir}: it has ${trained.length}.`,
      );
    }
    chosen = trained.slice(-which.last);
  } else {
    const ids = await resolveRefs(runDir, trained, which.refs);
    chosen = trained.filter((c) => ids.has(c.id));
    const missing = [...ids].filter((id) => !chosen.some((c) => c.id === id));
    if (missing.length > 0) {
      throw new AppError(
        ErrorCode.NotFound,
        `Cannot average: ${missing.join(', ')} ${missing.length === 1 ? 'is not a trained checkpoint' : 'are not trained checkpoints'} of ${runDir}.`,
      );
    }
    if (chosen.length < 2)
      throw new AppError(ErrorCode.InvalidArgument, 'Averaging needs at least 2 checkpoints.');
  }
  const steps = chosen.map((c) => c.step);
  const id = averageId(steps);
  if ((await listCheckpoints(runDir)).some((c) => c.id === id)) {
    throw new AppError(
      ErrorCode.AlreadyExists,
      `The average of steps ${steps.join(', ')} already exists as ${id}.`,
    );
  }

  // Running sums in float32: (a + b) * 0.5 is the correctly rounded mean of two, and for
  // 20 checkpoints the extra rounding is far below training noise, at half the memory of float64.
  const sums = new Map<string, NamedTensor>();
  let newest: Awaited<ReturnType<typeof readCheckpoint>> | undefined;
  for (const c of chosen) {
    const ck = await readCheckpoint(runDir, c.id, { optimizer: false });
    if (newest === undefined) {
      for (const t of ck.weights) {
        sums.set(t.name, {
          ...t,
          data: t.dtype === 'float32' ? new Float32Array(t.data) : new Int32Array(t.data),
        });
      }
    } else {
      if (
        JSON.stringify(ck.state.model) !== JSON.stringify(newest.state.model) ||
        ck.weights.length !== sums.size
      ) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          `Checkpoints ${newest.info.id} and ${c.id} have different model configs; only checkpoints of one model can be averaged.`,
        );
      }
      for (const t of ck.weights) {
        const acc = sums.get(t.name);
        if (!acc || acc.dtype !== t.dtype || acc.shape.join(',') !== t.shape.join(',')) {
          throw new AppError(
            ErrorCode.CheckpointInvalid,
            `Tensor "${t.name}" of checkpoint ${c.id} does not match the other checkpoints (name, dtype or shape).`,
          );
        }
        if (t.dtype === 'float32') {
          const a = acc.data;
          const b = t.data;
          for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
        } else if (!t.data.every((v, i) => v === acc.data[i])) {
          throw new AppError(
            ErrorCode.InvalidArgument,
            `Integer tensor "${t.name}" differs between checkpoints and cannot be averaged.`,
          );
        }
      }
    }
    newest = ck;
  }
  if (newest === undefined)
    throw new AppError(ErrorCode.Internal, 'No checkpoint was read for averaging.');
  const scale = 1 / chosen.length;
  for (const t of sums.values()) {
    if (t.dtype !== 'float32') continue;
    const a = t.data;
    for (let i = 0; i < a.length; i++) a[i] = a[i]! * scale;
  }
  const { model, train, tokenizer } = newest.state;
  return writeCheckpoint(runDir, {
    id,
    weights: [...sums.values()],
    optimizer: [],
    state: { step: newest.state.step, model, train, tokenizer, averagedFrom: steps },
  });
}
