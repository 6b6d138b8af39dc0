/**
 * A click on a curve opens the run's checkpoint at that step (or the nearest before it) in
 * the Playground, reading the checkpoint list afresh; with none, it stays put and says why.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESETS, type CheckpointInfo, type RunInfo } from '../../../shared/types';

const api = vi.hoisted(() => ({ checkpointsList: vi.fn() }));
vi.mock('../api', () => ({ studio: api, pathForFile: () => undefined }));
vi.mock('../webClient', () => ({ onWebReconnect: () => () => undefined }));

const { useStudio } = await import('./index');

function ckpt(step: number): CheckpointInfo {
  const at = '2026-12-01T00:00:00Z';
  return { id: String(step), runId: 'r1', step, createdAt: at, bytes: 1, best: false };
}

const RUN: RunInfo = {
  id: 'r1',
  name: 'tiny',
  datasetId: 'd1',
  preset: 'tiny',
  model: { ...PRESETS.tiny.model, srcVocabSize: 100, tgtVocabSize: 100 },
  train: { ...PRESETS.tiny.train },
  status: 'completed',
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  step: 30,
};

beforeEach(() => {
  vi.clearAllMocks();
  useStudio.setState({
    screen: 'train',
    checkpoints: {},
    pgRunId: undefined,
    pgCheckpoint: 'best',
    pgOpenedNote: undefined,
    runs: [RUN],
  });
});

describe('openStepInPlayground', () => {
  it('opens the nearest checkpoint at or before the step, with a note saying which', async () => {
    api.checkpointsList.mockResolvedValue([ckpt(30), ckpt(10)]);
    expect(await useStudio.getState().openStepInPlayground('r1', 25)).toBeUndefined();
    const s = useStudio.getState();
    expect(api.checkpointsList).toHaveBeenCalledWith({ runId: 'r1' });
    expect(s.screen).toBe('playground');
    expect(s.pgRunId).toBe('r1');
    expect(s.pgCheckpoint).toBe('10');
    expect(s.pgOpenedNote).toMatchObject({ runId: 'r1', checkpoint: '10' });
    expect(s.pgOpenedNote?.text).toMatch(/step 25 has no checkpoint, so this is checkpoint 10/);
  });

  it('stays on the screen and says why when no checkpoint is at or before the step', async () => {
    api.checkpointsList.mockResolvedValue([ckpt(30)]);
    expect(await useStudio.getState().openStepInPlayground('r1', 5)).toBe(
      '“tiny” has no checkpoint at or before step 5: its first is at step 30. Click a later point.',
    );
    expect(useStudio.getState().screen).toBe('train');
    expect(useStudio.getState().pgRunId).toBeUndefined();
  });

  it('passes on the sentence of a failed checkpoint list', async () => {
    api.checkpointsList.mockRejectedValue(new Error('The run folder cannot be read.'));
    expect(await useStudio.getState().openStepInPlayground('r1', 5)).toBe(
      'The run folder cannot be read.',
    );
    expect(useStudio.getState().screen).toBe('train');
  });

  it('forgets the note when opened without one (the other links to the Playground)', () => {
    useStudio.setState({ pgOpenedNote: { runId: 'r1', checkpoint: '10', text: 'x' } });
    api.checkpointsList.mockResolvedValue([]);
    useStudio.getState().openInPlayground('r1', '30');
    expect(useStudio.getState().pgOpenedNote).toBeUndefined();
  });
});
