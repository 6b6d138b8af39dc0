/**
 * Runs on disk: runs/<id>/run.json (configs, dataset, status, history), metrics.jsonl,
 * checkpoints/. run.json is only ever replaced atomically, and only by the process that
 * owns this service (the main process, or the CLI); the engine writes checkpoints and
 * metrics, never run.json. No tfjs here.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import type {
  BackendName,
  ModelConfig,
  PresetName,
  RunHistoryEntry,
  RunEnd,
  RunInfo,
  RunStatus,
  TrainConfig,
  CheckpointInfo,
  MetricRecord,
} from '../../../shared/types';
import type { CheckpointSelector } from '../../runFolder/checkpointSelection';
import {
  checkpointsDir,
  listCheckpoints,
  resolveCheckpointId,
} from '../../runFolder/checkpointStore';
import { setAsideDamaged, type SetAsideCheckpoint } from '../../runFolder/damagedCheckpoints';
import { fsyncDir, removeAtomic, removeLeftovers, writeJsonAtomic } from '../../runFolder/atomicFs';
import {
  readMetrics,
  truncateMetricsAfter,
  appendMetrics,
  type MetricsRead,
} from '../../runFolder/metricsLog';
import {
  planResume,
  resumeNote,
  type ResumeDraft,
  type ResumeOptions,
  type ResumeOverrides,
} from './resumePlan';

export const RUNS_DIR = 'runs';
export const RUN_FILE = 'run.json';
/** A run's own copy of its tokenizer (written on import; preferred over the dataset's). */
export const RUN_TOKENIZER_FILE = 'tokenizer.json';

/** What a new run is made of. */
export interface RunSpec {
  name: string;
  datasetId: string;
  preset: PresetName | 'custom';
  model: ModelConfig;
  train: TrainConfig;
}

/** What the engine needs to continue a run: the draft of resumePlan.ts, once written. */
export interface ResumePlan extends Omit<ResumeDraft, 'rejected'> {
  run: RunInfo;
  runDir: string;
  /** Metric records past `fromStep` that were dropped so steps are not logged twice. */
  droppedMetrics: number;
  /** Damaged checkpoints (newest first) with why, and where they were set aside. */
  rejected: SetAsideCheckpoint[];
}

/** Lower-case words of a name, for readable run ids. */
function slug(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  return s === '' ? 'run' : s;
}

