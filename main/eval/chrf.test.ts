import { describe, expect, it } from 'vitest';
import { computeChrf, corpusChrf, formatChrf, sentenceChrf } from './chrf';

// ---------------------------------------------------------------------------------------
// Vectors from mjpost/sacrebleu test/test_chrf.py (commit 27bec349d41c900990d5aa669056766d0543d710).
// ---------------------------------------------------------------------------------------
const EPSILON = 1e-4; // test_chrf.py's EPSILON

describe('chrF: sacreBLEU test_chrf.py', () => {
  // test_cases: corpus_chrf(hyps, [refs], char_order=6, word_order=0, beta=3, eps_smoothing=True)
  it.each([
    [['abcdefg'], ['hijklmnop'], 0.0],
    [['a'], ['b'], 0.0],
    [[''], ['b'], 0.0],
    [[''], ['ref'], 0.0],
    [[''], ['reference'], 0.0],
    [['aa'], ['ab'], 8.3333],
    [['a', 'b'], ['a', 'c'], 8.3333],
    [['a'], ['a'], 16.6667],
    [['a b c'], ['a b c'], 50.0],
    [['a b c'], ['abc'], 50.0],
    [
      [
        ' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
      ],
      [
        'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
      ],
      63.36173,
    ],
    [
      [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
      64.1302698,
    ],
    [
      ['Niemand hat die Absicht, eine Mauer zu errichten'],
      ['Niemand hat die Absicht, eine Mauer zu errichten'],
      100.0,
    ],
  ])('test_chrf %j %j', (hyps, refs, expected) => {
    const r = corpusChrf(hyps, [refs], { charOrder: 6, wordOrder: 0, beta: 3, epsSmoothing: true });
    expect(Math.abs(r.score - expected)).toBeLessThan(EPSILON);
  });

  // test_cases_effective_order: the same with eps_smoothing=False (sacreBLEU < 2.0 mode,
  // and sacreBLEU 2.x's default)
  it.each([
    [['a'], ['a'], 100.0],
    [[''], ['reference'], 0.0],
    [['a b c'], ['a b c'], 100.0],
    [['a b c'], ['abc'], 100.0],
    [[''], ['c'], 0.0],
    [['a', 'b'], ['a', 'c'], 50.0],
    [['aa'], ['ab'], 25.0],
  ])('test_chrf_eff_order %j %j', (hyps, refs, expected) => {
    const r = corpusChrf(hyps, [refs], {
      charOrder: 6,
      wordOrder: 0,
      beta: 3,
      epsSmoothing: false,
    });
    expect(Math.abs(r.score - expected)).toBeLessThan(EPSILON);
  });

  // test_cases_keep_whitespace: remove_whitespace=False
  it.each([
    [
      ['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.'],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
      67.3481606,
    ],
    [
      [
        'risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
      ],
      [
        'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
      ],
      65.2414427,
    ],
  ])('test_chrf_keep_whitespace %j', (hyps, refs, expected) => {
    const r = corpusChrf(hyps, [refs], { charOrder: 6, wordOrder: 0, beta: 3, whitespace: true });
    expect(Math.abs(r.score - expected)).toBeLessThan(EPSILON);
  });

  // test_sentence_level_chrf: sentence_chrf(hyp, refs, eps_smoothing=True), default beta 2
  it.each([
    [
      'Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
      ['Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.'],
      39.14078509,
    ],
    [
      'Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
      ['A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.'],
      31.22557079,
    ],
    [
      'Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
      ['Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.'],
      57.15704367,
    ],
  ])('test_chrf_sentence_level %s', (hyp, refs, expected) => {
    const r = sentenceChrf(hyp, refs, { epsSmoothing: true });
    expect(Math.abs(r.score - expected)).toBeLessThan(EPSILON);
  });
});

// ---------------------------------------------------------------------------------------
// Full results and signatures as sacreBLEU 2.6.0 (PyPI) returns them for the README
// example of test_bleu.py (CHRF(...).corpus_score, get_signature(), Score.format()).
// ---------------------------------------------------------------------------------------
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

describe('chrF: complete results and signatures (sacreBLEU 2.6.0)', () => {
  it('chrF2 with defaults', () => {
    const r = corpusChrf(HYPS, REFS);
    expect(r.score).toBeCloseTo(59.72751782684763, 12);
    expect(r.name).toBe('chrF2');
    expect(r.stats).toHaveLength(18);
    expect(r.signature).toBe('nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
    expect(formatChrf(r)).toBe(
      'chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 59.73',
    );
    // Re-scoring the summed statistics gives the corpus score.
    expect(computeChrf(r.stats)).toBe(r.score);
  });

  it('chrF++ (word order 2)', () => {
    const r = corpusChrf(HYPS, REFS, { wordOrder: 2 });
    expect(r.score).toBeCloseTo(59.15310444399262, 12);
    expect(r.name).toBe('chrF2++');
    expect(r.stats).toHaveLength(24);
    expect(r.signature).toBe('nrefs:2|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0');
  });

  it('chrF++ lowercased, with whitespace, eps smoothing', () => {
    const r = corpusChrf(HYPS, REFS, {
      wordOrder: 2,
      lowercase: true,
      whitespace: true,
      epsSmoothing: true,
    });
    expect(r.score).toBeCloseTo(63.9297627446347, 12);
    expect(r.signature).toBe('nrefs:2|case:lc|eff:no|nc:6|nw:2|space:yes|version:2.6.0');
  });

  it('sentence chrF picks the best of several references', () => {
    const refs = [REFS[0]?.[2] ?? '', REFS[1]?.[2] ?? ''];
    expect(sentenceChrf(HYPS[2] ?? '', refs).score).toBeCloseTo(51.87740799504779, 12);
    expect(sentenceChrf(HYPS[2] ?? '', refs, { wordOrder: 2 }).score).toBeCloseTo(
      52.00714394858371,
      12,
    );
  });
});

describe('chrF: input checks', () => {
  it('rejects reference streams whose length differs from the hypotheses', () => {
    expect(() => corpusChrf(['a', 'b'], [['a']])).toThrow(/stream 1 has 1 lines/);
  });

  it('rejects invalid orders', () => {
    expect(() => corpusChrf(['a'], [['a']], { charOrder: 0, wordOrder: 0 })).toThrow(/orders/);
  });
});
