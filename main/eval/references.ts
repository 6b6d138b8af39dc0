// The shape of a scored corpus: hypotheses plus one or more reference streams, as
// sacreBLEU takes them (`refs[k][i]` is reference k of segment i). Shared by BLEU and chrF.

import { AppError, ErrorCode } from '../../shared/errors';

/**
 * One or more reference streams, each with one line per hypothesis:
 * `[[ref1_seg1, ref1_seg2, ...], [ref2_seg1, ref2_seg2, ...]]`. A null or undefined line
 * marks a segment without that reference (a variable number of references).
 */
export type ReferenceStreams = readonly (readonly (string | null | undefined)[])[];

/**
 * Checks the corpus shape and returns, per segment, the references that exist, plus the
 * signature's `nrefs` field (a count, or `var` when segments have different numbers).
 * sacreBLEU silently truncates to the shortest stream; a length mismatch is always a
 * mistake (a missing line shifts every later pair), so it is an error here.
 */
export function referencesPerSegment(
  metric: string,
  hypotheses: readonly string[],
  references: ReferenceStreams,
): { perSegment: string[][]; nrefs: string } {
  if (hypotheses.length === 0) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `${metric} needs at least one hypothesis; received an empty list.`,
    );
  }
  if (references.length === 0) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `${metric} needs at least one reference stream (a list with one reference per hypothesis); received none.`,
    );
  }
  references.forEach((stream, k) => {
    if (stream.length !== hypotheses.length) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `${metric}: reference stream ${k + 1} has ${stream.length} lines but there are ` +
          `${hypotheses.length} hypotheses; every stream needs one line per hypothesis.`,
      );
    }
  });
  const counts = new Set<number>();
  const perSegment = hypotheses.map((_, i) => {
    const refs: string[] = [];
    for (const stream of references) {
      const ref = stream[i];
      // null/undefined marks a missing reference (variable number of references).
      if (ref !== null && ref !== undefined) refs.push(ref);
    }
    if (refs.length === 0) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `${metric}: segment ${i + 1} has no reference; give at least one per segment.`,
      );
    }
    counts.add(refs.length);
    return refs;
  });
  const nrefs = counts.size === 1 ? String(perSegment[0]?.length ?? 0) : 'var';
  return { perSegment, nrefs };
}
