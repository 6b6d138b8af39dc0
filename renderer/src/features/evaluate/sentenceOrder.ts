/** Per-sentence results worst first, and the hypotheses file of a checkpoint. */
import type { CheckpointEvaluation, SentenceScore } from '../../../../shared/evaluation';

/** Lowest sentence BLEU first; ties by chrF, then by line, so the order is stable. */
export function worstFirst(sentences: readonly SentenceScore[]): SentenceScore[] {
  return [...sentences].sort((a, b) => a.bleu - b.bleu || a.chrf - b.chrf || a.index - b.index);
}

/** The hypotheses one per line, in test-file order, as `npm run evaluate` writes them. */
export function hypothesesText(result: CheckpointEvaluation): string {
  return result.sentences.map((s) => `${s.hyp}\n`).join('');
}

/** The file name of a checkpoint's hypotheses: `<source>.<checkpoint>.hyp`. */
export function hypothesesFileName(src: string, checkpoint: string): string {
  return `${src.replace(/[/\\]/g, '_')}.${checkpoint}.hyp`;
}
