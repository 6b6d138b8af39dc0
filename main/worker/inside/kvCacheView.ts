/**
 * View 8 (paper 3, "auto-regressive": each step consumes the symbols generated so far):
 * decoding the sentence greedily with the key/value cache (each step computes one new
 * position's keys and values) and without it (each step re-runs the decoder on the whole
 * prefix), the wall time of both, and how the cache grows.
 */
import type { InsideKvCache } from '../../../shared/inside';
import { greedyDecode } from '../../decoding/greedy';
import type { Tokenizers } from '../../decoding/translate';
import type { ModelConfig } from '../../../shared/types';
import type { Transformer } from '../../model/transformer';
import { sourceOf } from './insideSource';

/** float32 */
const BYTES_PER_NUMBER = 4;

/**
 * The cache of one hypothesis after `step` decoded positions: every decoder layer keeps keys
 * and values (2 x d_model numbers) per position for self-attention, and per source token for
 * cross-attention (computed once).
 */
export function cacheBytes(
  config: Pick<ModelConfig, 'decoderLayers' | 'dModel'>,
  step: number,
  srcLen: number,
): { selfBytes: number; crossBytes: number } {
  const perPosition = config.decoderLayers * 2 * config.dModel * BYTES_PER_NUMBER;
  return { selfBytes: perPosition * step, crossBytes: perPosition * srcLen };
}

/** Times greedy decoding of the sentence with and without the cache. */
export function kvCacheView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
): InsideKvCache {
  const source = sourceOf(model, tokenizers, text);
  const timed = (cache: boolean): { ids: number[]; ms: number } => {
    const started = performance.now();
    const [decoded] = greedyDecode(model, [source], { cache });
    return { ids: decoded?.ids ?? [], ms: performance.now() - started };
  };
  const cached = timed(true);
  const uncached = timed(false);
  return {
    srcLen: source.length,
    tokens: cached.ids.map((id) => tokenizers.tgt.idToToken(id)),
    cachedMs: cached.ms,
    uncachedMs: uncached.ms,
    sameOutput:
      cached.ids.length === uncached.ids.length &&
      cached.ids.every((id, i) => id === uncached.ids[i]),
    perStep: cached.ids.map((_, i) => ({
      step: i + 1,
      ...cacheBytes(model.config, i + 1, source.length),
    })),
  };
}
