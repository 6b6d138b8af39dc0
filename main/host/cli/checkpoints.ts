/**
 * `npm run checkpoints -- list|average|export|export-hf|delete|import ...`: a run's checkpoints from a
 * terminal. Results go to stdout; errors are thrown as AppError for main/host/cli.ts to print.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { CheckpointInfo } from '../../../shared/types';
import { exists } from '../../runFolder/atomicFs';
import { checkpointDir, deleteCheckpoint, scanCheckpoints } from '../../runFolder/checkpointStore';
import { listSetAside } from '../../runFolder/damagedCheckpoints';
import { compareAverage, describeAverage } from '../../../shared/averageComparison';
import { describeBestBy } from '../../runFolder/checkpointSelection';
import { EngineHost } from '../EngineHost';
import { averageAndScore, type AverageSelection } from '../services/averageScoring';
import { EXPORT_EXTENSION, exportCheckpoint, importCheckpoint } from '../services/checkpoints';
import { defaultHome } from '../services/home';
import { exportMarian } from '../services/marianModels';
import { RUN_FILE, RunsService } from '../services/runs';
import { parseBackend, parseCommandArgs, parseIntArg } from './args';

const USAGE = `Usage: npm run checkpoints -- <action> [options]

  list RUN [--json]                     complete checkpoints of a run (and folders skipped or
                                        set aside as damaged, with why)
  average RUN --last K                  average the last K trained checkpoints into avg-<steps>
  average RUN --steps S1,S2,...         average chosen checkpoints (steps, best or last);
                                        the average's validation loss and BLEU are computed
                                        (--backend NAME: auto, tensorflow-gpu, tensorflow,
                                        wasm or cpu) and set against the averaged ones'
  export RUN CHECKPOINT OUT${EXPORT_EXTENSION} [--with-optimizer]
                                        one file: weights, configs and tokenizer.json
                                        (--with-optimizer: also Adam state, so it can resume)
  export-hf RUN CHECKPOINT DIR          a Hugging Face MarianMT folder (config.json,
                                        model.safetensors, tokenizer.json, README.md) that
                                        transformers.MarianMTModel.from_pretrained(DIR) loads
  delete RUN CHECKPOINT                 delete one checkpoint
  import FILE${EXPORT_EXTENSION} [--name NAME]     a new run from an exported file

  RUN is a run id in the studio home, or the path of a run folder (HOME/runs/<id>).
  CHECKPOINT is a step (3000), an averaged checkpoint's name (avg-2000-3000), best (by the
  run's early-stopping metric) or last.
  --home DIR    studio home (default: $TRANSFORMER_STUDIO_HOME or the app's data folder)
`;

/** A run named by id (in --home) or by the path of its folder (whose home is two levels up). */
async function resolveRun(
  ref: string,
  home: string | undefined,
): Promise<{ runs: RunsService; id: string }> {
  const asPath = path.resolve(ref);
  const isFolder = await fsp
    .access(path.join(asPath, RUN_FILE))
    .then(() => true)
    .catch(() => false);
  if (isFolder)
    return { runs: new RunsService(path.dirname(path.dirname(asPath))), id: path.basename(asPath) };
  if (ref.includes('/') || ref.includes('\\')) {
    throw new AppError(ErrorCode.NotFound, `${asPath} is not a run folder: it has no ${RUN_FILE}.`);
  }
  const runs = new RunsService(home ?? defaultHome());
  await runs.get(ref);
  return { runs, id: ref };
}

/** A CHECKPOINT argument: digits are a step, anything else an id, best or last. */
function checkpointArg(arg: string): number | string {
  return /^\d+$/.test(arg) ? Number(arg) : arg;
}

function fmt(n: number | undefined, digits: number): string {
  return n === undefined ? '-' : n.toFixed(digits);
}

