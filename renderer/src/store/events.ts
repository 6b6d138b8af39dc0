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
    studio.on('importProgress', (p) => store().onImportProgress(p)),
    studio.on('trainProgress', (p) => store().onTrainProgress(p)),
    studio.on('metric', ({ runId, record }) => store().onMetric(runId, record)),
    studio.on('runStatus', (run) => store().upsertRun(run)),
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
