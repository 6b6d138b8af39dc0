/**
 * The composition root of the main process: builds the services, the EngineHost and the run
 * controller for one studio home and returns the handlers of every call in shared/api.ts.
 * Electron IPC (main/app/ipc.ts), web mode (main/host/web) and the CLI all serve these same handlers.
 */
import { join } from 'node:path';
import { validatedCalls, type ApiCalls } from '../../shared/api';
import type { BackendName } from '../../shared/types';
import { EngineHost, type WorkerFactory } from './EngineHost';
import { EventHub } from './events';
import { confinedTo, unconfined, type FileAccess } from './fileAccess';
import { checkpointHandlers } from './handlers/checkpoints';
import { datasetHandlers } from './handlers/datasets';
import { evaluateHandlers } from './handlers/evaluate';
import { insideHandlers } from './handlers/inside';
import { watchHandlers } from './handlers/watch';
import { runHandlers } from './handlers/runs';
import { RunController } from './runController';
import { createDatasetService, type DatasetService } from './services/datasets';
import { ensureHome } from './services/home';
import { createRunsService, type RunsService } from './services/runs';
import { createUploadStore, type UploadStore } from './services/uploads';

export interface StudioOptions {
  home: string;
  backend?: BackendName | 'auto';
  workerFactory?: WorkerFactory;
  /** Start the engine worker at once (default true): choosing a backend takes a moment. */
  startEngine?: boolean;
  /**
   * Web mode: clients may name only files inside the home (main/host/fileAccess.ts). The
   * desktop app and the CLI leave it off: native dialogs and full paths.
   */
  confineFilesToHome?: boolean;
}

export interface Studio {
  home: string;
  engine: EngineHost;
  events: EventHub;
  datasets: DatasetService;
  runs: RunsService;
  controller: RunController;
  /** Web-mode uploads in progress; the web server abandons a closed socket's uploads. */
  uploads: UploadStore;
  /** What a client may name on disk: anywhere, or only inside the home (web mode). */
  files: FileAccess;
  /** Every call, its input validated and its defaults filled in as dispatch does. */
  handlers: ApiCalls;
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
  const files = options.confineFilesToHome ? confinedTo(home) : unconfined(home);
  const uploads = createUploadStore(join(home, 'uploads'));

  const handlers = validatedCalls({
    engineInfo: () => engine.call('engineInfo', undefined),
    engineStatus: async () => engine.status,
    ...datasetHandlers(home, datasets, runs, events, files, uploads),
    ...runHandlers(home, runs, datasets, engine, controller),
    ...checkpointHandlers(home, runs, engine, events, files),
    ...evaluateHandlers(home, runs, engine, events, files),
    ...insideHandlers(home, runs, engine),
    ...watchHandlers(runs),
  });

  if (options.startEngine !== false) engine.start().catch(() => undefined);

  return {
    home,
    engine,
    events,
    datasets,
    runs,
    controller,
    uploads,
    files,
    handlers,
    recover: () => runs.recoverInterrupted(),
    async dispose() {
      const active = controller.activeRunId;
      if (active) await controller.stop(active).catch(() => undefined);
      await uploads.dispose().catch(() => undefined);
      await engine.dispose();
    },
  };
}
