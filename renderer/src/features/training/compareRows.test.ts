import { describe, expect, it } from 'vitest';
import { PRESETS, type RunInfo } from '../../../../shared/types';
import { compareRows } from './compareRows';

function run(id: string, train: Partial<RunInfo['train']> = {}): RunInfo {
  return {
    id,
    name: id,
    datasetId: 'd1',
    preset: 'custom',
    model: { ...PRESETS.tiny.model, srcVocabSize: 400, tgtVocabSize: 400 },
    train: { ...PRESETS.tiny.train, ...train },
    status: 'completed',
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    step: 0,
  };
}

describe('compareRows', () => {
  it('puts the settings that differ first, with each run’s value', () => {
    const rows = compareRows([run('a'), run('b', { maxSteps: 30, lrFactor: 1 })], () => 'sample');
    const differing = rows.filter((r) => r.differs);
    expect(differing.map((r) => r.key)).toEqual(['preset', 'maxSteps', 'lrFactor']);
    expect(differing[0]?.values).toEqual(['tiny', 'custom']);
    expect(differing[1]?.values).toEqual(['400', '30']);
    expect(rows.slice(differing.length).every((r) => !r.differs)).toBe(true);
    expect(rows.find((r) => r.key === 'dataset')?.values).toEqual(['sample', 'sample']);
  });

  it('finds nothing different between two runs of one preset', () => {
    expect(compareRows([run('a'), run('b')], (id) => id).some((r) => r.differs)).toBe(false);
  });
});
