/**
 * Decoding speed of the engine, as functions: decode.ts prints a table of them, and
 * compare.ts's engine child (compareEngine.ts) measures the reference model with them next to
 * PyTorch. Runs where a backend is already chosen (it uses tfjs).
 * The sources, beam settings and margin are in benchData.ts, shared with the PyTorch peer.
 */
import { beamSearch } from '../../main/decoding/beam';
import { greedyDecode } from '../../main/decoding/greedy';
import type { Transformer } from '../../main/model/transformer';
import { DECODE_BEAM, DECODE_MARGIN } from './benchData';

export type Search = 'greedy' | 'beam 4';
export const SEARCHES: readonly Search[] = ['greedy', 'beam 4'];

/** Runs one search over a batch of sources; returns the produced lengths. */
export function runSearch(
  model: Transformer,
  search: Search,
  cache: boolean,
  src: readonly (readonly number[])[],
): number[] {
  if (search === 'greedy') {
    return greedyDecode(model, src, { cache, margin: DECODE_MARGIN }).map((s) => s.ids.length);
  }
  return beamSearch(model, src, { cache, ...DECODE_BEAM, margin: DECODE_MARGIN }).map(
    (r) => r.hypotheses[0]?.ids.length ?? 0,
  );
}

export interface DecodeMeasurement {
  msPerSentence: number;
  /** CPU time of the process (all threads) per sentence. */
  cpuMsPerSentence: number;
  sentences: number;
  /** Mean tokens of the produced (best) hypotheses: the same on both sides means the same work. */
  meanTargetTokens: number;
}

/**
 * ms per sentence: the sources one by one (batched false), or all in one batch. One warm-up
 * sentence first (kernels, shapes).
 */
export function timeDecoding(
  model: Transformer,
  search: Search,
  cache: boolean,
  src: readonly (readonly number[])[],
  batched: boolean,
): DecodeMeasurement {
  runSearch(model, search, cache, src.slice(0, 1));
  const t = performance.now();
  const c0 = process.cpuUsage();
  const lengths = batched
    ? runSearch(model, search, cache, src)
    : src.flatMap((s) => runSearch(model, search, cache, [s]));
  const ms = performance.now() - t;
  const c1 = process.cpuUsage(c0);
  return {
    msPerSentence: ms / src.length,
    cpuMsPerSentence: (c1.user + c1.system) / 1000 / src.length,
    sentences: src.length,
    meanTargetTokens: lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length),
  };
}
