/**
 * Which preset a run's settings are: a run made from a preset and left untouched is that
 * preset, whatever path created it (the UI sends every knob, the CLI only the changed ones).
 */
import type { ModelShape } from './model';
import { PRESET_NAMES, PRESETS, type PresetName } from './presets';
import type { TrainConfig } from './train';

/** A setting that differs from a preset: its key and both values. */
export interface SettingDifference {
  key: keyof ModelShape | keyof TrainConfig;
  preset: unknown;
  value: unknown;
}

/**
 * The model knobs and training settings of `model`/`train` that differ from `preset`'s.
 * `adjusted` are knobs the studio sets itself for the dataset (tieEmbeddings off for
 * separate vocabularies): they count as the preset's.
 */
export function presetDifferences(
  preset: PresetName,
  model: ModelShape,
  train: TrainConfig,
  adjusted: Partial<ModelShape> = {},
): SettingDifference[] {
  const p = PRESETS[preset];
  const expectedModel: ModelShape = { ...p.model, ...adjusted };
  const out: SettingDifference[] = [];
  for (const key of Object.keys(expectedModel) as (keyof ModelShape)[]) {
    if (model[key] !== expectedModel[key])
      out.push({ key, preset: expectedModel[key], value: model[key] });
  }
  for (const key of Object.keys(p.train) as (keyof TrainConfig)[]) {
    if (train[key] !== p.train[key]) out.push({ key, preset: p.train[key], value: train[key] });
  }
  return out;
}

/** The preset whose every setting these are, or undefined for custom settings. */
export function matchingPreset(
  model: ModelShape,
  train: TrainConfig,
  adjusted: Partial<ModelShape> = {},
): PresetName | undefined {
  return PRESET_NAMES.find((p) => presetDifferences(p, model, train, adjusted).length === 0);
}
