/**
 * Test helper: talks to a web-mode server the way a hostile or careless client would, below
 * what fetch and browsers allow: raw request targets (`//[`, `/%ff`) over a plain TCP
 * socket, and WebSocket frames of any shape, each paired with the answer it got.
 */
import { connect } from 'node:net';
import WebSocket from 'ws';
import type { WireMessage } from '../../shared/api';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one HTTP request with exactly `target` as its request target and reads the answer.
 * @param headers extra header lines, e.g. { cookie: 'studio_token=...' }
 */
export function rawHttp(
  port: number,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const lines = Object.entries({ host: `127.0.0.1:${port}`, ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.on('connect', () =>
      socket.write(`${method} ${target} HTTP/1.1\r\n${lines}connection: close\r\n\r\n`, 'latin1'),
    );
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      // A WebSocket handshake that succeeded stays open: its headers are the whole answer.
      if (Buffer.concat(chunks).toString('latin1').startsWith('HTTP/1.1 101 ')) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? NaN);
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        if (at > 0) parsed[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      if (Number.isNaN(status)) reject(new Error(`No HTTP answer to ${target}: ${text}`));
      else resolve({ status, headers: parsed, body: rest.join('\r\n\r\n') });
    });
  });
}

/** A socket to the server's /ws, with every message it received kept in order. */
export interface WireSocket {
  ws: WebSocket;
  messages: WireMessage[];
  /** Sends a raw frame and waits for the next result that arrives. */
  sendRaw(frame: string | Buffer, binary?: boolean): Promise<WireMessage>;
  /** Sends a call and waits for the result with its id. */
  call(name: string, input?: unknown): Promise<Extract<WireMessage, { kind: 'result' }>>;
  /** The next event named `event` for which `where` holds. */
  nextEvent(event: string, where?: (payload: unknown) => boolean): Promise<unknown>;
  close(): Promise<void>;
}

/** Opens /ws with the token in the query (or `token: undefined` for none). */
export async function openWire(port: number, token: string | undefined): Promise<WireSocket> {
  const query = token === undefined ? '' : `?token=${token}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const messages: WireMessage[] = [];
  const waiters: ((msg: WireMessage) => boolean)[] = [];
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as WireMessage;
    messages.push(msg);
    const index = waiters.findIndex((w) => w(msg));
    if (index !== -1) waiters.splice(index, 1);
  });
  const waitFor = <T extends WireMessage>(match: (msg: WireMessage) => boolean): Promise<T> =>
    new Promise((resolve) => {
      waiters.push((msg) => {
        if (!match(msg)) return false;
        resolve(msg as T);
        return true;
      });
    });
  let nextId = 1;
  return {
    ws,
    messages,
    sendRaw(frame, binary = false) {
      const answer = waitFor((m) => m.kind === 'result');
      ws.send(frame, { binary });
      return answer;
    },
    call(name, input) {
      const id = nextId++;
      const answer = waitFor<Extract<WireMessage, { kind: 'result' }>>(
        (m) => m.kind === 'result' && m.id === id,
      );
      ws.send(JSON.stringify({ id, name, input }));
      return answer;
    },
    nextEvent(event, where = () => true) {
      return waitFor<Extract<WireMessage, { kind: 'event' }>>(
        (m) => m.kind === 'event' && m.event === event && where(m.payload),
      ).then((m) => m.payload);
    },
    close() {
      if (ws.readyState === ws.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
}
