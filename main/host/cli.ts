/**
 * The headless studio: the same services as the desktop app, from a terminal.
 * Each command lives in main/host/cli/<command>.ts; this file only dispatches and turns errors
 * into one sentence and an exit code (2 for bad arguments or input).
 */
import { AppError, ErrorCode } from '../../shared/errors';
import { runCheckpointsCommand } from './cli/checkpoints';
import { runEvaluateCommand } from './cli/evaluate';
import { runImportCommand } from './cli/import';
import { runImportHfCommand } from './cli/importHf';
import { runServeCommand } from './cli/serve';
import { runTrainCommand } from './cli/train';
import { runTranslateCommand } from './cli/translate';
import { toAppError } from './systemErrors';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  train: {
    run: runTrainCommand,
    summary: 'train a Transformer headless (no arguments: tiny on the sample corpus)',
  },
  translate: {
    run: runTranslateCommand,
    summary: "translate sentences with a run's checkpoint (greedy or beam)",
  },
  evaluate: { run: runEvaluateCommand, summary: 'BLEU and chrF of a checkpoint on a test set' },
  import: {
    run: runImportCommand,
    summary: 'import a parallel corpus as a dataset and print its stats',
  },
  'import-hf': {
    run: runImportHfCommand,
    summary: 'import a Hugging Face MarianMT folder as a run at step 0',
  },
  checkpoints: {
    run: runCheckpointsCommand,
    summary: 'list, average, export or import checkpoints',
  },
  serve: { run: runServeCommand, summary: 'serve the studio to a browser on 127.0.0.1' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `Usage: transformer-studio <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun a command with --help for its options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // A Node system error (EACCES, EISDIR, ENOSPC...) that escaped a command is still the
    // user's to fix, not a bug: one sentence, like an AppError. Only bugs print a stack.
    const known = err instanceof AppError ? err : toAppError(err);
    if (err instanceof AppError || known.code !== ErrorCode.Internal) {
      console.error(known.message);
      return known.code === ErrorCode.Internal ? 1 : 2;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
