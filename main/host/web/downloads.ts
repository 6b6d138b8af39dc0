/**
 * Web mode's downloads: `GET /download?path=<file>` sends a file of <home>/exports as an
 * attachment (checkpointExport writes there in web mode; the page then asks for it, with the
 * token's cookie). Nothing outside that folder is ever sent.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

export const DOWNLOAD_PATH = '/download';

export type Download =
  { file: string; headers: Record<string, string> } | { status: 400 | 403 | 404; message: string };

/** A header value naming the file: an ASCII fallback and the exact UTF-8 name (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Which file of `exportsDir` the query names, or why none is sent. */
export async function exportDownload(
  exportsDir: string,
  query: URLSearchParams,
): Promise<Download> {
  const asked = query.get('path');
  if (asked === null || asked === '') {
    return { status: 400, message: 'Bad request: say which export to download (?path=...).' };
  }
  const file = resolve(exportsDir, asked);
  const refused = {
    status: 403,
    message: 'Forbidden: only files of the studio exports can be downloaded.',
  } as const;
  if (dirname(file) !== resolve(exportsDir)) return refused;
  let real: string;
  let realDir: string;
  let size: number;
  try {
    [real, realDir] = await Promise.all([realpath(file), realpath(exportsDir)]);
    const st = await stat(real);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    return { status: 404, message: `Not found: there is no export ${basename(file)}.` };
  }
  // A symbolic link in exports must not lead out of it.
  if (dirname(real) !== realDir) return refused;
  return {
    file: real,
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(size),
      'content-disposition': attachment(basename(real)),
    },
  };
}