function table(checkpoints: readonly CheckpointInfo[]): string {
  const rows = [
    ['checkpoint', 'step', 'created', 'valid loss', 'BLEU', 'MB', 'best', 'averaged from'],
    ...checkpoints.map((c) => [
      c.id,
      String(c.step),
      c.createdAt.replace('T', ' ').slice(0, 19),
      fmt(c.validLoss, 3),
      fmt(c.bleu, 2),
      (c.bytes / 1e6).toFixed(1),
      c.best ? '*' : '',
      c.averagedFrom?.join(', ') ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The averaged checkpoints and their average as table rows, and whether averaging helped. */
export function averageReport(avg: CheckpointInfo, list: readonly CheckpointInfo[]): string {
  const sources = compareAverage(avg, list)?.sources ?? [];
  const rows = [...sources.flatMap((s) => (s.checkpoint ? [s.checkpoint] : [])), avg];
  return `${table(rows)}\n${describeAverage(avg, list)}`;
}

/**
 * Runs `checkpoints <action> ...`. Returns the exit code: 0 done, 2 bad arguments.
 * Failures of the action itself are thrown as AppError (main/host/cli.ts prints them).
 */
export async function runCheckpointsCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || rest.includes('--help')) {
    console.log(USAGE);
    return action === undefined ? 2 : 0;
  }
  const { values, positionals } = parseCommandArgs(
    `checkpoints ${action}`,
    rest,
    {
      home: { type: 'string' },
      json: { type: 'boolean' },
      last: { type: 'string' },
      steps: { type: 'string' },
      'with-optimizer': { type: 'boolean' },
      name: { type: 'string' },
      backend: { type: 'string' },
    },
    true,
  );
  const need = (count: number, what: string): void => {
    if (positionals.length !== count) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `checkpoints ${action} needs ${what} (see --help).`,
      );
    }
  };
  switch (action) {
    case 'list': {
      need(1, 'RUN');
      const { runs, id } = await resolveRun(positionals[0]!, values.home);
      const run = await runs.get(id);
      const { checkpoints, skipped } = await scanCheckpoints(
        runs.runDir(id),
        run.train.earlyStoppingMetric,
      );
      const damaged = await listSetAside(runs.runDir(id));
      if (values.json) {
        console.log(JSON.stringify({ run: run.id, checkpoints, skipped, damaged }, null, 2));
        return 0;
      }
      console.log(`Run "${run.name}" (${run.id}), ${checkpoints.length} checkpoint(s):`);
      if (checkpoints.length > 0) console.log(table(checkpoints));
      const best = checkpoints.find((c) => c.bestBy !== undefined);
      if (best?.bestBy) console.log(`Best (*): ${best.id}, by ${describeBestBy(best.bestBy)}.`);
      for (const s of skipped) console.log(`skipped ${s.name}: ${s.reason}`);
      for (const d of damaged) console.log(`set aside ${d.id} (${d.movedTo}): ${d.reason}`);
      return 0;
    }
    case 'average': {
      need(1, 'RUN and --last K or --steps S1,S2');
      const { runs, id } = await resolveRun(positionals[0]!, values.home);
      if ((values.last === undefined) === (values.steps === undefined)) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          'checkpoints average needs exactly one of --last K and --steps S1,S2.',
        );
      }
      const which: AverageSelection =
        values.last !== undefined
          ? { last: parseIntArg('last', values.last, 2)! }
          : {
              refs: values.steps!.split(',').map((s) => {
                const ref = s.trim();
                if (ref === 'best' || ref === 'last') return ref;
                const n = Number(ref);
                if (ref === '' || !Number.isInteger(n) || n < 0) {
                  throw new AppError(
                    ErrorCode.InvalidArgument,
                    `--steps takes step numbers, best or last; "${s}" is none of them.`,
                  );
                }
                return n;
              }),
            };
      const engine = new EngineHost({
        backend: parseBackend(values.backend),
        restartOnCrash: false,
      });
      try {
        const info = await averageAndScore(runs.home, runs, engine, id, which, {
          onScoring: (written) =>
            process.stderr.write(`Computing the validation loss and BLEU of ${written.id}...\n`),
        });
        console.log(
          `Wrote ${info.id}: the mean of steps ${info.averagedFrom?.join(', ')} (${(info.bytes / 1e6).toFixed(1)} MB).\n${averageReport(info, await runs.checkpoints(id))}`,
        );
      } finally {
        await engine.dispose();
      }
      return 0;
    }
    case 'export': {
      need(3, 'RUN CHECKPOINT OUT');
      const [runRef, ckRef, out] = positionals as [string, string, string];
      const { runs, id } = await resolveRun(runRef, values.home);
      const ref = checkpointArg(ckRef);
      const file = out.endsWith(EXPORT_EXTENSION) ? out : `${out}${EXPORT_EXTENSION}`;
      const result = await exportCheckpoint(
        runs.home,
        await runs.get(id),
        ref,
        path.resolve(file),
        {
          withOptimizer: values['with-optimizer'] ?? false,
        },
      );
      const extra =
        values['with-optimizer'] && !result.withOptimizer
          ? '; it has no optimiser state to include'
          : '';
      const named = result.checkpoint === ckRef ? ckRef : `${ckRef} (${result.checkpoint})`;
      console.log(
        `Exported checkpoint ${named} of run ${id} to ${result.file} (${(result.bytes / 1e6).toFixed(1)} MB${result.withOptimizer ? ', with optimiser state' : ''})${extra}.`,
      );
      return 0;
    }
    case 'export-hf': {
      need(3, 'RUN CHECKPOINT DIR');
      const [runRef, ckRef, out] = positionals as [string, string, string];
      const { runs, id } = await resolveRun(runRef, values.home);
      const result = await exportMarian(runs.home, await runs.get(id), checkpointArg(ckRef), out);
      const named = result.checkpoint === ckRef ? ckRef : `${ckRef} (${result.checkpoint})`;
      console.log(
        `Exported checkpoint ${named} of run ${id} as a Hugging Face MarianMT model to ${result.dir} (${(result.bytes / 1e6).toFixed(1)} MB); its README.md says how to load it.`,
      );
      return 0;
    }
    case 'delete': {
      need(2, 'RUN CHECKPOINT');
      const [runRef, ckRef] = positionals as [string, string];
      const { runs, id } = await resolveRun(runRef, values.home);
      const { id: checkpoint } = await runs.resolveCheckpoint(id, checkpointArg(ckRef));
      if (!(await exists(checkpointDir(runs.runDir(id), checkpoint)))) {
        throw new AppError(ErrorCode.NotFound, `Run ${id} has no checkpoint ${ckRef}.`);
      }
      await deleteCheckpoint(runs.runDir(id), checkpoint);
      const named = checkpoint === ckRef ? ckRef : `${ckRef} (${checkpoint})`;
      console.log(`Deleted checkpoint ${named} of run ${id}.`);
      return 0;
    }
    case 'import': {
      need(1, 'FILE');
      const runs = new RunsService(values.home ?? defaultHome());
      const run = await importCheckpoint(
        runs,
        path.resolve(positionals[0]!),
        values.name ? { name: values.name } : {},
      );
      console.log(`Imported as run "${run.name}" (${run.id}) at step ${run.step}.`);
      return 0;
    }
    default:
      console.error(`Unknown action "${action}".\n\n${USAGE}`);
      return 2;
  }
}
