/**
 * The one subscription module: events from main call store actions. Nothing else subscribes.
 */
import { studio } from '../api';
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
  ];
  return () => offs.forEach((off) => off());
}
