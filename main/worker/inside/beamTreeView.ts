/**
 * View 5 (paper 6.1: "beam search with a beam size of 4 and length penalty alpha = 0.6"):
 * the tree of hypotheses the real beam search built for the sentence, each candidate among a
 * step's 2B best marked kept, finished or dropped with its score, where each beam ended, the
 * search's n-best, and greedy decoding's path beside it.
 */
import type { BeamFate, BeamPath, BeamTreeNode, InsideBeamTree } from '../../../shared/inside';
import { beamSearch, lengthPenalty, type BeamHypothesis } from '../../decoding/beam';
import type { BeamEndReason, BeamTraceSink } from '../../decoding/beamTrace';
import { greedyDecode } from '../../decoding/greedy';
import type { Tokenizers } from '../../decoding/translate';
import type { Transformer } from '../../model/transformer';
import { EOS_ID } from '../../text/tokenizer';
import { sourceOf } from './insideSource';

/** A trace sink that keeps the tree of one sentence's search. */
class TreeRecorder implements BeamTraceSink {
  readonly nodes: (Omit<BeamTreeNode, 'token'> & { tokenId: number })[] = [];
  endReason: BeamEndReason = 'noLive';
  endStep = 0;

  constructor(private readonly alpha: number) {}

  candidate(
    _sentence: number,
    step: number,
    parent: number,
    token: number,
    tokenLogProb: number,
    logProb: number,
    fate: BeamFate,
  ): number {
    const id = this.nodes.length + 1;
    const score = logProb / lengthPenalty(step, this.alpha);
    this.nodes.push({ id, parent, step, tokenId: token, tokenLogProb, logProb, score, fate });
    return id;
  }

  cutOff(_sentence: number, node: number): void {
    const n = this.nodes[node - 1];
    if (n !== undefined) n.fate = 'cutOff';
  }

  end(_sentence: number, step: number, reason: BeamEndReason): void {
    this.endStep = step;
    this.endReason = reason;
  }

  /** The ids of the nodes spelling `ids` from the root, if the tree holds that path (not dropped ones). */
  pathOf(ids: readonly number[]): number[] | undefined {
    const path: number[] = [];
    let parent = 0;
    for (const token of ids) {
      const next = this.nodes.find(
        (n) => n.parent === parent && n.tokenId === token && n.fate !== 'dropped',
      );
      if (next === undefined) return undefined;
      path.push(next.id);
      parent = next.id;
    }
    return path;
  }
}

/** The beam tree of a sentence with width `beamSize` and length penalty `alpha`. */
export function beamTreeView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  beamSize: number,
  alpha: number,
): InsideBeamTree {
  const source = sourceOf(model, tokenizers, text);
  const recorder = new TreeRecorder(alpha);
  const [result] = beamSearch(model, [source], {
    beamSize,
    alpha,
    nbest: beamSize,
    trace: recorder,
  });
  const [greedy] = greedyDecode(model, [source]);
  const tokens = (ids: readonly number[]): string[] =>
    ids.map((id) => tokenizers.tgt.idToToken(id));
  const path = (h: Omit<BeamHypothesis, 'tokenLogProbs'>): BeamPath => {
    const out: BeamPath = {
      tokens: tokens(h.ids),
      logProb: h.logProb,
      score: h.score,
      finished: h.finished,
    };
    const nodeIds = recorder.pathOf(h.ids);
    if (nodeIds !== undefined) out.nodeIds = nodeIds;
    return out;
  };
  const greedyIds = greedy?.ids ?? [];
  const greedyLogProb = greedy?.logProb ?? 0;
  return {
    beamSize,
    alpha,
    nodes: recorder.nodes.map(({ tokenId, ...n }) => ({
      ...n,
      token: tokenizers.tgt.idToToken(tokenId),
    })),
    endReason: recorder.endReason,
    endStep: recorder.endStep,
    nbest: (result?.hypotheses ?? []).map(path),
    greedy: path({
      ids: greedyIds,
      logProb: greedyLogProb,
      score: greedyLogProb / lengthPenalty(greedyIds.length, alpha),
      finished: greedyIds[greedyIds.length - 1] === EOS_ID,
    }),
  };
}
