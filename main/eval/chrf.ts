// chrF (Popović, 2015) and chrF++ (Popović, 2017) exactly as sacreBLEU 2.x computes them
// (sacrebleu/metrics/chrf.py, metrics/helpers.py): character n-grams with whitespace
// removed, optional word n-grams, statistics summed over the corpus and scored once.

import { AppError, ErrorCode } from '../../shared/errors';
import { SACREBLEU_VERSION, pyFormatFixed, pyRemoveWhitespace, pySplit } from './compat';
import { SymbolIds, countNgrams } from './ngrams';
import type { NgramCounts } from './ngrams';
import { referencesPerSegment } from './references';
import type { ReferenceStreams } from './references';

/** Options of chrF; the defaults are sacreBLEU's (chrF2, character 6-grams). */
export interface ChrfOptions {
  /** Character n-gram order. Default 6. */
  charOrder?: number;
  /** Word n-gram order: 0 for chrF (default), 2 for chrF++. */
  wordOrder?: number;
  /** Recall is beta times as important as precision. Default 2. */
  beta?: number;
  /** Lowercase hypotheses and references. Default false. */
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams. Default false (whitespace removed). */
  whitespace?: boolean;
  /**
   * true: average the F-scores of all orders, 1e-16 for an order without n-grams (chrF++.py,
   * Moses, NLTK). false (sacreBLEU's default): average precision and recall over only the
   * orders that both sides have, then take one F-score ("effective order", `eff:yes`).
   */
  epsSmoothing?: boolean;
}

/** A chrF result with its statistics and sacreBLEU signature. */
export interface ChrfScore {
  /** chrF on a 0..100 scale. */
  score: number;
  /** sacreBLEU's name: `chrF2`, or `chrF2++` with word order 2. */
  name: string;
  /**
   * Summed statistics, three per order (character orders 1..charOrder, then word orders
   * 1..wordOrder): hypothesis n-grams, reference n-grams, matches.
   */
  stats: number[];
  /** e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0` */
  signature: string;
}

interface ResolvedChrfOptions {
  charOrder: number;
  wordOrder: number;
  beta: number;
  lowercase: boolean;
  whitespace: boolean;
  epsSmoothing: boolean;
}

// string.punctuation: chrF++ splits one of these off the end (else the start) of a word.
const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function resolve(options: ChrfOptions): ResolvedChrfOptions {
  const o = {
    charOrder: options.charOrder ?? 6,
    wordOrder: options.wordOrder ?? 0,
    beta: options.beta ?? 2,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
  };
  const orders = [o.charOrder, o.wordOrder];
  if (!orders.every((n) => Number.isInteger(n) && n >= 0) || o.charOrder + o.wordOrder === 0) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `chrF needs non-negative integer n-gram orders, not both zero; received charOrder ` +
        `${o.charOrder} and wordOrder ${o.wordOrder}.`,
    );
  }
  if (!(o.beta >= 0)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `chrF's beta must be a non-negative number; received ${o.beta}.`,
    );
  }
  return o;
}

/** helpers.extract_all_char_ngrams' input: the code points (Python indexes code points). */
function characters(line: string, whitespace: boolean): string[] {
  return Array.from(whitespace ? line : pyRemoveWhitespace(line));
}

/**
 * CHRF._remove_punctuation: words, with one punctuation mark split off the end (or, if
 * none there, the start) of each word longer than one character; '(hi)' gives '(hi', ')'.
 */
function splitPunctuation(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    // Python's len(w) == 1 counts code points: one astral character is one "character".
    if (w.length === 1 || (w.length === 2 && (w.codePointAt(0) ?? 0) > 0xffff)) {
      out.push(w);
    } else if (PUNCTS.has(w[w.length - 1] ?? '')) {
      // The marks are ASCII, so slicing one UTF-16 unit removes exactly that code point.
      out.push(w.slice(0, -1), w.slice(-1));
    } else if (PUNCTS.has(w[0] ?? '')) {
      out.push(w.slice(0, 1), w.slice(1));
    } else {
      out.push(w);
    }
  }
  return out;
}

/** CHRF._get_match_statistics for one order: [hyp n-grams, ref n-grams, matches]. */
function matchStats(hyp: NgramCounts, ref: NgramCounts, out: number[]): void {
  let match = 0;
  let hypCount = 0;
  for (const [ng, c] of hyp) {
    hypCount += c;
    const r = ref.get(ng);
    if (r !== undefined) match += Math.min(c, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  // An order the reference lacks entirely does not count the hypothesis' n-grams.
  out.push(ref.size > 0 ? hypCount : 0, refCount, match);
}

/**
 * chrF from summed statistics, sacreBLEU's `CHRF._compute_f_score`.
 * @param stats three numbers per order: hypothesis n-grams, reference n-grams, matches
 * @returns the score on a 0..100 scale
 */
export function computeChrf(stats: readonly number[], options: ChrfOptions = {}): number {
  const o = resolve(options);
  return fScore(stats, o);
}

function fScore(stats: readonly number[], o: ResolvedChrfOptions): number {
  const eps = 1e-16;
  const order = o.charOrder + o.wordOrder;
  const factor = o.beta ** 2;
  let score = 0;
  let effectiveOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i] ?? 0;
    const nRef = stats[3 * i + 1] ?? 0;
    const nMatch = stats[3 * i + 2] ?? 0;
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder += 1;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = 0;
    avgRec = 0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec === 0) return 0;
  let f = (1 + factor) * avgPrec * avgRec;
  f /= factor * avgPrec + avgRec;
  return 100 * f;
}

