import { describe, expect, it } from 'vitest';
import { matchingPreset, presetDifferences } from './presetMatch';
import { PRESETS } from './presets';

describe('matchingPreset', () => {
  it('names the preset of untouched settings, each preset its own', () => {
    for (const p of ['tiny', 'small', 'base'] as const)
      expect(matchingPreset(PRESETS[p].model, PRESETS[p].train)).toBe(p);
  });

  it('is custom after one knob changes, and lists that knob with both values', () => {
    const train = { ...PRESETS.tiny.train, maxSteps: 2000 };
    expect(matchingPreset(PRESETS.tiny.model, train)).toBeUndefined();
    expect(presetDifferences('tiny', PRESETS.tiny.model, train)).toEqual([
      { key: 'maxSteps', preset: 400, value: 2000 },
    ]);
  });

  it('counts the knobs the studio adjusts for the dataset as the preset’s', () => {
    const model = { ...PRESETS.tiny.model, tieEmbeddings: false };
    expect(matchingPreset(model, PRESETS.tiny.train)).toBeUndefined();
    expect(matchingPreset(model, PRESETS.tiny.train, { tieEmbeddings: false })).toBe('tiny');
  });
});
