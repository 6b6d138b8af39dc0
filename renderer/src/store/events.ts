/**
 * The one subscription module: events from main call store actions. Nothing else subscribes.
 */
import { studio } from '../api';
import { onWebReconnect } from '../webClient';
import { useStudio } from './index';

export function connectEvents(): () => void {
  const store = useStudio.getState;
  const offs = [
    studio.on('engineStatus', (status) => store().setEngineStatus(status)),
    studio.on('importProgress', (p) => {
      store().onImportProgress(p);
      store().onCheckProgress(p);
    }),
    studio.on('trainProgress', (p) => store().onTrainProgress(p)),
    studio.on('metric', ({ runId, record }) => store().onMetric(runId, record)),
    studio.on('runStatus', (run) => store().upsertRun(run)),
    studio.on('evaluateProgress', (p) => store().onEvaluateProgress(p)),
    // The desktop app's native menu (web mode has none; the same shortcuts work in the page).
    studio.on('menu', (menu) => {
      switch (menu.action) {
        case 'navigate':
          store().setScreen(menu.screen);
          break;
        case 'importFiles':
          store().setScreen('datasets');
          void store().addPaths(menu.paths);
          break;
        case 'newRun':
          store().setScreen('train');
          // A dialog once runs exist; the inline form (the first run) is scrolled to.
          if (store().runs.length > 0) store().setNewRunOpen(true);
          else
            globalThis.setTimeout(
              () =>
                document
                  .querySelector('[data-testid="new-run"]')
                  ?.scrollIntoView({ behavior: 'smooth' }),
              50,
            );
          break;
      }
    }),
    studio.on('checkpoints', ({ runId }) => {
      if (store().checkpoints[runId]) void store().loadCheckpoints(runId);
    }),
    // Web mode: after the socket comes back, re-read what events would have told us.
    onWebReconnect(() => {
      const s = store();
      void s.loadEngineInfo();
      void s.loadDatasets();
      void s.loadRuns();
      if (s.selectedRunId) void s.loadMetrics(s.selectedRunId, true);
    }),
  ];
  return () => offs.forEach((off) => off());
}
