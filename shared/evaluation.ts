/**
 * Evaluation of checkpoints on a test set in the studio (the Evaluate screen): corpus BLEU
 * and chrF as sacreBLEU computes them, with their signatures, and every sentence's own
 * scores, for one or several checkpoints of a run.
 */
import { z } from 'zod';
import { DECODE_DEFAULTS } from './schema/decode';

/** Sentences a test set may hold (the results travel to the page whole). */
export const MAX_TEST_SENTENCES = 20_000;

const id = z.string().min(1).max(200);

/** What the evaluate call takes: the run, its checkpoints, the two test files, the search. */
export const evaluateInputSchema = z.object({
  /** Names the evaluation in its progress events. */
  evalId: id,
  runId: id,
  /** Checkpoint ids, or best / last; at most 8 in one evaluation. */
  checkpoints: z.array(id).min(1).max(8),
  /** Source sentences, one per line (a path on the studio machine, or an upload's). */
  src: z.string().min(1),
  /** Reference translations, line by line with `src`. */
  ref: z.string().min(1),
  mode: z.enum(['greedy', 'beam']).default(DECODE_DEFAULTS.mode),
  beamSize: z.number().int().min(1).max(64).default(DECODE_DEFAULTS.beamSize),
  alpha: z.number().min(0).max(5).default(DECODE_DEFAULTS.alpha),
});

export type EvaluateInput = z.input<typeof evaluateInputSchema>;

/** One sentence of the test set with its hypothesis and its sentence-level scores. */
export interface SentenceScore {
  /** 0-based line of the test files. */
  index: number;
  src: string;
  ref: string;
  hyp: string;
  /** sacreBLEU's sentence_bleu (exp smoothing, effective order). */
  bleu: number;
  /** sacreBLEU's sentence_chrf (chrF2). */
  chrf: number;
}

/** One checkpoint's result. */
export interface CheckpointEvaluation {
  checkpoint: string;
  step: number;
  bleu: number;
  chrf: number;
  /** sacreBLEU's signature, e.g. nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 */
  bleuSignature: string;
  chrfSignature: string;
  /** The lines sacreBLEU prints: `BLEU|<signature> = 23.41 55.1/29.0/... (BP = ...)`. */
  bleuLine: string;
  chrfLine: string;
  /** In test-file order. */
  sentences: SentenceScore[];
  /** Source lines longer than the model reads, cut before translating. */
  truncated: number;
  seconds: number;
}

export interface EvaluationResult {
  evalId: string;
  runId: string;
  /** The test files' names. */
  src: string;
  ref: string;
  decode: { mode: 'greedy' | 'beam'; beamSize: number; alpha: number };
  backend: string;
  results: CheckpointEvaluation[];
}

/** Progress of an evaluation, a few times a second. */
export interface EvaluateProgress {
  evalId: string;
  /** The checkpoint being translated, and which of how many it is (0-based). */
  checkpoint: string;
  index: number;
  of: number;
  /** Sentences translated, over all checkpoints, and their total. */
  done: number;
  total: number;
  /** Seconds left at the speed so far; absent until the first batch is done. */
  etaSec?: number;
}
