/**
 * Every user-visible failure has a code and a sentence a person can act on.
 * Errors cross process boundaries (worker -> main -> renderer) as plain data,
 * because Electron and postMessage keep only an Error's message.
 */

export const ErrorCode = {
  /** A call's arguments did not match the contract. */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** A model or training configuration is inconsistent (e.g. d_model not divisible by heads). */
  InvalidConfig: 'INVALID_CONFIG',
  /** A file could not be read at all (missing, permissions). */
  FileUnreadable: 'FILE_UNREADABLE',
  /** A file or folder could not be written (disk full, read-only file system). */
  FileUnwritable: 'FILE_UNWRITABLE',
  /** Web mode: a path outside the studio home, which a browser client may not name. */
  PathNotAllowed: 'PATH_NOT_ALLOWED',
  /** A corpus file is malformed: the message names the file, line and problem. */
  CorpusInvalid: 'CORPUS_INVALID',
  /** Two aligned files have different line counts. */
  CorpusLineCountMismatch: 'CORPUS_LINE_COUNT_MISMATCH',
  /** Bytes that are not UTF-8 (or a binary file). */
  CorpusEncoding: 'CORPUS_ENCODING',
  /** Nothing usable is left after cleaning. */
  CorpusEmpty: 'CORPUS_EMPTY',
  /** A name that already exists. */
  AlreadyExists: 'ALREADY_EXISTS',
  /** A dataset, run or checkpoint that does not exist. */
  NotFound: 'NOT_FOUND',
  /** The thing is in use (e.g. deleting a dataset a run uses without force). */
  InUse: 'IN_USE',
  /** An operation was cancelled by the user. */
  Cancelled: 'CANCELLED',
  /** A training run is already active; one at a time. */
  Busy: 'BUSY',
  /** A checkpoint file is corrupt or from an incompatible version. */
  CheckpointInvalid: 'CHECKPOINT_INVALID',
  /** The requested compute backend cannot be loaded. */
  BackendUnavailable: 'BACKEND_UNAVAILABLE',
  /** The engine worker crashed or exited; it has been restarted. */
  EngineCrashed: 'ENGINE_CRASHED',
  /** The web-mode connection is not authorised (missing or wrong token). */
  Unauthorized: 'UNAUTHORIZED',
  /** Anything else: a bug. The message says what happened. */
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The plain-data form of an AppError: what crosses IPC, postMessage and WebSocket. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Optional structured detail, e.g. { file, line } for corpus errors. */
  details?: Record<string, string | number | boolean | null>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, string | number | boolean | null> | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorData['details']) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toData(): ErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromData(data: ErrorData): AppError {
    return new AppError(data.code, data.message, data.details);
  }
}

/** Turns anything thrown into plain error data; unknown errors become Internal. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof AppError) return err.toData();
  if (isErrorData(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return { code: ErrorCode.Internal, message };
}

export function isErrorData(value: unknown): value is ErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Results cross every process boundary in this form; never a thrown Error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: unknown): Result<T> {
  return { ok: false, error: toErrorData(error) };
}

/** Unwraps a Result, re-raising its error as an AppError on this side of the boundary. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw AppError.fromData(result.error);
}

/** Used at the end of exhaustive switches over discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new AppError(ErrorCode.Internal, `Unexpected ${what}: ${JSON.stringify(value)}.`);
}
