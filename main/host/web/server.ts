/**
 * Web mode (DESIGN.md): serves the built renderer and carries the same shared/api.ts calls and
 * events over a WebSocket. Bound to 127.0.0.1 only; a random token per launch. The first page
 * load carries `?token=`; the server answers with an HttpOnly, SameSite=Strict cookie so the
 * page's assets and its socket are authorised too. Anything without the token gets 401.
 * Host and Origin are checked so another site (or DNS rebinding) cannot drive the studio.
 *
 * Every handler is total: the gate (requestGate.ts) looks at the raw request first, the URL is
 * read only after it and never throws (requestTarget.ts: 400 when malformed), frames are
 * answered by socketSession.ts, and anything that still throws is logged and answered 500;
 * no request, frame or message can end the process (and a training with it).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireMessage } from '../../../shared/api';
import { AppError, ErrorCode } from '../../../shared/errors';
import { MAX_UPLOAD_CHUNK_BYTES } from '../services/uploads';
import type { Studio } from '../studio';
import { toAppError } from '../systemErrors';
import { DOWNLOAD_PATH, exportDownload } from './downloads';
import { checkHttpRequest, checkUpgradeRequest, TOKEN_COOKIE, type Gate } from './requestGate';
import { parseRequestTarget } from './requestTarget';
import { refuse, sendFile } from './responses';
import { serveSocket } from './socketSession';
import { rendererFile } from './staticFiles';

/**
 * Largest WebSocket frame: one upload chunk in base64 plus its envelope. Nothing else the
 * protocol carries comes close; a bigger frame closes that socket (1009), nothing more.
 */
export const MAX_FRAME_BYTES = Math.ceil(MAX_UPLOAD_CHUNK_BYTES / 3) * 4 + 64 * 1024;

export interface WebServerOptions {
  studio: Pick<Studio, 'home' | 'handlers' | 'events' | 'uploads'>;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); random per launch otherwise. */
  token?: string;
  /** Where failures the server survived are reported (default: stderr). */
  log?: (message: string) => void;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

/** A listen failure as one sentence: a busy port, a privileged one, or what the system said. */
function listenError(err: unknown, port: number): AppError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new AppError(
      ErrorCode.InvalidArgument,
      `Port ${port} is already in use on 127.0.0.1; pick another with --port, or --port 0 for a free one.`,
    );
  }
  if (code === 'EACCES') {
    return new AppError(
      ErrorCode.InvalidArgument,
      `Port ${port} needs more privileges than this user has; pick one above 1023 with --port.`,
    );
  }
  const known = toAppError(err);
  return new AppError(known.code, `The server could not listen on port ${port}: ${known.message}`);
}

/** Answers a refused WebSocket upgrade on the raw socket, then closes it. */
function refuseUpgrade(socket: Duplex, status: 401 | 404): void {
  const reason = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { studio } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  const log = options.log ?? ((message: string) => console.error(message));
  if (!existsSync(join(root, 'index.html'))) {
    throw new AppError(
      ErrorCode.NotFound,
      `The built renderer is missing (${join(root, 'index.html')}); run npm run build first.`,
    );
  }
  let port = 0;
  const gate: Gate = { token, hosts: () => [`127.0.0.1:${port}`, `localhost:${port}`] };
  const exportsDir = join(studio.home, 'exports');
  const fileFailed = (err: Error): void => log(`web: a file could not be sent: ${err.message}`);

  const answerHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const verdict = checkHttpRequest(req, gate);
    if (!verdict.allowed) return refuse(res, verdict.status, verdict.message);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return refuse(res, 405, 'Method not allowed.');
    }
    const target = parseRequestTarget(req.url);
    if (!target) return refuse(res, 400, 'Bad request: the URL is malformed.');
    const head = req.method === 'HEAD';
    if (target.path === DOWNLOAD_PATH) {
      const download = await exportDownload(exportsDir, target.query);
      if ('status' in download) return refuse(res, download.status, download.message);
      return sendFile(res, download.file, download.headers, head, fileFailed);
    }
    const found = await rendererFile(root, target.path);
    if ('forbidden' in found) return refuse(res, 403, 'Forbidden.');
    const headers = { ...found.headers };
    if (verdict.byQuery) {
      headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    sendFile(res, found.file, headers, head, fileFailed);
  };

  const server = createServer((req, res) => {
    answerHttp(req, res).catch((err: unknown) => {
      log(`web: ${req.method ?? '?'} request failed: ${toAppError(err).message}`);
      try {
        refuse(res, 500, 'Internal error; the server log says more.');
      } catch {
        res.destroy();
      }
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const sockets = new Set<WebSocket>();
  wss.on('error', (err) => log(`web: the socket server failed: ${err.message}`));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Without a listener, a reset connection's 'error' would end the process.
    socket.on('error', (err) => log(`web: an upgrade connection failed: ${err.message}`));
    try {
      const verdict = checkUpgradeRequest(req, gate);
      if (!verdict.allowed) return refuseUpgrade(socket, 401);
      if ((req.url ?? '').split('?')[0] !== '/ws') return refuseUpgrade(socket, 404);
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        serveSocket(ws, { handlers: studio.handlers, uploads: studio.uploads, log });
      });
    } catch (err) {
      log(`web: an upgrade failed: ${toAppError(err).message}`);
      socket.destroy();
    }
  });

  const send = (ws: WebSocket, msg: WireMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(JSON.stringify(msg));
    } catch (err) {
      log(`web: an event could not be sent: ${(err as Error).message}`);
    }
  };
  const unsubscribe = studio.events.subscribe((event, payload) => {
    for (const ws of sockets) send(ws, { kind: 'event', event, payload });
  });

  const requested = options.port ?? 0;
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(requested, '127.0.0.1', () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (err) {
    unsubscribe();
    throw listenError(err, requested);
  }
  // After listening, a failure to accept (EMFILE...) is logged; the server keeps serving.
  server.on('error', (err) => log(`web: the server failed: ${err.message}`));
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
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
