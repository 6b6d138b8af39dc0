/**
 * The one fan-out point for events to the renderer(s): Electron's webContents and web-mode
 * sockets subscribe here; services and EngineHost publish. Plain data only.
 */
import type { EventMap, EventName } from '../../shared/api';

export type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
