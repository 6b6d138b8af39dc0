/** The model FLOPs of a training step, the common measure of both sides' MFU in compare.ts. */
import type { Batch } from '../../main/training/batching';
import type { ModelConfig } from '../../shared/types';

/**
 * Model FLOPs of one training step: 3 x the forward pass's matrix-product FLOPs (backward
 * costs twice the forward), over the padded batch shapes both sides compute, with the
 * vocabulary projection over target tokens only (both sides project only those). The same
 * count for engine and peer, so MFU compares their speed on the same work.
 */
export function trainingFlops(
  m: ModelConfig,
  b: Pick<Batch, 'size' | 'srcLen' | 'tgtLen' | 'tokens'>,
): number {
  const d = m.dModel;
  const f = m.dFF;
  const { size: B, srcLen: S, tgtLen: T } = b;
  // Encoder layer: Q,K,V,O (8 d^2) and FFN (4 d d_ff) per token; scores and weights x V (4 S d) per token.
  const enc = m.encoderLayers * (B * S * (8 * d * d + 4 * d * f) + 4 * B * S * S * d);
  // Decoder layer: self Q,K,V,O + cross Q,O (12 d^2) + FFN per target token; cross K,V (4 d^2)
  // per source token; self-attention 4 T d and cross-attention 4 S d per target token.
  const dec =
    m.decoderLayers *
    (B * T * (12 * d * d + 4 * d * f) + B * S * 4 * d * d + 4 * B * T * T * d + 4 * B * T * S * d);
  const projection = 2 * b.tokens * d * m.tgtVocabSize;
  return 3 * (enc + dec + projection);
}