/** sacreBLEU's CHRFSignature.format(): `nrefs|case|eff|nc|nw|space|version`. */
function chrfSignature(o: ResolvedChrfOptions, nrefs: string): string {
  return [
    `nrefs:${nrefs}`,
    `case:${o.lowercase ? 'lc' : 'mixed'}`,
    `eff:${o.epsSmoothing ? 'no' : 'yes'}`,
    `nc:${o.charOrder}`,
    `nw:${o.wordOrder}`,
    `space:${o.whitespace ? 'yes' : 'no'}`,
    `version:${SACREBLEU_VERSION}`,
  ].join('|');
}

function scoreCorpus(
  hypotheses: readonly string[],
  references: ReferenceStreams,
  o: ResolvedChrfOptions,
): ChrfScore {
  const { perSegment, nrefs } = referencesPerSegment('chrF', hypotheses, references);
  const order = o.charOrder + o.wordOrder;
  const totals = new Array<number>(3 * order).fill(0);
  const prep = (s: string): string => (o.lowercase ? s.toLowerCase() : s);

  hypotheses.forEach((hyp, seg) => {
    const refs = (perSegment[seg] ?? []).map(prep);
    const h = prep(hyp);
    // Ids are shared by the hypothesis and its references so that n-gram keys agree;
    // characters and words get separate ids (their n-grams are counted separately).
    const chars = new SymbolIds();
    const hypChars = chars.encode(characters(h, o.whitespace));
    const refChars = refs.map((r) => chars.encode(characters(r, o.whitespace)));
    const words = new SymbolIds();
    const withWords = o.wordOrder > 0;
    const hypWords = withWords ? words.encode(splitPunctuation(h)) : [];
    const refWords = refs.map((r) => (withWords ? words.encode(splitPunctuation(r)) : []));
    const ngramsOf = (c: number[], w: number[]): NgramCounts[] => [
      ...countNgrams(c, o.charOrder, chars.base),
      ...(withWords ? countNgrams(w, o.wordOrder, words.base) : []),
    ];
    const hypNgrams = ngramsOf(hypChars, hypWords);

    // With several references, the segment counts the one with the best F-score (first wins).
    let best: number[] = [];
    let bestF = -1;
    refs.forEach((_, r) => {
      const refNgrams = ngramsOf(refChars[r] ?? [], refWords[r] ?? []);
      const stats: number[] = [];
      for (let i = 0; i < order; i++) {
        matchStats(hypNgrams[i] ?? new Map(), refNgrams[i] ?? new Map(), stats);
      }
      const f = fScore(stats, o);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    });
    for (let i = 0; i < totals.length; i++) totals[i] = (totals[i] ?? 0) + (best[i] ?? 0);
  });

  return {
    score: fScore(totals, o),
    name: `chrF${o.beta}${'+'.repeat(o.wordOrder)}`,
    stats: totals,
    signature: chrfSignature(o, nrefs),
  };
}

/**
 * Corpus chrF as `sacrebleu.corpus_chrf` computes it: per-segment statistics (against the
 * best-matching reference) are summed, then scored once.
 * @param hypotheses one system output per segment
 * @param references one or more reference streams, each with one line per hypothesis
 * @param options defaults: chrF2, character 6-grams, no word n-grams, effective order
 * @throws AppError(InvalidArgument) when a stream's length differs from the hypotheses'
 */
export function corpusChrf(
  hypotheses: readonly string[],
  references: ReferenceStreams,
  options: ChrfOptions = {},
): ChrfScore {
  return scoreCorpus(hypotheses, references, resolve(options));
}

/**
 * Sentence chrF as `sacrebleu.sentence_chrf` computes it (same defaults as corpus chrF).
 * @param hypothesis one system output
 * @param references its references (one or more)
 */
export function sentenceChrf(
  hypothesis: string,
  references: readonly string[],
  options: ChrfOptions = {},
): ChrfScore {
  return scoreCorpus(
    [hypothesis],
    references.map((r) => [r]),
    resolve(options),
  );
}

/** The line sacreBLEU's text output prints, e.g. `chrF2|nrefs:1|...|version:2.6.0 = 58.27`. */
export function formatChrf(s: ChrfScore, width = 2): string {
  return `${s.name}|${s.signature} = ${pyFormatFixed(s.score, width)}`;
}
