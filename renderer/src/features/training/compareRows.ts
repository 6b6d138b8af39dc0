/**
 * The rows of the compared runs' settings table: every model knob and training setting
 * (labels from the schema), the dataset and the preset, with whether the runs differ.
 */
import { MODEL_SHAPE_TABLE } from '../../../../shared/schema/model';
import { matchingPreset } from '../../../../shared/schema/presetMatch';
import { TRAIN_TABLE } from '../../../../shared/schema/train';
import type { RunInfo } from '../../../../shared/types';

export interface CompareRow {
  key: string;
  label: string;
  /** Each run's value as shown, in the runs' order. */
  values: string[];
  differs: boolean;
}

function shown(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return v.toLocaleString('en-US', { maximumFractionDigits: 10 });
  return v === undefined ? '–' : String(v);
}

/** The table's rows, the ones that differ first (each group keeps the schema's order). */
export function compareRows(
  runs: readonly RunInfo[],
  datasetName: (id: string) => string,
): CompareRow[] {
  const row = (key: string, label: string, values: string[]): CompareRow => ({
    key,
    label,
    values,
    differs: values.some((v) => v !== values[0]),
  });
  const rows: CompareRow[] = [
    row(
      'dataset',
      'Dataset',
      runs.map((r) => datasetName(r.datasetId)),
    ),
    row(
      'preset',
      'Preset',
      runs.map((r) => matchingPreset(r.model, r.train) ?? 'custom'),
    ),
    row(
      'vocab',
      'Vocabulary (source / target)',
      runs.map((r) => `${shown(r.model.srcVocabSize)} / ${shown(r.model.tgtVocabSize)}`),
    ),
    ...MODEL_SHAPE_TABLE.map((f) =>
      row(
        f.key,
        f.label,
        runs.map((r) => shown(r.model[f.key])),
      ),
    ),
    ...TRAIN_TABLE.map((f) =>
      row(
        f.key,
        f.label,
        runs.map((r) => shown(r.train[f.key])),
      ),
    ),
  ];
  return [...rows.filter((r) => r.differs), ...rows.filter((r) => !r.differs)];
}
