/**
 * Validates a call that arrived over IPC or the WebSocket and runs its handler, always
 * answering a Result: errors keep their code and sentence across the boundary, and raw Node
 * errors are turned into both here (main/host/systemErrors.ts). Never rejects, whatever the
 * name and input are.
 */
import { isCallName, parseCallInput, type ApiHandlers, type CallName } from '../../shared/api';
import { AppError, ErrorCode, fail, ok, type Result } from '../../shared/errors';
import { toAppError } from './systemErrors';

/** How much of a bad call name an error message repeats. */
const NAME_ECHO_CHARS = 60;

/** What a call name that is not a string is, in words. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' || typeof value === 'undefined'
    ? `an ${typeof value}`
    : `a ${typeof value}`;
}

/** The sentence for a name that is no call; it may be huge, deep or hostile, so it is not echoed whole. */
function noSuchCall(name: unknown): string {
  if (typeof name !== 'string')
    return `A call's name must be a string; this one is ${kindOf(name)}.`;
  const printable = name.slice(0, NAME_ECHO_CHARS).replace(/[^\x20-\x7e]/g, '?');
  return `There is no call named "${printable}${name.length > NAME_ECHO_CHARS ? '…' : ''}".`;
}

export async function dispatch(
  handlers: ApiHandlers,
  name: unknown,
  input: unknown,
): Promise<Result<unknown>> {
  try {
    if (!isCallName(name)) {
      return fail(new AppError(ErrorCode.InvalidArgument, noSuchCall(name)));
    }
    // Defaults filled in, ranges checked (shared/schema/); a bad input throws a sentence.
    const args = parseCallInput(name, input);
    const handler = handlers[name] as (i: unknown) => Promise<unknown>;
    return ok(await handler(args));
  } catch (err) {
    return fail(toAppError(err));
  }
}

export type { CallName };
