// BLEU (Papineni et al., 2002) exactly as sacreBLEU 2.x computes it
// (sacrebleu/metrics/bleu.py, sacrebleu/compat.py): same tokenization, n-gram clipping
// against the element-wise maximum over references, closest reference length (shorter on
// ties), smoothing (Chen & Cherry 2014), effective order and signature string.

import { AppError, ErrorCode } from '../../shared/errors';
import { SACREBLEU_VERSION, pyFormatFixed, pyRstrip, pySplit } from './compat';
import { SymbolIds, countNgrams } from './ngrams';
import type { NgramCounts } from './ngrams';
import { referencesPerSegment } from './references';
import type { ReferenceStreams } from './references';
import { tokenize13a } from './tokenizer13a';

/** Smoothing methods of Chen & Cherry (2014) that sacreBLEU offers. */
export type BleuSmoothMethod = 'none' | 'floor' | 'add-k' | 'exp';

/** Tokenizers supported here: sacreBLEU's default `13a`, plus `none` and `char`. */
export type BleuTokenizer = '13a' | 'none' | 'char';

/** Options of corpus and sentence BLEU; the defaults are sacreBLEU's. */
export interface BleuOptions {
  /** Lowercase hypotheses and references before tokenizing. Default false. */
  lowercase?: boolean;
  /** Default '13a' (mteval-v13a), the WMT standard. */
  tokenize?: BleuTokenizer;
  /** Default 'exp' (NIST geometric smoothing, mteval-v13a's). */
  smoothMethod?: BleuSmoothMethod;
  /** For 'floor' (default 0.1) and 'add-k' (default 1); ignored by the others. */
  smoothValue?: number;
  /** Highest n-gram order. Default 4. */
  maxNgramOrder?: number;
  /**
   * Average only over the n-gram orders the hypothesis has at all (needed for short
   * sentences). Default false for corpus BLEU, true for sentence BLEU, as in sacreBLEU.
   */
  effectiveOrder?: boolean;
}

/** BLEU and the statistics it was computed from; sacreBLEU's BLEUScore fields. */
export interface BleuComponents {
  /** BLEU on a 0..100 scale. */
  score: number;
  /** Matched (clipped) n-grams per order 1..maxNgramOrder (add-k adds k from order 2 on). */
  counts: number[];
  /** Hypothesis n-grams per order (add-k adds k from order 2 on). */
  totals: number[];
  /** Per-order precisions on a 0..100 scale, after smoothing. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  /** Hypothesis length in tokens, summed over the corpus. */
  sysLen: number;
  /** Closest reference length in tokens, summed over the corpus. */
  refLen: number;
}

/** A BLEU result with its sacreBLEU signature. */
export interface BleuScore extends BleuComponents {
  /** e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0` */
  signature: string;
}

const SMOOTH_DEFAULTS: Record<BleuSmoothMethod, number | null> = {
  none: null,
  floor: 0.1,
  'add-k': 1,
  exp: null,
};

const TOKENIZERS: Record<BleuTokenizer, (line: string) => string> = {
  '13a': tokenize13a,
  none: (line) => line,
  // sacreBLEU's TokenizerChar: every code point (not UTF-16 unit) becomes a token.
  char: (line) => Array.from(line).join(' '),
};

/** Python's log floored at a huge negative number, so a zero precision gives BLEU 0. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/**
 * BLEU from sufficient statistics, sacreBLEU's `BLEU.compute_bleu`. Note that its default
 * smoothing is 'none', as in sacreBLEU (corpus and sentence BLEU default to 'exp').
 * @param correct matched n-grams per order 1..maxNgramOrder
 * @param total hypothesis n-grams per order 1..maxNgramOrder
 * @param sysLen hypothesis length in tokens
 * @param refLen closest reference length in tokens
 */
