/**
 * "Create and start" never leaves a run behind that did not start: refused before creating
 * while another run trains, and the created run deleted again when starting it fails.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESETS, type RunInfo } from '../../../shared/types';

const api = vi.hoisted(() => ({
  runCreate: vi.fn(),
  runStart: vi.fn(),
  runDelete: vi.fn(),
}));
vi.mock('../api', () => ({ studio: api, pathForFile: () => undefined }));
vi.mock('../webClient', () => ({ onWebReconnect: () => () => undefined }));

const { useStudio } = await import('./index');

function run(id: string, status: RunInfo['status']): RunInfo {
  return {
    id,
    name: id,
    datasetId: 'd1',
    preset: 'tiny',
    model: { ...PRESETS.tiny.model, srcVocabSize: 100, tgtVocabSize: 100 },
    train: { ...PRESETS.tiny.train },
    status,
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    step: 0,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  useStudio.setState({ runs: [], createError: undefined, creating: false });
  useStudio.getState().setDraft({ datasetId: 'd1' });
});

describe('Create and start', () => {
  it('is refused before anything is created while another run trains', async () => {
    useStudio.setState({ runs: [run('busy', 'running')] });
    await useStudio.getState().createRun(true);
    expect(api.runCreate).not.toHaveBeenCalled();
    expect(useStudio.getState().createError).toMatch(
      /^Run “busy” is training; one run trains at a time\./,
    );
  });

  it('deletes the new run again when it cannot start, and says so', async () => {
    api.runCreate.mockResolvedValue(run('fresh', 'created'));
    api.runStart.mockRejectedValue(new Error('Run "other" is training; one run trains at a time.'));
    api.runDelete.mockResolvedValue(undefined);
    await useStudio.getState().createRun(true);
    expect(api.runDelete).toHaveBeenCalledWith({ runId: 'fresh' });
    expect(useStudio.getState().runs.map((r) => r.id)).toEqual([]);
    expect(useStudio.getState().createError).toMatch(/The new run was not kept\.$/);
  });

  it('creates and starts, closing the dialog, when the engine is free', async () => {
    api.runCreate.mockResolvedValue(run('fresh', 'created'));
    api.runStart.mockResolvedValue(run('fresh', 'running'));
    useStudio.getState().setNewRunOpen(true);
    await useStudio.getState().createRun(true);
    expect(api.runDelete).not.toHaveBeenCalled();
    expect(useStudio.getState().runs.map((r) => r.status)).toEqual(['running']);
    expect(useStudio.getState().newRunOpen).toBe(false);
  });
});
