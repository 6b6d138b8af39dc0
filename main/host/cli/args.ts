/**
 * Argument parsing shared by the CLI commands: node:util parseArgs, with bad arguments turned
 * into one clear sentence (the CLI prints it and exits with code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, ErrorCode } from '../../../shared/errors';
import { BACKENDS, type BackendName } from '../../../shared/types';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new AppError(ErrorCode.InvalidArgument, `${command}: ${message} (see --help).`);
  }
}

export function parseBackend(value: string | undefined): BackendName | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new AppError(
    ErrorCode.InvalidArgument,
    `--backend ${value} is not a backend; use one of auto, ${BACKENDS.join(', ')}.`,
  );
}

export function parseIntArg(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `--${name} must be a whole number of at least ${min}; got ${value}.`,
    );
  }
  return n;
}