export function computeBleu(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  options: Omit<BleuOptions, 'lowercase' | 'tokenize'> = {},
): BleuComponents {
  const smoothMethod = options.smoothMethod ?? 'none';
  const maxOrder = options.maxNgramOrder ?? 4;
  const effectiveOrder = options.effectiveOrder ?? false;
  if (!(smoothMethod in SMOOTH_DEFAULTS)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `Unknown BLEU smoothing method "${String(smoothMethod)}"; use one of none, floor, add-k, exp.`,
    );
  }
  if (correct.length < maxOrder || total.length < maxOrder) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `BLEU needs ${maxOrder} match and total counts (one per n-gram order), ` +
        `received ${correct.length} and ${total.length}.`,
    );
  }
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod] ?? 0;
  const counts = correct.slice(0, maxOrder);
  const totals = total.slice(0, maxOrder);

  let bp = 1;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;

  const precisions = new Array<number>(maxOrder).fill(0);
  // No match at any order: score 0 rather than a smoothed positive value (sacreBLEU #141).
  if (!counts.some((c) => c !== 0)) {
    return { score: 0, counts, totals, precisions, bp, sysLen, refLen };
  }

  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    const i = n - 1;
    if (smoothMethod === 'add-k' && n > 1) {
      counts[i] = (counts[i] ?? 0) + smoothValue;
      totals[i] = (totals[i] ?? 0) + smoothValue;
    }
    const t = totals[i] ?? 0;
    const c = counts[i] ?? 0;
    // No i-grams at all (hypothesis shorter than n): higher orders cannot exist either.
    if (t === 0) break;
    if (effectiveOrder) effOrder = n;
    if (c === 0) {
      if (smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[i] = 100 / (smoothMteval * t);
      } else if (smoothMethod === 'floor') {
        precisions[i] = (100 * smoothValue) / t;
      }
    } else {
      precisions[i] = (100 * c) / t;
    }
  }

  // Summed left to right like Python's sum() so the last bits agree.
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i] ?? 0);
  const score = bp * Math.exp(logSum / effOrder);
  return { score, counts, totals, precisions, bp, sysLen, refLen };
}

/** sacreBLEU's `_get_closest_ref_len`: the closest length, the shorter one on a tie. */
function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const refLen of refLens) {
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) {
      closestLen = refLen;
    }
  }
  return closestLen;
}

interface ResolvedBleuOptions {
  lowercase: boolean;
  tokenize: BleuTokenizer;
  smoothMethod: BleuSmoothMethod;
  smoothValue: number | undefined;
  maxNgramOrder: number;
  effectiveOrder: boolean;
}

function resolve(options: BleuOptions, effectiveOrderDefault: boolean): ResolvedBleuOptions {
  const tokenize = options.tokenize ?? '13a';
  if (!(tokenize in TOKENIZERS)) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `Unknown BLEU tokenizer "${String(tokenize)}"; use one of 13a, none, char.`,
    );
  }
  const maxNgramOrder = options.maxNgramOrder ?? 4;
  if (!Number.isInteger(maxNgramOrder) || maxNgramOrder < 1) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `BLEU's maximum n-gram order must be a positive integer; received ${maxNgramOrder}.`,
    );
  }
  return {
    lowercase: options.lowercase ?? false,
    tokenize,
    smoothMethod: options.smoothMethod ?? 'exp',
    smoothValue: options.smoothValue,
    maxNgramOrder,
    effectiveOrder: options.effectiveOrder ?? effectiveOrderDefault,
  };
}

/** sacreBLEU's BLEUSignature.format(): `nrefs|case|eff|tok|smooth|version`. */
function bleuSignature(o: ResolvedBleuOptions, nrefs: string): string {
  let smooth: string = o.smoothMethod;
  const def = SMOOTH_DEFAULTS[o.smoothMethod];
  if (def !== null) smooth += `[${pyFormatFixed(o.smoothValue ?? def, 2)}]`;
  return [
    `nrefs:${nrefs}`,
    `case:${o.lowercase ? 'lc' : 'mixed'}`,
    `eff:${o.effectiveOrder ? 'yes' : 'no'}`,
    `tok:${o.tokenize}`,
    `smooth:${smooth}`,
    `version:${SACREBLEU_VERSION}`,
  ].join('|');
}

