/**
 * Validates a call that arrived over IPC or the WebSocket and runs its handler, always
 * answering a Result: errors keep their code and sentence across the boundary.
 */
import { CALLS, isCallName, type ApiHandlers, type CallName } from '../../shared/api';
import { AppError, ErrorCode, fail, ok, type Result } from '../../shared/errors';

export async function dispatch(
  handlers: ApiHandlers,
  name: unknown,
  input: unknown,
): Promise<Result<unknown>> {
  if (!isCallName(name)) {
    return fail(
      new AppError(ErrorCode.InvalidArgument, `There is no call named ${JSON.stringify(name)}.`),
    );
  }
  const parsed = CALLS[name].input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return fail(
      new AppError(
        ErrorCode.InvalidArgument,
        `The ${name} call got invalid input${where}: ${issue?.message ?? 'unknown problem'}.`,
      ),
    );
  }
  try {
    const handler = handlers[name] as (i: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (err) {
    return fail(err);
  }
}

export type { CallName };
