/**
 * The built renderer (out/renderer), served to an authorised browser: a path names a file
 * inside the renderer folder, anything else gets index.html (the app routes itself). The page
 * carries the CSP as a header (csp.ts).
 */
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WEB_CSP } from './csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export type RendererFile = { file: string; headers: Record<string, string> } | { forbidden: true };

/** The size of a regular file, or undefined when `path` is not one. */
async function fileSize(path: string): Promise<number | undefined> {
  try {
    const st = await stat(path);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/** The file to answer a decoded request path with, and its headers. */
export async function rendererFile(root: string, decodedPath: string): Promise<RendererFile> {
  const rel = normalize(decodedPath).replace(/^([/\\])+/, '');
  let file = resolve(root, rel === '' ? 'index.html' : rel);
  if (file !== root && !file.startsWith(root + sep)) return { forbidden: true };
  let size = await fileSize(file);
  if (size === undefined) {
    file = join(root, 'index.html');
    size = (await fileSize(file)) ?? 0;
  }
  return {
    file,
    headers: {
      'content-length': String(size),
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': WEB_CSP,
      'x-frame-options': 'DENY',
    },
  };
}
