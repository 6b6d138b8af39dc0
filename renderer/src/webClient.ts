/**
 * The web-mode transport: the same StudioApi as the Electron preload, over a WebSocket to
 * main/host/web/server.ts. Requests carry an id; results come back as a Result (errors keep their
 * code); events are pushed. Reconnects with backoff if the server restarts.
 */
import {
  CALL_NAMES,
  type EventMap,
  type EventName,
  type StudioApi,
  type WireMessage,
} from '../../shared/api';
import { AppError, ErrorCode } from '../../shared/errors';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** Called after the socket comes back (events sent while it was down were missed). */
const reconnectListeners = new Set<() => void>();
export function onWebReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

export function createWebClient(location: Location = window.location): StudioApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let retryMs = 250;
  let everOpened = false;

  const connect = (): Promise<WebSocket> => {
    opened ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.onopen = () => {
        retryMs = 250;
        socket = ws;
        resolve(ws);
        if (everOpened) for (const listener of reconnectListeners) listener();
        everOpened = true;
      };
      ws.onmessage = (event: MessageEvent<string>) => {
        const msg = JSON.parse(event.data) as WireMessage;
        if (msg.kind === 'result') {
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          if (msg.result.ok) p.resolve(msg.result.value);
          else p.reject(AppError.fromData(msg.result.error));
        } else {
          for (const listener of listeners.get(msg.event) ?? []) listener(msg.payload);
        }
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = undefined;
        opened = undefined;
        for (const p of pending.values()) {
          p.reject(
            new AppError(ErrorCode.EngineCrashed, 'The connection to the studio server was lost.'),
          );
        }
        pending.clear();
        if (!wasOpen) {
          reject(
            new AppError(
              ErrorCode.Unauthorized,
              'Could not connect to the studio server (is the token in the URL right?).',
            ),
          );
        }
        // Keep event subscriptions alive across server restarts.
        if (listeners.size > 0) {
          setTimeout(() => void connect().catch(() => undefined), retryMs);
          retryMs = Math.min(retryMs * 2, 5000);
        }
      };
    });
    return opened;
  };

  const api: Record<string, unknown> = {
    transport: 'web',
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      void connect().catch(() => undefined);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  for (const name of CALL_NAMES) {
    api[name] = async (input?: unknown): Promise<unknown> => {
      const ws = socket ?? (await connect());
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, name, input }));
      });
    };
  }
  return api as StudioApi;
}
