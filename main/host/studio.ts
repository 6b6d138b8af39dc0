/**
 * The composition root of the main process: builds the services, the EngineHost and the run
 * controller for one studio home and returns the handlers of every call in shared/api.ts.
 * Electron IPC (main/app/ipc.ts), web mode (main/host/web) and the CLI all serve these same handlers.
 */
import type { ApiHandlers } from '../../shared/api';
import type { BackendName } from '../../shared/types';
import { EngineHost, type WorkerFactory } from './EngineHost';
import { EventHub } from './events';
import { checkpointHandlers } from './handlers/checkpoints';
import { datasetHandlers } from './handlers/datasets';
import { runHandlers } from './handlers/runs';
import { RunController } from './runController';
import { createDatasetService, type DatasetService } from '../importer/datasets';
import { ensureHome } from './services/home';
import { createRunsService, type RunsService } from './services/runs';

export interface StudioOptions {
  home: string;
  backend?: BackendName | 'auto';
  workerFactory?: WorkerFactory;
  /** Start the engine worker at once (default true): choosing a backend takes a moment. */
  startEngine?: boolean;
}

export interface Studio {
  home: string;
  engine: EngineHost;
  events: EventHub;
  datasets: DatasetService;
  runs: RunsService;
  controller: RunController;
  handlers: ApiHandlers;
  /** Marks runs cut off by a crash of the studio itself as failed (resumable). Call once at launch. */
  recover(): Promise<string[]>;
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
  const datasets = createDatasetService(home);
  const runs = createRunsService(home);
  const controller = new RunController(home, runs, engine, events);

  const handlers: ApiHandlers = {
    engineInfo: () => engine.call('engineInfo', undefined),
    engineStatus: async () => engine.status,
    ...datasetHandlers(home, datasets, runs, events),
    ...runHandlers(home, runs, datasets, engine, controller),
    ...checkpointHandlers(home, runs, events),
  };

  if (options.startEngine !== false) engine.start().catch(() => undefined);

  return {
    home,
    engine,
    events,
    datasets,
    runs,
    controller,
    handlers,
    recover: () => runs.recoverInterrupted(),
    async dispose() {
      const active = controller.activeRunId;
      if (active) await controller.stop(active).catch(() => undefined);
      await engine.dispose();
    },
  };
}
