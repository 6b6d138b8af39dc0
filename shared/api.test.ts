/**
 * The contract reuses the settings schemas: a call's input is refused before any handler
 * runs when a number is out of its range, with the field's own sentence.
 */
import { describe, expect, it } from 'vitest';
import { parseCallInput } from './api';
import { AppError } from './errors';
import { RESUME_OVERRIDABLE, resumeOverridesSchema } from './schema/train';

describe('the API', () => {
  it('refuses a model out of range before any handler runs, with the field and its sentence', () => {
    const call = () =>
      parseCallInput('runCreate', { datasetId: 'd', preset: 'tiny', model: { dModel: 1_000_000 } });
    expect(call).toThrow(AppError);
    expect(call).toThrow(
      'The runCreate call got invalid input at model.dModel: d_model must be a whole number of at most 4096; got 1000000.',
    );
  });

  it('refuses a beam wider than 64 and n-best above the beam in one place', () => {
    expect(() => parseCallInput('translate', { runId: 'r', text: 'a', beamSize: 65 })).toThrow(
      /at beamSize: The beam size must be a whole number of at most 64; got 65\.$/,
    );
    expect(() =>
      parseCallInput('translate', { runId: 'r', text: 'a', beamSize: 2, nbest: 3 }),
    ).toThrow(/at nbest: nbest \(3\) cannot exceed the beam size \(2\)/);
  });

  it('lets a resume change only the settings that keep a run continuing', () => {
    expect(RESUME_OVERRIDABLE).toEqual([
      'lrFactor',
      'maxSteps',
      'validEvery',
      'bleuEvery',
      'checkpointEvery',
      'keepLast',
      'patience',
    ]);
    expect(Object.keys(resumeOverridesSchema.shape).sort()).toEqual([...RESUME_OVERRIDABLE].sort());
    expect(() => parseCallInput('runStart', { runId: 'r', overrides: { lrFactor: 0 } })).toThrow(
      /learning-rate factor must be between 0\.000001 and 100; got 0\.$/,
    );
  });
});
