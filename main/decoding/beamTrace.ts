/**
 * What beam search tells an observer while it runs (the Inside screen's beam tree): every
 * candidate among a step's 2B best extensions and what became of it, the hypotheses the
 * maximum length cut off, and why each sentence's search stopped. The search itself is
 * unchanged by it: the tree's n-best is the search's n-best.
 */

/** What became of a candidate: kept live, ended with `</s>`, or dropped from the beam. */
export type CandidateFate = 'kept' | 'finished' | 'dropped';

/** Why a sentence's search stopped. */
export type BeamEndReason = 'noLive' | 'maxLength' | 'bound';

/** Receives a beam search's decisions. Node ids are the sink's; 0 is the root `<s>`. */
export interface BeamTraceSink {
  /**
   * A candidate of sentence `sentence` at output step `step` (1 = first token).
   * @param parent id of the hypothesis it extends (0: `<s>`)
   * @param logProb log P of the extended prefix
   * @returns the new node's id
   */
  candidate(
    sentence: number,
    step: number,
    parent: number,
    token: number,
    tokenLogProb: number,
    logProb: number,
    fate: CandidateFate,
  ): number;
  /** A live hypothesis the maximum length ended without `</s>`. */
  cutOff(sentence: number, node: number): void;
  /** The search of a sentence stopped after `step`. */
  end(sentence: number, step: number, reason: BeamEndReason): void;
}