function scoreCorpus(
  hypotheses: readonly string[],
  references: ReferenceStreams,
  o: ResolvedBleuOptions,
): BleuScore {
  const { perSegment, nrefs } = referencesPerSegment('BLEU', hypotheses, references);
  const tokenizer = TOKENIZERS[o.tokenize];
  // sacreBLEU's _preprocess_segment: lowercase, strip trailing whitespace, tokenize.
  const preprocess = (s: string): string[] =>
    pySplit(tokenizer(pyRstrip(o.lowercase ? s.toLowerCase() : s)));
  const order = o.maxNgramOrder;
  const correct = new Array<number>(order).fill(0);
  const total = new Array<number>(order).fill(0);
  let sysLen = 0;
  let refLen = 0;

  hypotheses.forEach((hyp, seg) => {
    const refTokens = (perSegment[seg] ?? []).map(preprocess);
    const hypTokens = preprocess(hyp);
    // Ids are shared by the hypothesis and its references so that n-gram keys agree.
    const symbols = new SymbolIds();
    const refIds = refTokens.map((tokens) => symbols.encode(tokens));
    const hypIds = symbols.encode(hypTokens);
    const base = symbols.base;

    // Clip against the maximum count of each n-gram over all references.
    const refNgrams = countNgrams(refIds[0] ?? [], order, base);
    for (let r = 1; r < refIds.length; r++) {
      const other = countNgrams(refIds[r] ?? [], order, base);
      other.forEach((counts, i) => {
        const merged = refNgrams[i] as NgramCounts;
        for (const [ngram, c] of counts) if (c > (merged.get(ngram) ?? 0)) merged.set(ngram, c);
      });
    }

    sysLen += hypTokens.length;
    refLen += closestRefLen(
      hypTokens.length,
      refTokens.map((t) => t.length),
    );
    countNgrams(hypIds, order, base).forEach((counts, i) => {
      const ref = refNgrams[i] as NgramCounts;
      let matched = 0;
      let all = 0;
      for (const [ngram, c] of counts) {
        all += c;
        const inRef = ref.get(ngram);
        if (inRef !== undefined) matched += Math.min(c, inRef);
      }
      correct[i] = (correct[i] ?? 0) + matched;
      total[i] = (total[i] ?? 0) + all;
    });
  });

  const parts = computeBleu(correct, total, sysLen, refLen, {
    smoothMethod: o.smoothMethod,
    ...(o.smoothValue === undefined ? {} : { smoothValue: o.smoothValue }),
    maxNgramOrder: order,
    effectiveOrder: o.effectiveOrder,
  });
  return { ...parts, signature: bleuSignature(o, nrefs) };
}

/**
 * Corpus BLEU as `sacrebleu.corpus_bleu` computes it: n-gram statistics are summed over
 * all segments, then scored once.
 * @param hypotheses one detokenized system output per segment
 * @param references one or more reference streams, each with one line per hypothesis
 *   (`[[ref1_seg1, ref1_seg2, ...], [ref2_seg1, ...]]`); null marks a missing reference
 * @param options defaults: 13a, mixed case, 'exp' smoothing, order 4, no effective order
 * @throws AppError(InvalidArgument) when a stream's length differs from the hypotheses'
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: ReferenceStreams,
  options: BleuOptions = {},
): BleuScore {
  return scoreCorpus(hypotheses, references, resolve(options, false));
}

/**
 * Sentence BLEU as `sacrebleu.sentence_bleu` computes it: 'exp' smoothing and effective
 * order by default. BLEU is a corpus metric; use this for per-sentence views only.
 * @param hypothesis one detokenized system output
 * @param references its references (one or more)
 */
export function sentenceBleu(
  hypothesis: string,
  references: readonly string[],
  options: BleuOptions = {},
): BleuScore {
  return scoreCorpus(
    [hypothesis],
    references.map((r) => [r]),
    resolve(options, true),
  );
}

/**
 * The line sacreBLEU's text output prints, e.g.
 * `BLEU|nrefs:1|...|version:2.6.0 = 48.53 82.4/50.0/... (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)`.
 * @param width digits after the decimal point of the score (sacreBLEU's `-w`, default 2)
 */
export function formatBleu(s: BleuScore, width = 2): string {
  const prec = s.precisions.map((p) => pyFormatFixed(p, 1)).join('/');
  const ratio = s.refLen ? s.sysLen / s.refLen : 0;
  return (
    `BLEU|${s.signature} = ${pyFormatFixed(s.score, width)} ${prec} ` +
    `(BP = ${pyFormatFixed(s.bp, 3)} ratio = ${pyFormatFixed(ratio, 3)} ` +
    `hyp_len = ${s.sysLen} ref_len = ${s.refLen})`
  );
}
