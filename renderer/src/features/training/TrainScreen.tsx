import { useEffect } from 'react';
import { ErrorNote } from '../../components/Notice';
import { useStudio } from '../../store';
import { Charts } from './Charts';
import { NewRunPanel } from './NewRunPanel';
import { RunPanel } from './RunPanel';

/** Train: a new run's settings, the selected run's controls and its live curves. */
export function TrainScreen() {
  const loadDatasets = useStudio((s) => s.loadDatasets);
  const loadRuns = useStudio((s) => s.loadRuns);
  const runsError = useStudio((s) => s.runsError);
  const run = useStudio((s) => s.runs.find((r) => r.id === s.selectedRunId));

  useEffect(() => {
    void loadDatasets();
    void loadRuns();
  }, [loadDatasets, loadRuns]);

  return (
    <>
      <header className="screen-head">
        <h1>Train</h1>
        <p className="muted">
          Pick a dataset and a preset, adjust any knob, and watch the curves as the model learns.
        </p>
      </header>
      <ErrorNote testId="runs-error">{runsError}</ErrorNote>
      {run && <RunPanel run={run} />}
      {run && <Charts run={run} />}
      <NewRunPanel />
    </>
  );
}
