/**
 * Exposes `window.studio` (typed by shared/api.ts) and nothing else: no raw ipcRenderer.
 * Runs sandboxed, so it is bundled to one CommonJS file and imports only electron and shared.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  CALL_NAMES,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  isEventName,
  type EventMap,
  type EventName,
} from '../../shared/api';
import { AppError, type Result } from '../../shared/errors';

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api: Record<string, unknown> = {
  transport: 'electron',
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    if (!isEventName(event)) throw new Error(`There is no event named ${String(event)}.`);
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
  /** The file-system path of a File dropped into the window (Electron >= 32). */
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
};

for (const name of CALL_NAMES) {
  api[name] = async (input?: unknown): Promise<unknown> => {
    const result = (await ipcRenderer.invoke(IPC_CALL_CHANNEL, name, input)) as Result<unknown>;
    // Errors cross as data; re-raise them on this side with their code and sentence.
    if (!result.ok) throw AppError.fromData(result.error);
    return result.value;
  };
}

contextBridge.exposeInMainWorld('studio', api);
