/**
 * Answers of the web server: plain-text refusals, and files streamed without a failure of the
 * file or of the client's connection ever throwing (a stream's 'error' with no listener would
 * end the process).
 */
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';

/** Sent with every answer: no sniffing, no referrer, nothing cached (the token is in URLs). */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** A plain-text answer; does nothing when the answer has already begun. */
export function refuse(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}

/** Streams a file after `headers`; a read error cuts the answer, and is reported to `onError`. */
export function sendFile(
  res: ServerResponse,
  file: string,
  headers: Record<string, string>,
  head: boolean,
  onError: (err: Error) => void,
): void {
  res.writeHead(200, { ...BASE_HEADERS, ...headers });
  if (head) {
    res.end();
    return;
  }
  pipeline(createReadStream(file), res, (err) => {
    // A client that goes away mid-file is normal; anything else is worth a line in the log.
    if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onError(err);
  });
}
