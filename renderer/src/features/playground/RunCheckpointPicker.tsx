import { useEffect } from 'react';
import { useStudio } from '../../store';

/**
 * The run and checkpoint the Playground translates with, and the Inside screen computes its
 * views from (one choice, shared by both screens): two selects, and the run selected
 * elsewhere (or the first) picked when none is yet.
 * @param testIdPrefix 'pg' or 'in': the selects are `${prefix}-run` and `${prefix}-checkpoint`
 */
export function RunCheckpointPicker({ testIdPrefix }: { testIdPrefix: string }) {
  const runs = useStudio((s) => s.runs);
  const selectedRunId = useStudio((s) => s.selectedRunId);
  const runId = useStudio((s) => s.pgRunId);
  const setRun = useStudio((s) => s.setPlaygroundRun);
  const checkpoint = useStudio((s) => s.pgCheckpoint);
  const ckpts = useStudio((s) => (s.pgRunId ? s.checkpoints[s.pgRunId] : undefined));
  const setPlayground = useStudio((s) => s.setPlayground);

  // Default to the run selected elsewhere (remembered).
  useEffect(() => {
    if (!runId && runs.length > 0) {
      const id = runs.some((r) => r.id === selectedRunId) ? selectedRunId : runs[0]?.id;
      if (id) setRun(id);
    }
  }, [runId, runs, selectedRunId, setRun]);

  return (
    <div className="grid">
      <label>
        Run
        <select
          value={runId ?? ''}
          data-testid={`${testIdPrefix}-run`}
          onChange={(e) => setRun(e.target.value || undefined)}
        >
          {!runId && <option value="">Pick a run…</option>}
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.status}, step {r.step})
            </option>
          ))}
        </select>
      </label>
      <label>
        Checkpoint
        <select
          value={checkpoint}
          data-testid={`${testIdPrefix}-checkpoint`}
          onChange={(e) => setPlayground({ pgCheckpoint: e.target.value })}
        >
          <option value="best">best</option>
          <option value="last">last</option>
          {(ckpts?.list ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.id}
              {c.best ? ' ★' : ''}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
