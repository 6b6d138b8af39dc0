/**
 * Which files on the server a client may name (README "Web mode"). The desktop app and the
 * CLI act for the person at the machine: native dialogs and full paths, anywhere. A browser
 * in web mode is confined to the studio home: it reads only files inside it (its own files
 * come in through the upload call, into <home>/uploads), and exports go to <home>/exports,
 * from where the browser downloads them. The composition root (main/host/studio.ts) picks one
 * policy and hands it to the handlers; no handler asks which mode it runs in.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';

export interface FileAccess {
  /** The folder every path must be inside, or undefined when the client may name any path. */
  readonly confinedTo: string | undefined;
  /**
   * The path to read for a path a client named. Confined: a relative path is taken inside the
   * home (never the server's working folder), and the file, symbolic links followed, must be
   * inside the home; PathNotAllowed otherwise.
   */
  readable(path: string): Promise<string>;
  /**
   * Where an export goes: the client's path, or `defaultName` in <home>/exports when it named
   * none. Confined: only a file directly in <home>/exports (a bare name is put there).
   */
  exportTarget(path: string | undefined, defaultName: string): Promise<string>;
}

/** The desktop app and the CLI: paths are used as given. */
export function unconfined(home: string): FileAccess {
  const exportsDir = join(home, 'exports');
  return {
    confinedTo: undefined,
    readable: async (path) => path,
    exportTarget: async (path, defaultName) => path ?? join(exportsDir, defaultName),
  };
}

/** True when `path` is `root` or inside it (both absolute and normalised). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of `path`, or undefined when it does not exist (the read will say so). */
async function realPathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/** Web mode: everything a client names must be inside `home`. */
export function confinedTo(home: string): FileAccess {
  const root = resolve(home);
  const exportsDir = join(root, 'exports');
  let realRoot: Promise<string> | undefined;
  const refuse = (path: string, what: string): AppError =>
    new AppError(
      ErrorCode.PathNotAllowed,
      `${path} is outside the studio home (${root}); in web mode the studio ${what}.`,
      { file: path },
    );

  return {
    confinedTo: root,

    async readable(path) {
      const absolute = resolve(root, path);
      const why = 'reads only files inside it: upload the file from the page instead';
      if (!isInside(root, absolute)) throw refuse(path, why);
      // A symbolic link inside the home must not lead out of it.
      const real = await realPathOrUndefined(absolute);
      realRoot ??= realPathOrUndefined(root).then((r) => r ?? root);
      if (real !== undefined && !isInside(await realRoot, real)) throw refuse(path, why);
      return absolute;
    },

    async exportTarget(path, defaultName) {
      const absolute = resolve(exportsDir, path ?? defaultName);
      if (dirname(absolute) !== exportsDir) {
        throw refuse(
          path ?? defaultName,
          `writes exports only to ${exportsDir}, from where the page downloads them: give a file name, or none`,
        );
      }
      return absolute;
    },
  };
}
