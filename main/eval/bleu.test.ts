import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { computeBleu, corpusBleu, formatBleu, sentenceBleu } from './bleu';
import type { BleuOptions } from './bleu';

// sacrebleu.raw_corpus_bleu (sacrebleu/compat.py): no tokenization, floor smoothing,
// effective order. Several of sacreBLEU's own vectors go through it.
function rawCorpusBleu(hyps: string[], refs: string[][], smoothValue?: number) {
  return corpusBleu(hyps, refs, {
    tokenize: 'none',
    smoothMethod: 'floor',
    effectiveOrder: true,
    ...(smoothValue === undefined ? {} : { smoothValue }),
  });
}

// ---------------------------------------------------------------------------------------
// Vectors from mjpost/sacrebleu test/test_bleu.py (commit 785d26bb42ff5cc738c8aa06efb288cf407fc4fd).
// ---------------------------------------------------------------------------------------
const EPSILON = 1e-8; // test_bleu.py's EPSILON

// test_bleu.py: _refs / _hyps (the README example)
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

describe('corpusBleu: sacreBLEU test_bleu.py', () => {
  // test_raw_bleu_cases
  it.each([
    [['this is a test', 'another test'], [['ref1', 'ref2']], 0.0], // returns 0.0 since #141
    [['this is a test'], [['this is a test']], 1.0],
    [['this is a fest'], [['this is a test']], 0.223606797749979],
  ])('test_raw_bleu %j', (hyps, refs, expected) => {
    expect(Math.abs(rawCorpusBleu(hyps, refs, 0.01).score / 100 - expected)).toBeLessThan(EPSILON);
  });

  // test_corpus_bleu_cases ('intl' tokenizer case not implemented here)
  it.each<[string[], BleuOptions, number]>([
    [HYPS, {}, 48.530827], // default BLEU settings
    [['', '', ''], {}, 0.0], // empty hypotheses are not removed
    [HYPS, { tokenize: 'none' }, 49.1919566],
    [HYPS, { tokenize: '13a' }, 48.530827],
    [HYPS, { smoothMethod: 'none' }, 48.530827],
  ])('test_corpus_bleu %j %j', (hyps, options, expected) => {
    expect(Math.abs(corpusBleu(hyps, REFS, options).score - expected)).toBeLessThan(EPSILON);
  });

  // test_case_effective_order
  it.each([
    [['test'], [['a test']], 0.3678794411714425],
    [['a test'], [['a test']], 1.0],
    [['a little test'], [['a test']], 0.03218297948685433],
  ])('test_effective_order %j', (hyps, refs, expected) => {
    expect(Math.abs(rawCorpusBleu(hyps, refs, 0.01).score / 100 - expected)).toBeLessThan(EPSILON);
  });

  // test_case_statistics
  it('test_statistics', () => {
    const r = rawCorpusBleu(
      ['am I am a character sequence'],
      [['I am a symbol string sequence a a']],
      0.01,
    );
    expect(r.counts).toEqual([4, 2, 1, 0]);
    expect(r.totals).toEqual([6, 5, 4, 3]);
  });

  // test_case_scoring: compute_bleu with its default ('none') smoothing
  it('test_scoring', () => {
    const r = computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11);
    expect(Math.abs(r.score / 100 - 0.8375922397)).toBeLessThan(EPSILON);
  });

  // test_case_offset: floor 0.0 gives 0, the floor default (0.1) gives 0.1555722182
  it('test_offset', () => {
    const hyps = ['am I am a character sequence'];
    const refs = [['I am a symbol string sequence a a']];
    expect(Math.abs(rawCorpusBleu(hyps, refs, 0.0).score / 100 - 0)).toBeLessThan(EPSILON);
    expect(Math.abs(rawCorpusBleu(hyps, refs).score / 100 - 0.1555722182)).toBeLessThan(EPSILON);
  });

  // test_case_degenerate_stats: exact 0.0 with floor smoothing at several offsets
  it.each<[number[], number[], number, number, number]>([
    [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0.0],
    [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.0],
    [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
    [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
  ])('test_degenerate_statistics %j %j sys=%i ref=%i offset=%f', (c, t, sys, ref, offset) => {
    const r = computeBleu(c, t, sys, ref, { smoothMethod: 'floor', smoothValue: offset });
    expect(r.score / 100).toBe(0.0);
  });

  // test_bleu_max_order (compared as f'{score:.2f}')
  it.each([
    [1, '77.65'],
    [2, '60.50'],
    [3, '53.93'],
    [4, '48.53'],
    [5, '46.14'],
    [6, '43.28'],
  ])('test_max_ngram_order %i', (order, expected) => {
    expect(corpusBleu(HYPS, REFS, { maxNgramOrder: order }).score.toFixed(2)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------
// Vectors from mjpost/sacrebleu test/test_sentence_bleu.py (commit ad62c9b5a4c1381598c0774c8ea1dc3597638ac0).
// ---------------------------------------------------------------------------------------
describe('sentenceBleu: sacreBLEU test_sentence_bleu.py', () => {
  const EPS = 1e-3; // test_sentence_bleu.py's EPSILON
  // Example taken from sacreBLEU issue #98
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';

  // test_cases ('intl' tokenizer case not implemented here)
  it.each<
    [BleuOptions['smoothMethod'], number | undefined, boolean, BleuOptions['tokenize'], number]
  >([
    ['exp', undefined, false, '13a', 8.493],
    ['none', undefined, false, '13a', 0.0],
    ['floor', undefined, false, '13a', 4.51688], // defaults to 0.1
    ['floor', 0.1, false, '13a', 4.51688],
    ['floor', 0.5, false, '13a', 10.1],
    ['add-k', undefined, false, '13a', 14.882], // defaults to 1
    ['add-k', 1, false, '13a', 14.882],
    ['add-k', 2, false, '13a', 21.389],
    ['exp', undefined, false, 'none', 7.347],
    ['exp', undefined, false, 'char', 40.8759],
    ['exp', undefined, true, 'char', 42.0267],
  ])(
    'smooth=%s value=%s lowercase=%s tok=%s',
    (smoothMethod, smoothValue, lowercase, tokenize, expected) => {
      const r = sentenceBleu(SYS, [REF], {
        ...(smoothMethod === undefined ? {} : { smoothMethod }),
        ...(smoothValue === undefined ? {} : { smoothValue }),
        ...(tokenize === undefined ? {} : { tokenize }),
        lowercase,
        effectiveOrder: true,
      });
      expect(Math.abs(r.score - expected)).toBeLessThan(EPS);
    },
  );

  // test_cases_zero_bleu: example taken from sacreBLEU issue #141
  it.each<[BleuOptions['smoothMethod'], number | undefined]>([
    ['exp', undefined],
    ['none', undefined],
    ['floor', undefined],
    ['floor', 0.1],
    ['add-k', undefined],
    ['add-k', 1],
  ])('no match scores 0 with smooth=%s value=%s', (smoothMethod, smoothValue) => {
    const r = sentenceBleu('this is a cat', ['okay thanks'], {
      ...(smoothMethod === undefined ? {} : { smoothMethod }),
      ...(smoothValue === undefined ? {} : { smoothValue }),
    });
    expect(Math.abs(r.score - 0.0)).toBeLessThan(EPS);
  });
});

// ---------------------------------------------------------------------------------------
// mjpost/sacrebleu test.sh, "Control character tests": a \r inside the reference is
// whitespace, so the score equals that against the clean reference.
// ---------------------------------------------------------------------------------------
it('test.sh control character test: \\r in a reference is whitespace', () => {
  const hyp = ['Hello! How are you doing today?'];
  const withCr = corpusBleu(hyp, [['Hello! How are you \r doing today?']]);
  const clean = corpusBleu(hyp, [['Hello! How are you doing today?']]);
  expect(withCr.score.toFixed(2)).toBe(clean.score.toFixed(2));
  // sacreBLEU 2.6.0 returns exactly this (exp(mean(log 100)) is not exactly 100).
  expect(withCr.score).toBe(100.00000000000004);
});

// ---------------------------------------------------------------------------------------
// Full results, signatures and the printed line, as sacreBLEU 2.6.0 (PyPI) returns them
// for the README example (BLEU().corpus_score(...), get_signature(), Score.format()).
// ---------------------------------------------------------------------------------------
describe('corpusBleu: complete result and signature (sacreBLEU 2.6.0)', () => {
  it('two references', () => {
    const r = corpusBleu(HYPS, REFS);
    expect(r.score).toBeCloseTo(48.530827009929865, 12);
    expect(r.counts).toEqual([14, 7, 5, 3]);
    expect(r.totals).toEqual([17, 14, 11, 8]);
    const expectedPrec = [82.3529411764706, 50.0, 45.45454545454545, 37.5];
    r.precisions.forEach((p, i) => expect(p).toBeCloseTo(expectedPrec[i] ?? NaN, 12));
    expect(r.bp).toBeCloseTo(0.9428731438548749, 14);
    expect(r.sysLen).toBe(17);
    expect(r.refLen).toBe(18);
    expect(r.signature).toBe('nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(formatBleu(r)).toBe(
      'BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.53 ' +
        '82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)',
    );
  });

  it('one reference', () => {
    const r = corpusBleu(HYPS, REFS.slice(0, 1));
    expect(r.score).toBeCloseTo(45.06750632106114, 12);
    expect(r.counts).toEqual([12, 6, 4, 3]);
    expect(r.bp).toBe(1);
    expect(r.refLen).toBe(17);
    expect(r.signature).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
  });

  it('signature of lowercase, floor and effective order', () => {
    const r = corpusBleu(HYPS, REFS, {
      lowercase: true,
      smoothMethod: 'floor',
      effectiveOrder: true,
    });
    expect(r.score).toBeCloseTo(48.530827009929865, 12);
    expect(r.signature).toBe('nrefs:2|case:lc|eff:yes|tok:13a|smooth:floor[0.10]|version:2.6.0');
  });

  it('add-k reports counts and totals with k added from order 2, as sacreBLEU does', () => {
    const r = corpusBleu(HYPS, REFS, { smoothMethod: 'add-k', smoothValue: 2, tokenize: 'none' });
    expect(r.score).toBeCloseTo(58.01120888620355, 12);
    expect(r.counts).toEqual([10, 8, 6, 4]);
    expect(r.totals).toEqual([14, 13, 10, 7]);
    expect(r.signature).toBe('nrefs:2|case:mixed|eff:no|tok:none|smooth:add-k[2.00]|version:2.6.0');
  });

  it('a missing reference gives nrefs:var', () => {
    const r = corpusBleu(HYPS, [REFS[0] ?? [], [REFS[1]?.[0] ?? '', null, REFS[1]?.[2] ?? '']]);
    expect(r.score).toBeCloseTo(48.530827009929865, 12);
    expect(r.signature).toBe('nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
  });

  it('sentence BLEU defaults to effective order', () => {
    const r = sentenceBleu("It wasn't surprising.", ['It was not unexpected.']);
    expect(r.score).toBeCloseTo(14.794015674776452, 12);
    expect(r.signature).toBe('nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0');
  });
});

describe('corpusBleu: input checks', () => {
  it('rejects reference streams whose length differs from the hypotheses', () => {
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrow(AppError);
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrow(/stream 1 has 1 lines but there are 2/);
  });

  it('rejects an empty corpus and a segment without any reference', () => {
    expect(() => corpusBleu([], [[]])).toThrow(/at least one hypothesis/);
    expect(() => corpusBleu(['a'], [[null]])).toThrow(/segment 1 has no reference/);
  });
});
