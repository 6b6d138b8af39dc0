import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { DEFAULT_CLEANING, emptyCleaningReport } from '../text/cleaning';
import { ValidationFilter, checkCleaning, noValidationPairsError, nothingLeftError } from './clean';

describe('checkCleaning', () => {
  it('fills in the defaults and keeps what is given', () => {
    expect(checkCleaning(undefined)).toEqual(DEFAULT_CLEANING);
    expect(checkCleaning({ maxLength: 40, dedupe: false })).toEqual({
      ...DEFAULT_CLEANING,
      maxLength: 40,
      dedupe: false,
    });
  });

  it('refuses rules that cannot work, saying which', () => {
    expect(() => checkCleaning({ lengthUnit: 'bytes' as never })).toThrow(
      'The length unit must be "words" or "chars"; got "bytes".',
    );
    expect(() => checkCleaning({ minLength: 5, maxLength: 4 })).toThrow(
      'The length limits must satisfy 0 <= minimum <= maximum; got minimum 5 and maximum 4.',
    );
    expect(() => checkCleaning({ maxRatio: 0.5 })).toThrow(
      'The maximum length ratio must be 0 (off) or at least 1; got 0.5.',
    );
  });
});

describe('ValidationFilter', () => {
  it('drops only pairs with an empty side, counting them', () => {
    const f = new ValidationFilter();
    const kept = [
      ['a', 'b'],
      ['', 'b'],
      ['same', 'same'],
      ['a', ''],
      ['a b c d e f g h', 'x'],
    ].filter(([s, t]) => f.keep(s!, t!));
    expect(kept).toHaveLength(3);
    expect(f.report).toEqual({ ...emptyCleaningReport(), read: 5, kept: 3, droppedEmpty: 2 });
  });
});

describe('errors', () => {
  it('say how many pairs each rule dropped', () => {
    const report = {
      ...emptyCleaningReport(),
      read: 1234,
      droppedEmpty: 1000,
      droppedTooLong: 200,
      droppedDuplicate: 34,
    };
    const err = nothingLeftError([{ name: 'a.en' }, { name: 'a.de' }], report, DEFAULT_CLEANING);
    expect(err.code).toBe(ErrorCode.CorpusEmpty);
    expect(err.message).toBe(
      'No usable pairs are left in a.en and a.de after cleaning: of 1,234 read, 1,000 had an empty side, 200 were longer than 250 words, 34 were duplicates. Relax the cleaning rules, or check the columns and files picked.',
    );
    expect(
      nothingLeftError([{ name: 'x.tsv' }], emptyCleaningReport(), DEFAULT_CLEANING).message,
    ).toBe('x.tsv holds no sentence pairs; check that you picked the right file.');
    expect(
      noValidationPairsError([{ name: 'v.tsv' }], { ...emptyCleaningReport(), read: 3 }).message,
    ).toBe(
      'The validation files v.tsv have no usable pairs (3 read, all empty on one side or both).',
    );
  });
});
