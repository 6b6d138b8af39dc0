/**
 * Web mode (DESIGN.md): serves the built renderer and carries the same shared/api.ts calls and
 * events over a WebSocket. Bound to 127.0.0.1 only; a random token per launch. The first page
 * load carries `?token=`; the server answers with an HttpOnly, SameSite=Strict cookie so the
 * page's assets and its socket are authorised too. Anything without the token gets 401.
 * Host and Origin are checked so another site (or DNS rebinding) cannot drive the studio.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireMessage, WireRequest } from '../../../shared/api';
import { dispatch } from '../dispatch';
import type { Studio } from '../studio';

const COOKIE = 'studio_token';

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

export interface WebServerOptions {
  studio: Studio;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); random per launch otherwise. */
  token?: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

function sameToken(a: string | null | undefined, token: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === COOKIE) return rest.join('=');
  }
  return undefined;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(
      `The built renderer is missing (${join(root, 'index.html')}); run npm run build first.`,
    );
  }
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

  const authorised = (req: IncomingMessage, url: URL): boolean =>
    sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token);

  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '');

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(message);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostOk(req)) return refuse(res, 403, 'Forbidden: unexpected Host header.');
    if (!authorised(req, url)) {
      return refuse(
        res,
        401,
        'Unauthorized: open the URL that `npm run serve` printed (it carries the token).',
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, 'Method not allowed.');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    let file = resolve(root, rel === '' ? 'index.html' : rel);
    if (file !== root && !file.startsWith(root + sep)) return refuse(res, 403, 'Forbidden.');
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    const headers: Record<string, string> = {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    if (sameToken(url.searchParams.get('token'), token)) {
      headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const originOk = origin === undefined || allowedHosts().some((h) => origin === `http://${h}`);
    if (url.pathname !== '/ws' || !hostOk(req) || !originOk || !authorised(req, url)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const sockets = new Set<WebSocket>();
  const send = (ws: WebSocket, msg: WireMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const unsubscribe = options.studio.events.subscribe((event, payload) => {
    for (const ws of sockets) send(ws, { kind: 'event', event, payload });
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      let request: WireRequest;
      try {
        request = JSON.parse(String(data)) as WireRequest;
      } catch {
        return; // Not our client; nothing sensible to answer.
      }
      void dispatch(options.studio.handlers, request.name, request.input).then((result) =>
        send(ws, { kind: 'result', id: request.id, result }),
      );
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
