/**
 * dispatch is total: whatever the name and input, it answers a Result, never rejects, and a
 * raw Node error from a handler crosses with a code and a sentence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../shared/api';
import { ErrorCode } from '../../shared/errors';
import { dispatch } from './dispatch';

const dir = mkdtempSync(join(tmpdir(), 'studio-dispatch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const handlers = {
  runsList: async () => [],
  datasetsList: async () => readFile(dir),
  engineStatus: () => {
    throw new Error('thrown synchronously');
  },
} as unknown as ApiHandlers;

describe('dispatch', () => {
  it('answers odd names with InvalidArgument, naming them safely', async () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 100_000; i++) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    const cases: [unknown, string][] = [
      [null, "A call's name must be a string; this one is null."],
      [undefined, "A call's name must be a string; this one is an undefined."],
      [42, "A call's name must be a string; this one is a number."],
      [deep, "A call's name must be a string; this one is an array."],
      [{ a: 1 }, "A call's name must be a string; this one is an object."],
      ['run\u0000s', 'There is no call named "run?s".'],
      ['x'.repeat(1000), `There is no call named "${'x'.repeat(60)}…".`],
      ['toString', 'There is no call named "toString".'],
      ['__proto__', 'There is no call named "__proto__".'],
    ];
    for (const [name, message] of cases) {
      const result = await dispatch(handlers, name, undefined);
      expect(result).toEqual({ ok: false, error: { code: ErrorCode.InvalidArgument, message } });
    }
  });

  it('answers wrong input types with the call and the field', async () => {
    const result = await dispatch(handlers, 'runMetrics', { runId: 7 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(ErrorCode.InvalidArgument);
      expect(result.error.message).toMatch(/^The runMetrics call got invalid input at runId: /);
    }
  });

  it('maps a raw EISDIR from a handler to a sentence, not {"errno":-21,"code":"EISDIR"}', async () => {
    const result = await dispatch(handlers, 'datasetsList', undefined);
    expect(result).toEqual({
      ok: false,
      error: {
        code: ErrorCode.FileUnreadable,
        message: 'The path given is a folder, not a file; name a file inside it instead.',
        details: { errno: 'EISDIR' },
      },
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('catches a handler that throws synchronously', async () => {
    const result = await dispatch(handlers, 'engineStatus', undefined);
    expect(result).toEqual({
      ok: false,
      error: { code: ErrorCode.Internal, message: 'thrown synchronously' },
    });
  });
});