/** A new run id: sortable by creation time, readable, unique (e.g. 20250601-142233-de-en-3fa2). */
export function newRunId(name: string, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${slug(name)}-${randomBytes(2).toString('hex')}`;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200) {
    throw new AppError(ErrorCode.InvalidArgument, 'A run name must have 1 to 200 characters.');
  }
  return trimmed;
}

/** Runs of one studio home. Every mutation of a run's run.json is serialised per run. */
export class RunsService {
  private readonly locks = new Map<string, Promise<unknown>>();

  /** @param home the studio home (holds datasets/ and runs/). */
  constructor(readonly home: string) {}

  /** runs/ under the home. */
  get runsDir(): string {
    return path.join(this.home, RUNS_DIR);
  }

  /** The folder of a run; refuses ids that could leave runs/. */
  runDir(id: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
      throw new AppError(ErrorCode.InvalidArgument, `"${id}" is not a run id.`);
    }
    return path.join(this.runsDir, id);
  }

  /** Runs `fn` after every earlier mutation of the same run (read-modify-write safety). */
  private async withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(
      id,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Creates runs/<id>/run.json (status 'created', step 0). */
  async create(spec: RunSpec): Promise<RunInfo> {
    const now = new Date();
    const id = newRunId(spec.name, now);
    const run: RunInfo = {
      id,
      name: checkName(spec.name),
      datasetId: spec.datasetId,
      preset: spec.preset,
      model: spec.model,
      train: spec.train,
      status: 'created',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      step: 0,
      history: [{ time: now.toISOString(), event: 'created', step: 0 }],
    };
    await this.writeNew(run);
    return run;
  }

  /**
   * Writes a complete new run folder (run.json and optional extra files) under a temporary
   * name and renames it into place, so a half-created run is never listed.
   */
  async writeNew(run: RunInfo, fill?: (tmpDir: string) => Promise<void>): Promise<void> {
    await fsp.mkdir(this.runsDir, { recursive: true });
    const final = this.runDir(run.id);
    const tmp = path.join(this.runsDir, `.tmp-${run.id}`);
    await fsp.mkdir(tmp, { recursive: true });
    try {
      await writeJsonAtomic(path.join(tmp, RUN_FILE), run);
      if (fill) await fill(tmp);
      await fsyncDir(tmp);
      await fsp.rename(tmp, final);
    } catch (err) {
      await fsp.rm(tmp, { recursive: true, force: true });
      if (
        (err as NodeJS.ErrnoException).code === 'ENOTEMPTY' ||
        (err as NodeJS.ErrnoException).code === 'EEXIST'
      ) {
        throw new AppError(ErrorCode.AlreadyExists, `A run with id ${run.id} already exists.`);
      }
      throw err;
    }
    await fsyncDir(this.runsDir);
  }

  /** Every run with a readable run.json, newest first. Unreadable ones are left out. */
  async list(): Promise<RunInfo[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.runsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const runs: RunInfo[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue;
      try {
        runs.push(await this.get(name));
      } catch {
        // A folder without a valid run.json is not a run (e.g. copied in by hand).
      }
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Reads run.json; NotFound when there is no such run. */
  async get(id: string): Promise<RunInfo> {
    const file = path.join(this.runDir(id), RUN_FILE);
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AppError(ErrorCode.NotFound, `There is no run ${id} in ${this.runsDir}.`);
      }
      throw new AppError(
        ErrorCode.FileUnreadable,
        `Cannot read ${file}: ${(err as Error).message}.`,
        { file },
      );
    }
    let run: unknown;
    try {
      run = JSON.parse(text);
    } catch (err) {
      throw new AppError(
        ErrorCode.FileUnreadable,
        `${file} is not valid JSON (${(err as Error).message}).`,
        { file },
      );
    }
    if (typeof run !== 'object' || run === null || (run as RunInfo).id !== id) {
      throw new AppError(ErrorCode.FileUnreadable, `${file} does not describe run ${id}.`, {
        file,
      });
    }
    return run as RunInfo;
  }

  /** Read-modify-write of run.json under the run's lock; bumps updatedAt. */
  private async mutate(id: string, change: (run: RunInfo) => void): Promise<RunInfo> {
    return this.withLock(id, async () => {
      const run = await this.get(id);
      change(run);
      run.updatedAt = new Date().toISOString();
      await writeJsonAtomic(path.join(this.runDir(id), RUN_FILE), run);
      return run;
    });
  }

  /**
   * Updates status, step, error, backend or how the run ended. A status other than
   * 'failed' clears the error; 'running' clears the previous ending.
   */
  async update(
    id: string,
    patch: {
      status?: RunStatus;
      step?: number;
      error?: string;
      backend?: BackendName;
      end?: RunEnd;
    },
  ): Promise<RunInfo> {
    return this.mutate(id, (run) => {
      if (patch.status !== undefined) {
        run.status = patch.status;
        if (patch.status !== 'failed') delete run.error;
        if (patch.status === 'running') delete run.end;
      }
      if (patch.end !== undefined) run.end = patch.end;
      if (patch.step !== undefined) run.step = patch.step;
      if (patch.error !== undefined) run.error = patch.error;
      if (patch.backend !== undefined) run.backend = patch.backend;
    });
  }

  /** Renames a run (the display name; the id and folder stay). */
  async rename(id: string, name: string): Promise<RunInfo> {
    const trimmed = checkName(name);
    return this.mutate(id, (run) => {
      run.name = trimmed;
    });
  }

  /**
   * Deletes a run with its checkpoints and metrics (one rename makes it vanish). Refuses
   * a run marked 'running' unless `force`; the caller (EngineHost) knows whether it is.
   */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.withLock(id, async () => {
      const run = await this.get(id);
      if (run.status === 'running' && !opts.force) {
        throw new AppError(
          ErrorCode.InUse,
          `Run "${run.name}" is training; stop it before deleting it.`,
        );
      }
      await removeAtomic(this.runDir(id));
    });
  }

  /**
   * At startup: runs still marked 'running' were cut off by a crash of the studio itself.
   * They become 'failed' with a sentence saying they can be resumed. Returns their ids.
   */
  async recoverInterrupted(): Promise<string[]> {
    const ids: string[] = [];
    for (const run of await this.list()) {
      if (run.status !== 'running') continue;
      await this.update(run.id, {
        status: 'failed',
        error:
          'The studio stopped while this run was training; resume it to continue from its last checkpoint.',
      });
      ids.push(run.id);
    }
    await removeLeftovers(this.runsDir);
    return ids;
  }

  /** Appends metric records to the run's metrics.jsonl (fsynced). */
  async appendMetrics(id: string, records: readonly MetricRecord[]): Promise<void> {
    await appendMetrics(this.runDir(id), records);
  }

  /** The run's metrics; a torn last line is skipped and reported in `skippedLastLine`. */
  async readMetrics(id: string): Promise<MetricsRead> {
    await this.get(id);
    return readMetrics(this.runDir(id));
  }

  /** The run's complete checkpoints, `best` marked per its early-stopping metric. */
  async checkpoints(id: string): Promise<CheckpointInfo[]> {
    const run = await this.get(id);
    return listCheckpoints(this.runDir(id), run.train.earlyStoppingMetric);
  }

  /**
   * The checkpoint id `selector` names in run `id`: best (per the run's early-stopping
   * metric) and last are looked up; a step or id is returned as is, checked as a name.
   */
  async resolveCheckpoint(
    id: string,
    selector: CheckpointSelector,
  ): Promise<{ id: string; note?: string }> {
    const run = await this.get(id);
    return resolveCheckpointId(this.runDir(id), selector, run.train.earlyStoppingMetric);
  }

  /**
   * Prepares a resume: plans it without writing (resumePlan.ts: the newest resumable
   * checkpoint that passes the full integrity check, the damaged ones rejected with why,
   * the overrides validated), then clears leftovers of a killed writer, sets the damaged
   * checkpoints aside in checkpoints/.damaged, drops metric records past the step and
   * writes run.json once (config, step, a 'resumed' history entry). A refused resume
   * changes nothing. The engine then loads `readCheckpoint(plan.runDir, plan.checkpoint.id)`
   * (or starts fresh when it is null). Call it only while no engine is writing into the run.
   */
  async prepareResume(
    id: string,
    overrides: ResumeOverrides = {},
    opts: ResumeOptions = {},
  ): Promise<ResumePlan> {
    const run = await this.get(id);
    const runDir = this.runDir(id);
    const draft = await planResume(run, runDir, overrides, opts);
    // A killed writer leaves .tmp-/.trash- entries (run.json rewrites, checkpoints, deletions).
    await removeLeftovers(runDir);
    await removeLeftovers(checkpointsDir(runDir));
    const rejected = await setAsideDamaged(runDir, draft.rejected);
    const droppedMetrics = await truncateMetricsAfter(runDir, draft.fromStep);
    const entry: RunHistoryEntry = {
      time: new Date().toISOString(),
      event: 'resumed',
      step: draft.fromStep,
    };
    if (draft.changes.length > 0) entry.changes = draft.changes;
    const note = resumeNote(draft, rejected);
    if (note !== undefined) entry.note = note;
    const updated = await this.mutate(id, (r) => {
      r.train = draft.train;
      r.step = draft.fromStep;
      r.history = [...(r.history ?? []), entry];
    });
    return { ...draft, run: updated, runDir, droppedMetrics, rejected };
  }
}

/** The runs service of a studio home. */
export function createRunsService(home: string): RunsService {
  return new RunsService(home);
}
