/**
 * The composition root of the main process: builds the services and the EngineHost for one
 * studio home and returns the handlers of every call in shared/api.ts. Electron IPC
 * (main/ipc.ts), web mode (main/web) and the CLI all serve these same handlers.
 */
import type { ApiHandlers } from '../shared/api';
import type { BackendName } from '../shared/types';
import { EngineHost, type WorkerFactory } from './engine/EngineHost';
import { EventHub } from './events';
import { ensureHome } from './services/home';

export interface StudioOptions {
  home: string;
  backend?: BackendName | 'auto';
  workerFactory?: WorkerFactory;
}

export interface Studio {
  home: string;
  engine: EngineHost;
  events: EventHub;
  handlers: ApiHandlers;
  dispose(): Promise<void>;
}

export function createStudio(options: StudioOptions): Studio {
  const home = ensureHome(options.home);
  const events = new EventHub();
  const engine = new EngineHost({
    backend: options.backend ?? 'auto',
    ...(options.workerFactory ? { workerFactory: options.workerFactory } : {}),
  });
  engine.onStatus((status) => events.emit('engineStatus', status));

  const handlers: ApiHandlers = {
    engineInfo: () => engine.call('engineInfo', undefined),
    engineStatus: async () => engine.status,
  };

  // Start the engine at once: choosing a backend takes a moment and the UI shows it.
  engine.start().catch(() => undefined);

  return {
    home,
    engine,
    events,
    handlers,
    dispose: () => engine.dispose(),
  };
}
