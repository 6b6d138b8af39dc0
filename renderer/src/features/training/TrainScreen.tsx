import { useEffect } from 'react';
import { ErrorNote } from '../../components/Notice';
import { useStudio } from '../../store';
import { Charts } from './Charts';
import { NewRunDialog } from './NewRunDialog';
import { NewRunPanel } from './NewRunPanel';
import { RunPanel } from './RunPanel';

/**
 * Train: the selected run's controls and its live curves; a new run is made in its own
 * dialog (inline while there is no run yet), so its form and its error sit together.
 */
export function TrainScreen() {
  const loadDatasets = useStudio((s) => s.loadDatasets);
  const loadRuns = useStudio((s) => s.loadRuns);
  const runsError = useStudio((s) => s.runsError);
  const run = useStudio((s) => s.runs.find((r) => r.id === s.selectedRunId));
  const hasRuns = useStudio((s) => s.runs.length > 0);
  const newRunOpen = useStudio((s) => s.newRunOpen);
  const setNewRunOpen = useStudio((s) => s.setNewRunOpen);

  useEffect(() => {
    void loadDatasets();
    void loadRuns();
  }, [loadDatasets, loadRuns]);

  return (
    <>
      <header className="screen-head">
        <div className="screen-head-row">
          <h1>Train</h1>
          {hasRuns && (
            <button
              type="button"
              className="btn primary"
              data-testid="new-run-open"
              onClick={() => setNewRunOpen(true)}
            >
              New run…
            </button>
          )}
        </div>
        <p className="muted">
          Pick a dataset and a preset, adjust any knob, and watch the curves as the model learns.
        </p>
      </header>
      <ErrorNote testId="runs-error">{runsError}</ErrorNote>
      {run && <RunPanel run={run} />}
      {run && <Charts run={run} />}
      {!hasRuns && <NewRunPanel />}
      {hasRuns && newRunOpen && (
        <NewRunDialog onClose={() => setNewRunOpen(false)}>
          <NewRunPanel onClose={() => setNewRunOpen(false)} />
        </NewRunDialog>
      )}
    </>
  );
}
