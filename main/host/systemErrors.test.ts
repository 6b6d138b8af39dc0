/**
 * Raw Node errors become AppErrors with a code and a sentence naming the file (issue 11:
 * `{"errno":-21,"code":"EISDIR"}` reached the client with no sentence).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import { toAppError } from './systemErrors';

const dir = mkdtempSync(join(tmpdir(), 'studio-syserr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function thrownBy(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('toAppError', () => {
  it("gives a real EISDIR ({errno: -21, code: 'EISDIR', syscall: 'read'}) a sentence", async () => {
    const raw = await thrownBy(() => readFile(dir));
    expect(raw).toMatchObject({ errno: -21, code: 'EISDIR', syscall: 'read' });
    const err = toAppError(raw);
    expect(err.code).toBe(ErrorCode.FileUnreadable);
    expect(err.message).toBe(
      'The path given is a folder, not a file; name a file inside it instead.',
    );
    expect(err.details).toEqual({ errno: 'EISDIR' });
    // With the path (open of a folder for writing), the sentence names it.
    const named = toAppError(await thrownBy(() => writeFile(dir, 'x')));
    expect(named.message).toBe(`${dir} is a folder, not a file; name a file inside it instead.`);
    expect(named.details).toEqual({ errno: 'EISDIR', file: dir });
  });

  it('names the file of a real ENOENT and ENOTDIR', async () => {
    const missing = join(dir, 'missing.txt');
    const gone = toAppError(await thrownBy(() => readFile(missing)));
    expect(gone.code).toBe(ErrorCode.FileUnreadable);
    expect(gone.message).toBe(`${missing} does not exist; check the path and try again.`);
    await writeFile(join(dir, 'file'), 'x');
    const through = join(dir, 'file', 'inner');
    const notDir = toAppError(await thrownBy(() => writeFile(through, 'x')));
    expect(notDir.message).toBe(
      `${through} goes through something that is not a folder; check the path and try again.`,
    );
  });

  it('maps a full disk to FileUnwritable', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      errno: -28,
      code: 'ENOSPC',
      syscall: 'write',
      path: '/data/x.tstudio',
    });
    const err = toAppError(enospc);
    expect(err.code).toBe(ErrorCode.FileUnwritable);
    expect(err.message).toBe(
      '/data/x.tstudio cannot be written: the disk is full; free some space and try again.',
    );
  });

  it('says "The path given" when the error names none, and Internal for an unknown errno', () => {
    expect(toAppError({ code: 'EACCES' }).message).toBe(
      'The path given cannot be opened: permission was denied; check its permissions or pick another place.',
    );
    const odd = toAppError({ code: 'EWHATEVER', syscall: 'ioctl' });
    expect(odd.code).toBe(ErrorCode.Internal);
    expect(odd.message).toBe(
      'The path given could not be used (ioctl): the system answered EWHATEVER.',
    );
  });

  it('passes AppErrors and plain error data through; anything else is Internal', () => {
    const app = new AppError(ErrorCode.NotFound, 'No run x.');
    expect(toAppError(app)).toBe(app);
    expect(toAppError({ code: ErrorCode.Busy, message: 'A run trains.' }).toData()).toEqual({
      code: ErrorCode.Busy,
      message: 'A run trains.',
    });
    // A Node ERR_* code is not one of ours: Internal, with the message.
    const nodeErr = Object.assign(new TypeError('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(toAppError(nodeErr).toData()).toEqual({ code: ErrorCode.Internal, message: 'bad arg' });
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(toAppError(hostile).code).toBe(ErrorCode.Internal);
    expect(toAppError(undefined).message).toBe('undefined');
  });
});
