/**
 * Import stage 3, clean: the cleaning rules a person may set (checked here), the filter for
 * the user's own validation files (only empty pairs go, so scores stay comparable), and the
 * sentences that say why nothing was left. The rules themselves, and the whitespace
 * normalisation every stored sentence gets, are main/text/cleaning.ts.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { CleaningReport } from '../../shared/types';
import { DEFAULT_CLEANING, emptyCleaningReport } from '../text/cleaning';
import type { CleaningOptions } from '../text/cleaning';

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

function invalidArg(message: string): AppError {
  return new AppError(ErrorCode.InvalidArgument, message);
}

/** The cleaning rules with defaults filled in; InvalidArgument for a rule that cannot work. */
export function checkCleaning(partial: Partial<CleaningOptions> | undefined): CleaningOptions {
  const c: CleaningOptions = { ...DEFAULT_CLEANING, ...(partial ?? {}) };
  if (c.lengthUnit !== 'words' && c.lengthUnit !== 'chars')
    throw invalidArg(`The length unit must be "words" or "chars"; got "${String(c.lengthUnit)}".`);
  if (!(c.minLength >= 0) || !(c.maxLength >= c.minLength)) {
    throw invalidArg(
      `The length limits must satisfy 0 <= minimum <= maximum; got minimum ${c.minLength} and maximum ${c.maxLength}.`,
    );
  }
  if (!(c.maxRatio === 0 || c.maxRatio >= 1))
    throw invalidArg(`The maximum length ratio must be 0 (off) or at least 1; got ${c.maxRatio}.`);
  return c;
}

/**
 * The filter for the user's own validation files: a pair with an empty side is dropped
 * and counted, every other pair is kept as it is (no length, ratio or duplicate rules).
 */
export class ValidationFilter {
  readonly report: CleaningReport = emptyCleaningReport();

  /** Counts a pair (already normalised) and says whether to keep it. */
  keep(src: string, tgt: string): boolean {
    this.report.read++;
    if (src === '' || tgt === '') {
      this.report.droppedEmpty++;
      return false;
    }
    this.report.kept++;
    return true;
  }
}

/** CorpusEmpty for a training corpus with no pair left after cleaning, counting each reason. */
export function nothingLeftError(
  files: readonly { name: string }[],
  r: CleaningReport,
  c: CleaningOptions,
): AppError {
  const parts: string[] = [];
  const unit = c.lengthUnit === 'words' ? 'words' : 'characters';
  if (r.droppedEmpty > 0) parts.push(`${formatInt(r.droppedEmpty)} had an empty side`);
  if (r.droppedTooShort > 0)
    parts.push(`${formatInt(r.droppedTooShort)} were shorter than ${c.minLength} ${unit}`);
  if (r.droppedTooLong > 0)
    parts.push(`${formatInt(r.droppedTooLong)} were longer than ${c.maxLength} ${unit}`);
  if (r.droppedRatio > 0)
    parts.push(`${formatInt(r.droppedRatio)} had a length ratio over ${c.maxRatio}`);
  if (r.droppedIdentical > 0)
    parts.push(`${formatInt(r.droppedIdentical)} were the same on both sides`);
  if (r.droppedDuplicate > 0) parts.push(`${formatInt(r.droppedDuplicate)} were duplicates`);
  const names = files.map((f) => f.name).join(' and ');
  return new AppError(
    ErrorCode.CorpusEmpty,
    r.read === 0
      ? `${names} holds no sentence pairs; check that you picked the right file.`
      : `No usable pairs are left in ${names} after cleaning: of ${formatInt(r.read)} read, ${parts.join(', ')}. Relax the cleaning rules, or check the columns and files picked.`,
    { file: files[0]!.name, line: null, byte: null, read: r.read },
  );
}

/** CorpusEmpty for validation files whose every pair had an empty side. */
export function noValidationPairsError(
  files: readonly { name: string }[],
  r: CleaningReport,
): AppError {
  return new AppError(
    ErrorCode.CorpusEmpty,
    `The validation files ${files.map((f) => f.name).join(' and ')} have no usable pairs (${formatInt(r.read)} read, all empty on one side or both).`,
    { file: files[0]!.name, line: null, byte: null },
  );
}
