import { describe, expect, it } from 'vitest';
import { checkSummary, languageNote, vocabShortfall } from './importNotes';

describe('import notes', () => {
  it('says a vocabulary the corpus cannot fill in numbers, and nothing when it fits', () => {
    expect(vocabShortfall({ vocab: { requested: 2000, possible: 368 } })).toMatch(
      /^Vocabulary: 2,000 requested, 368 possible on this corpus\./,
    );
    expect(vocabShortfall({ vocab: { requested: 2000, possible: 2000 } })).toBeUndefined();
    expect(vocabShortfall({})).toBeUndefined();
    // Separate vocabularies: one short side is enough to say so, with both numbers.
    expect(
      vocabShortfall({ vocab: { requested: 1000, possible: 1000, tgtPossible: 640 } }),
    ).toMatch(/1,000 requested, 1,000 \(source\) and 640 \(target\) possible/);
  });

  it('sums up the pairs read, kept and split', () => {
    const cleaning = {
      read: 12_345,
      kept: 12_000,
      droppedEmpty: 345,
      droppedTooShort: 0,
      droppedTooLong: 0,
      droppedRatio: 0,
      droppedDuplicate: 0,
      droppedIdentical: 0,
    };
    expect(checkSummary({ cleaning, trainPairs: 11_880, validPairs: 120 })).toBe(
      'Every line checked: 12,345 pairs read, 12,000 kept after cleaning (11,880 training, 120 validation).',
    );
  });

  it('names what an unset language is saved as, and is silent when both are set', () => {
    expect(languageNote('', '')).toBe(
      'Neither language is known: the dataset will be saved as "src → tgt". Type codes such as en and de to name them.',
    );
    expect(languageNote('en', ' ')).toMatch(/^The target language is not known: .*"en → tgt"/);
    expect(languageNote('en', 'de')).toBeUndefined();
  });
});
