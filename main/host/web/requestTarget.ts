/**
 * The request target of an HTTP request, read strictly and without throwing. Node hands the
 * raw bytes over (`//[`, `/%ff`, 8 KiB of slashes); `new URL` and `decodeURIComponent` throw
 * on some of them, so the server reads them only through here, after authentication, and
 * answers 400 when this says the target is malformed.
 */

/** Longest target accepted: the renderer's asset paths and a download path are far shorter. */
export const MAX_TARGET_CHARS = 4096;

/** RFC 3986 path characters (pchar and "/"), with percent escapes checked separately. */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
/** Query characters browsers send unescaped: printable ASCII but space and "#". */
const QUERY_CHARS = /^[\x21-\x22\x24-\x7e]*$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** True when `text` holds a C0 control character or DEL (%00, %0a... once decoded). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export interface RequestTarget {
  /** The decoded path, always starting with "/" and free of control characters. */
  path: string;
  query: URLSearchParams;
}

/** The target split and decoded, or undefined when it is malformed (answer 400). */
export function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  if (raw === undefined || raw.length > MAX_TARGET_CHARS || !raw.startsWith('/')) return undefined;
  const queryAt = raw.indexOf('?');
  const rawPath = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : raw.slice(queryAt + 1);
  if (!PATH_CHARS.test(rawPath) || BAD_ESCAPE.test(rawPath)) return undefined;
  if (!QUERY_CHARS.test(rawQuery) || BAD_ESCAPE.test(rawQuery)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined; // An escape that is not UTF-8, such as %ff.
  }
  if (hasControlCharacter(path)) return undefined;
  // URLSearchParams never throws: a bad escape in a value is kept as it is.
  return { path, query: new URLSearchParams(rawQuery) };
}
