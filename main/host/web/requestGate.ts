/**
 * Who may talk to web mode, decided on the raw request before anything in it is parsed:
 * the Host must be ours (no DNS rebinding), a socket's Origin must be ours, and the request
 * must carry the launch token, in `?token=` or in the cookie the first page load set. The
 * cookie alone is not enough for a request another site's page started (browsers send a
 * 127.0.0.1 cookie to every port of 127.0.0.1: a page on another port is "same-site").
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'studio_token';

export type GateVerdict =
  | {
      allowed: true;
      /** The token came in the query: the answer sets the cookie. */ byQuery: boolean;
    }
  | { allowed: false; status: 401 | 403; message: string };

export interface Gate {
  token: string;
  /** `127.0.0.1:PORT` and `localhost:PORT` once the port is known. */
  hosts(): readonly string[];
}

const UNAUTHORISED: GateVerdict = {
  allowed: false,
  status: 401,
  message: 'Unauthorized: open the URL that `npm run serve` printed (it carries the token).',
};

function sameToken(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined || candidate === '') return false;
  const x = Buffer.from(candidate);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The raw value of `token=` in the query, undecoded (the token is base64url: nothing to decode). */
export function queryToken(rawTarget: string | undefined): string | undefined {
  const queryAt = rawTarget?.indexOf('?') ?? -1;
  if (rawTarget === undefined || queryAt === -1) return undefined;
  for (const pair of rawTarget.slice(queryAt + 1).split('&')) {
    if (pair.startsWith('token=')) return pair.slice('token='.length);
  }
  return undefined;
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === TOKEN_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

function hostOk(req: IncomingMessage, gate: Gate): boolean {
  return gate.hosts().includes(req.headers.host ?? '');
}

function tokenVerdict(req: IncomingMessage, gate: Gate): GateVerdict {
  if (sameToken(queryToken(req.url), gate.token)) return { allowed: true, byQuery: true };
  if (!sameToken(cookieToken(req), gate.token)) return UNAUTHORISED;
  // Fetch metadata: a page of another origin (another port counts) may not ride the cookie.
  const site = req.headers['sec-fetch-site'];
  if (site === 'same-site' || site === 'cross-site') return UNAUTHORISED;
  return { allowed: true, byQuery: false };
}

/** An HTTP request: 403 for a foreign Host, 401 without the token. */
export function checkHttpRequest(req: IncomingMessage, gate: Gate): GateVerdict {
  if (!hostOk(req, gate))
    return { allowed: false, status: 403, message: 'Forbidden: unexpected Host header.' };
  return tokenVerdict(req, gate);
}

/** A WebSocket upgrade: also refused (401) when a page of another origin opens it. */
export function checkUpgradeRequest(req: IncomingMessage, gate: Gate): GateVerdict {
  const origin = req.headers.origin;
  const originOk = origin === undefined || gate.hosts().some((h) => origin === `http://${h}`);
  if (!hostOk(req, gate) || !originOk) return UNAUTHORISED;
  return tokenVerdict(req, gate);
}
