/**
 * The one place raw Node errors become AppErrors. A system error (`{ errno: -21, code:
 * 'EISDIR', syscall: 'read' }`) keeps its message in a non-enumerable field, so it crosses
 * a boundary as a bare errno object; every call answers through here (main/host/dispatch.ts)
 * and gets a code and a sentence instead.
 */
import { AppError, ErrorCode, isErrorData } from '../../shared/errors';

interface SystemErrorFields {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

/** The fields Node puts on fs, net and child_process errors (`code` is E + capitals). */
function systemError(err: unknown): SystemErrorFields | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, syscall, path, dest } = err as Record<string, unknown>;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return undefined;
  return {
    code,
    ...(typeof syscall === 'string' ? { syscall } : {}),
    ...(typeof path === 'string' ? { path } : {}),
    ...(typeof dest === 'string' ? { dest } : {}),
  };
}

/** What went wrong, as the clause after the file's name; the code it crosses with. */
const REASONS: Record<string, { code: ErrorCode; reason: string; todo: string }> = {
  ENOENT: {
    code: ErrorCode.FileUnreadable,
    reason: 'does not exist',
    todo: 'check the path and try again',
  },
  ENOTDIR: {
    code: ErrorCode.FileUnreadable,
    reason: 'goes through something that is not a folder',
    todo: 'check the path and try again',
  },
  EISDIR: {
    code: ErrorCode.FileUnreadable,
    reason: 'is a folder, not a file',
    todo: 'name a file inside it instead',
  },
  EACCES: {
    code: ErrorCode.FileUnreadable,
    reason: 'cannot be opened: permission was denied',
    todo: 'check its permissions or pick another place',
  },
  EPERM: {
    code: ErrorCode.FileUnreadable,
    reason: 'cannot be changed: the operation is not permitted',
    todo: 'check its permissions or pick another place',
  },
  ELOOP: {
    code: ErrorCode.FileUnreadable,
    reason: 'is a loop of symbolic links',
    todo: 'name the file itself',
  },
  ENAMETOOLONG: {
    code: ErrorCode.InvalidArgument,
    reason: 'is a name too long for this file system',
    todo: 'use a shorter one',
  },
  ENOSPC: {
    code: ErrorCode.FileUnwritable,
    reason: 'cannot be written: the disk is full',
    todo: 'free some space and try again',
  },
  EDQUOT: {
    code: ErrorCode.FileUnwritable,
    reason: 'cannot be written: the disk quota is used up',
    todo: 'free some space and try again',
  },
  EROFS: {
    code: ErrorCode.FileUnwritable,
    reason: 'is on a read-only file system',
    todo: 'pick another place',
  },
  EFBIG: {
    code: ErrorCode.FileUnwritable,
    reason: 'would grow larger than this file system allows',
    todo: 'pick another place',
  },
  EEXIST: {
    code: ErrorCode.AlreadyExists,
    reason: 'already exists',
    todo: 'pick another name or remove it first',
  },
  ENOTEMPTY: {
    code: ErrorCode.AlreadyExists,
    reason: 'is a folder that is not empty',
    todo: 'pick another name or empty it first',
  },
  EBUSY: {
    code: ErrorCode.InUse,
    reason: 'is in use by another program',
    todo: 'close it there and try again',
  },
  EMFILE: {
    code: ErrorCode.Internal,
    reason: 'cannot be opened: the studio has too many files open',
    todo: 'try again in a moment',
  },
  ENFILE: {
    code: ErrorCode.Internal,
    reason: 'cannot be opened: the system has too many files open',
    todo: 'try again in a moment',
  },
  EIO: {
    code: ErrorCode.FileUnreadable,
    reason: 'could not be read or written: the disk reported an input/output error',
    todo: 'check the disk',
  },
};

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** The message of anything thrown; never throws itself (a thrown object may have a hostile toString). */
function describe(err: unknown): string {
  try {
    const message = err instanceof Error ? err.message : String(err);
    return message || 'Something went wrong without a message.';
  } catch {
    return 'Something went wrong, and what was thrown cannot be printed.';
  }
}

/**
 * Turns anything thrown into an AppError with a code and a sentence. AppErrors and
 * plain error data (from a worker) pass through; Node system errors are named by their file
 * and reason; anything else is Internal with its message.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const sys = systemError(err);
  if (sys) {
    const known = REASONS[sys.code];
    // A read of an open file (readFile of a folder: EISDIR, syscall read) names no path.
    const subject = sys.path ?? 'The path given';
    const details: Record<string, string> = { errno: sys.code };
    if (sys.path !== undefined) details.file = sys.path;
    if (known) {
      const target = sys.dest && sys.code === 'EEXIST' ? sys.dest : subject;
      return new AppError(known.code, `${target} ${known.reason}; ${known.todo}.`, details);
    }
    const what = sys.syscall ? ` (${sys.syscall})` : '';
    return new AppError(
      ErrorCode.Internal,
      `${subject} could not be used${what}: the system answered ${sys.code}.`,
      details,
    );
  }
  if (isErrorData(err) && KNOWN_CODES.has(err.code)) return AppError.fromData(err);
  return new AppError(ErrorCode.Internal, describe(err));
}
