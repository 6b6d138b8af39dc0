/**
 * The import form's values and the ImportOptions they become: one function for the import
 * and for the check of every line before it, so both read the files the same way.
 */
import type {
  CleaningOptions,
  ColumnPick,
  CorpusFormat,
  ImportOptions,
} from '../../../shared/types';
import {
  DEFAULT_CLEANING,
  DEFAULT_SPLIT,
  IMPORT_DEFAULTS,
} from '../../../shared/schema/importOptions';
import { PRESETS } from '../../../shared/types';

/** The import form: what the user chose on top of what the preview detected. */
export interface ImportForm {
  name: string;
  format: CorpusFormat | undefined;
  columns: ColumnPick | undefined;
  header: boolean | undefined;
  srcLang: string;
  tgtLang: string;
  cleaning: CleaningOptions;
  validFraction: number;
  validSeed: number;
  vocabSize: number;
  sharedVocab: boolean;
}

/**
 * Where the form's cleaning starts: the importer's defaults, with the form's own, stricter
 * suggestions for a corpus dropped into the app (shorter pairs, a tighter length ratio, and
 * identical pairs kept). The form sends every value with the import.
 */
const FORM_CLEANING: CleaningOptions = {
  ...DEFAULT_CLEANING,
  maxLength: 100,
  maxRatio: 3,
  dropIdentical: false,
};

/** A fresh form. */
export function defaultForm(): ImportForm {
  return {
    name: '',
    format: undefined,
    columns: undefined,
    header: undefined,
    srcLang: '',
    tgtLang: '',
    cleaning: { ...FORM_CLEANING },
    validFraction: DEFAULT_SPLIT.fraction,
    validSeed: DEFAULT_SPLIT.seed,
    // Sized for the tiny preset a first run starts with.
    vocabSize: PRESETS.tiny.vocabSize,
    sharedVocab: IMPORT_DEFAULTS.sharedVocab,
  };
}

/** The options an import with this form sends (the check sends the same, name aside). */
export function importOptionsFor(f: ImportForm): ImportOptions {
  return {
    ...(f.name.trim() ? { name: f.name.trim() } : {}),
    ...(f.format ? { format: f.format } : {}),
    ...(f.columns && f.format !== 'aligned' ? { columns: f.columns } : {}),
    ...(f.header !== undefined && (f.format === 'tsv' || f.format === 'csv')
      ? { header: f.header }
      : {}),
    ...(f.srcLang.trim() ? { srcLang: f.srcLang.trim() } : {}),
    ...(f.tgtLang.trim() ? { tgtLang: f.tgtLang.trim() } : {}),
    cleaning: f.cleaning,
    validation: { fraction: f.validFraction, seed: f.validSeed },
    vocabSize: f.vocabSize,
    sharedVocab: f.sharedVocab,
  };
}
