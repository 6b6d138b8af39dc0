/**
 * Import stage 4, split: each kept pair goes to training or validation as it streams past,
 * decided by its hash and a seed (main/text/cleaning.ts isValidationPair), so the split
 * needs no shuffle of the whole corpus, is the same for the same seed, and sends equal
 * pairs to the same side. When the user gives their own validation files, every pair is
 * training.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import { IMPORT_DEFAULTS } from '../../shared/schema/importOptions';
import type { ValidationOptions } from '../../shared/types';
import { isValidationPair } from '../text/cleaning';

/** The seeded split's defaults (fraction, seed, most validation pairs). */
const DEFAULTS = IMPORT_DEFAULTS.validation;

/** Where the pairs of one split are written. */
export interface PairSink {
  write(src: string, tgt: string): void;
  /** Pairs written so far. */
  readonly pairs: number;
}

/** The validation options with the default filled in; InvalidArgument for a fraction outside 0 to 0.5. */
export function checkValidation(validation: ValidationOptions | undefined): ValidationOptions {
  const v = validation ?? { fraction: DEFAULTS.fraction };
  if ('fraction' in v && !(v.fraction >= 0 && v.fraction <= 0.5)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The validation fraction must be between 0 and 0.5; got ${v.fraction}.`,
    );
  }
  return v;
}

/**
 * Routes kept pairs to the training or validation sink. One training pair is held back
 * until the next one arrives, so that a corpus too small for the fraction to pick any
 * validation pair can still give one at the end (`finish`).
 */
export class SeededSplit {
  private held: [string, string] | undefined;
  private readonly fraction: number;
  private readonly seed: number;
  private readonly maxValid: number;

  /**
   * @param split the seeded split, or undefined when validation comes from the user's files
   * @param onTraining called with each pair as it is assigned to training (the held-back
   *   one included), e.g. to count its words for the tokenizer
   */
  constructor(
    private readonly train: PairSink,
    private readonly valid: PairSink,
    split:
      { fraction: number; seed?: number | undefined; maxPairs?: number | undefined } | undefined,
    private readonly onTraining: (src: string, tgt: string) => void,
  ) {
    this.fraction = split?.fraction ?? 0;
    this.seed = split?.seed ?? DEFAULTS.seed;
    this.maxValid = split?.maxPairs ?? DEFAULTS.maxPairs;
  }

  /** One kept pair (normalised) with its pair hash (Cleaner.hash). */
  add(src: string, tgt: string, hash: Uint32Array): void {
    if (
      this.fraction > 0 &&
      this.valid.pairs < this.maxValid &&
      isValidationPair(hash, this.seed, this.fraction)
    ) {
      this.valid.write(src, tgt);
      return;
    }
    if (this.held !== undefined) this.train.write(this.held[0], this.held[1]);
    this.held = [src, tgt];
    this.onTraining(src, tgt);
  }

  /**
   * Writes the held-back pair: to validation when the split asked for some, none was
   * picked, and at least two pairs were kept (one stays for training); else to training.
   */
  finish(kept: number): void {
    if (this.held === undefined) return;
    const [src, tgt] = this.held;
    this.held = undefined;
    if (this.fraction > 0 && this.valid.pairs === 0 && kept >= 2) this.valid.write(src, tgt);
    else this.train.write(src, tgt);
  }
}
