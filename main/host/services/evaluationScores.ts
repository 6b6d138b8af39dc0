/**
 * The scores of one checkpoint's translations of a test set: corpus BLEU and chrF as
 * sacreBLEU computes them (13a, exp smoothing; chrF2), with signatures and the lines
 * sacreBLEU prints, and sentence BLEU and chrF of every line. Pure.
 */
import type { CheckpointEvaluation, SentenceScore } from '../../../shared/evaluation';
import { corpusBleu, formatBleu, sentenceBleu } from '../../eval/bleu';
import { corpusChrf, formatChrf, sentenceChrf } from '../../eval/chrf';

export type TestSetScores = Pick<
  CheckpointEvaluation,
  'bleu' | 'chrf' | 'bleuSignature' | 'chrfSignature' | 'bleuLine' | 'chrfLine' | 'sentences'
>;

/** Scores `hypotheses` against `references` (one per source line, same order). */
export function scoreTestSet(
  sources: readonly string[],
  references: readonly string[],
  hypotheses: readonly string[],
): TestSetScores {
  const bleu = corpusBleu(hypotheses, [references]);
  const chrf = corpusChrf(hypotheses, [references]);
  const sentences: SentenceScore[] = hypotheses.map((hyp, index) => {
    const ref = references[index] ?? '';
    return {
      index,
      src: sources[index] ?? '',
      ref,
      hyp,
      bleu: sentenceBleu(hyp, [ref]).score,
      chrf: sentenceChrf(hyp, [ref]).score,
    };
  });
  return {
    bleu: bleu.score,
    chrf: chrf.score,
    bleuSignature: bleu.signature,
    chrfSignature: `${chrf.name}|${chrf.signature}`,
    bleuLine: formatBleu(bleu),
    chrfLine: formatChrf(chrf),
    sentences,
  };
}
