/**
 * What `translate` and `evaluate` share: find a run and one of its checkpoints on disk and
 * open a decoder on them. The decoder is the engine worker (as in the app): the CLI process
 * itself never loads TensorFlow.js.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import type {
  BackendName,
  CheckpointInfo,
  EngineInfo,
  RunInfo,
  Translation,
} from '../../../shared/types';
import type { DecodeSettings } from '../../../shared/schema/decode';
import { tokenizerPathFor } from '../services/checkpoints';
import { RunsService } from '../services/runs';
import { selectCheckpoint } from '../../runFolder/checkpointSelection';
import { listCheckpoints } from '../../runFolder/checkpointStore';
import { EngineHost } from '../EngineHost';
import { defaultHome } from '../services/home';

export interface RunLocation {
  home: string;
  runDir: string;
  run: RunInfo;
}

/**
 * Finds a run: `run` is its folder (runs/<id> under a studio home), or a run id in the
 * default home.
 */
export async function findRun(run: string): Promise<RunLocation> {
  const asDir = path.resolve(run);
  let runDir = asDir;
  try {
    await fsp.access(path.join(asDir, 'run.json'));
  } catch {
    if (run.includes('/') || run.includes(path.sep)) {
      throw new AppError(
        ErrorCode.NotFound,
        `${asDir} is not a run folder (it has no run.json); pass --run runs/<id> under the studio home.`,
      );
    }
    runDir = path.join(defaultHome(), 'runs', run);
  }
  const home = path.dirname(path.dirname(runDir));
  const info = await new RunsService(home).get(path.basename(runDir));
  return { home, runDir, run: info };
}

/**
 * Picks a checkpoint: 'best' (by the run's early-stopping metric; the last when none is
 * known yet), 'last' (highest step), or a checkpoint id ("3000", "avg-2000-3000").
 */
export async function pickCheckpoint(
  loc: RunLocation,
  ref: string,
): Promise<{ info: CheckpointInfo; note?: string }> {
  const all = await listCheckpoints(loc.runDir, loc.run.train.earlyStoppingMetric);
  if (all.length === 0) {
    throw new AppError(
      ErrorCode.NotFound,
      `Run "${loc.run.name}" has no complete checkpoint yet; train it first (checkpoints are written every ${loc.run.train.checkpointEvery} steps).`,
    );
  }
  const picked = selectCheckpoint(all, ref);
  if (picked === undefined) {
    throw new AppError(
      ErrorCode.NotFound,
      `Run "${loc.run.name}" has no checkpoint ${ref}; it has ${all.map((c) => c.id).join(', ')} (or use best / last).`,
    );
  }
  return picked;
}

/** A decoder over one checkpoint, served by the engine worker. */
export interface CliDecoder {
  translateMany(
    texts: readonly string[],
    settings: Omit<DecodeSettings, 'attention'>,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ translations: Omit<Translation, 'checkpoint' | 'ms'>[]; truncated: number }>;
  dispose(): void;
}

/**
 * Starts an engine worker and returns a decoder that translates with one checkpoint of a run.
 * @param checkpoint a checkpoint id from pickCheckpoint
 */
export async function openDecoder(
  loc: RunLocation,
  checkpoint: string,
  backend: BackendName | 'auto',
): Promise<{ decoder: CliDecoder; engine: EngineInfo }> {
  const host = new EngineHost({ backend, restartOnCrash: false });
  const engine = await host.start();
  const tokenizerPath = await tokenizerPathFor(loc.home, loc.run);
  const decoder: CliDecoder = {
    translateMany: async (texts, settings, onProgress) => {
      const off = host.onEvent((e) => {
        if (e.type === 'translateProgress') onProgress?.(e.done, e.total);
      });
      try {
        return await host.call('translateMany', {
          runDir: loc.runDir,
          tokenizerPath,
          checkpoint,
          texts: [...texts],
          ...settings,
        });
      } finally {
        off();
      }
    },
    dispose: () => void host.dispose(),
  };
  return { decoder, engine };
}

/** Turns a failure into a message on stderr and the CLI's exit code (2: the user can fix it). */
export function reportFailure(command: string, err: unknown): number {
  if (err instanceof AppError) {
    process.stderr.write(`${command}: ${err.message}\n`);
    return err.code === ErrorCode.Internal ? 1 : 2;
  }
  process.stderr.write(
    `${command} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}
