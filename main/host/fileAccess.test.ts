/**
 * The file policy: web mode reads and exports only inside the studio home; the desktop app
 * and the CLI use paths as given.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import { confinedTo, unconfined } from './fileAccess';

const home = mkdtempSync(join(tmpdir(), 'studio-files-'));
const outside = mkdtempSync(join(tmpdir(), 'studio-outside-'));
mkdirSync(join(home, 'uploads', 'u1'), { recursive: true });
writeFileSync(join(home, 'uploads', 'u1', 'train.en'), 'hello\n');
writeFileSync(join(outside, 'secret.txt'), 'secret\n');
symlinkSync(join(outside, 'secret.txt'), join(home, 'uploads', 'u1', 'link.en'));
symlinkSync(join(home, 'uploads', 'u1', 'train.en'), join(home, 'inside-link.en'));

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(ErrorCode.PathNotAllowed);
  return err as AppError;
}

describe('confinedTo(home)', () => {
  const files = confinedTo(home);

  it('reads files inside the home, by absolute path or relative to the home', async () => {
    const upload = join(home, 'uploads', 'u1', 'train.en');
    expect(await files.readable(upload)).toBe(upload);
    // Relative to the home, never to the server's working folder.
    expect(await files.readable('uploads/u1/train.en')).toBe(upload);
    expect(await files.readable('inside-link.en')).toBe(join(home, 'inside-link.en'));
    // A missing file inside is allowed here: reading it says it does not exist.
    expect(await files.readable('uploads/none.en')).toBe(join(home, 'uploads', 'none.en'));
  });

  it('refuses /etc/passwd, ../ and a symbolic link out of the home', async () => {
    const err = await refusal(files.readable('/etc/passwd'));
    expect(err.message).toBe(
      `/etc/passwd is outside the studio home (${home}); in web mode the studio reads only files inside it: upload the file from the page instead.`,
    );
    await refusal(files.readable('../x'));
    await refusal(files.readable(join(home, '..', 'x')));
    await refusal(files.readable(join(outside, 'secret.txt')));
    await refusal(files.readable('uploads/u1/link.en'));
    await refusal(files.readable(`${home}-other/x`));
  });

  it('exports into <home>/exports only', async () => {
    const exportsDir = join(home, 'exports');
    expect(await files.exportTarget(undefined, 'run-1.tstudio')).toBe(
      join(exportsDir, 'run-1.tstudio'),
    );
    expect(await files.exportTarget('mine.tstudio', 'x')).toBe(join(exportsDir, 'mine.tstudio'));
    expect(await files.exportTarget(join(exportsDir, 'a.tstudio'), 'x')).toBe(
      join(exportsDir, 'a.tstudio'),
    );
    for (const path of ['/tmp/evil.tstudio', '../evil.tstudio', 'sub/evil.tstudio', '.']) {
      await refusal(files.exportTarget(path, 'x'));
    }
    // A default name built from client ids cannot climb out either.
    await refusal(files.exportTarget(undefined, 'run-../../../x.tstudio'));
  });
});

describe('unconfined(home)', () => {
  const files = unconfined(home);

  it('uses paths as given, with the same default export place', async () => {
    expect(files.confinedTo).toBeUndefined();
    expect(await files.readable('/etc/passwd')).toBe('/etc/passwd');
    expect(await files.readable('relative/x')).toBe('relative/x');
    expect(await files.exportTarget('/tmp/x.tstudio', 'd')).toBe('/tmp/x.tstudio');
    expect(await files.exportTarget(undefined, 'd.tstudio')).toBe(
      join(home, 'exports', 'd.tstudio'),
    );
  });
});
