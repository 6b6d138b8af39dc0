/**
 * What a set of dropped files looks like before it is imported (the Datasets screen's preview).
 */
import type { ErrorData } from './errors';
import type { ColumnPick, ColumnsOverview, CorpusFormat } from './types';

export interface DatasetPreview {
  format: CorpusFormat;
  files: { name: string; bytes: number; gzip: boolean }[];
  /** TSV/CSV/JSONL: the columns or fields to pick from, with sample values and a suggestion. */
  columns?: ColumnsOverview;
  /** The columns the pairs below were read with. */
  picked?: ColumnPick;
  /** Whether the first row was taken as a header (TSV/CSV). */
  header?: boolean;
  srcLang?: string;
  tgtLang?: string;
  pairs: { src: string; tgt: string }[];
  /** Problems found in the lines read so far (the import stops at the first one). */
  problems: ErrorData[];
}
