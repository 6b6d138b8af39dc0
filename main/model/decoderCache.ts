/**
 * The key/value cache of auto-regressive decoding (paper 3: the decoder consumes the symbols
 * generated so far to generate the next). Each step adds one position's keys and values per
 * decoder layer instead of recomputing every earlier position; the causal mask (3.2.3) is
 * what makes this exact, since no earlier position ever attends to a later one.
 */
import * as tf from '@tensorflow/tfjs';
import type { KeysValues } from './attention';

/**
 * The state of incremental decoding for a batch of hypotheses: the cross-attention keys and
 * values of the encoder memory (computed once) and each decoder layer's self-attention keys
 * and values, which grow by one position per step. Owns its tensors: call dispose().
 */
export class DecoderCache {
  /** Positions decoded so far (the next token gets position `length`). */
  length = 0;

  /** @internal use Transformer.startDecoding */
  constructor(
    public srcMask: tf.Tensor4D, // [batch, 1, 1, S]
    public cross: KeysValues[], // per layer: kT [batch, heads, d_k, S], v [batch, heads, S, d_k]
    public self: (KeysValues | null)[], // per layer: kT [batch, heads, d_k, t], v [batch, heads, t, d_k]
    /** The pre-softmax projection transposed once, [d_model, vocab]. */
    public projectionT: tf.Tensor2D,
  ) {}

  get batchSize(): number {
    return this.srcMask.shape[0];
  }

  private all(): tf.Tensor[] {
    const out: tf.Tensor[] = [this.srcMask];
    for (const kv of [...this.cross, ...this.self]) if (kv !== null) out.push(kv.kT, kv.v);
    return out;
  }

  /**
   * Keeps (and reorders, or repeats) rows of the batch: row i of the new cache is row
   * indices[i] of the old one. Beam search calls it after choosing which hypotheses survive;
   * repeating rows (e.g. [0,0,0,0,1,1,1,1]) expands a batch into beams.
   * @param indices [newBatch] int32 row numbers
   */
  select(indices: readonly number[] | tf.Tensor1D): void {
    const idx = Array.isArray(indices)
      ? tf.tensor1d(indices as number[], 'int32')
      : (indices as tf.Tensor1D);
    const pick = <T extends tf.Tensor>(t: T): T => tf.keep(tf.gather(t, idx, 0));
    const old = this.all();
    this.srcMask = pick(this.srcMask);
    this.cross = this.cross.map((kv) => ({ kT: pick(kv.kT), v: pick(kv.v) }));
    this.self = this.self.map((kv) => (kv === null ? null : { kT: pick(kv.kT), v: pick(kv.v) }));
    for (const t of old) t.dispose();
    if (idx !== indices) idx.dispose();
  }

  dispose(): void {
    for (const t of this.all()) t.dispose();
    this.projectionT.dispose();
    this.self = this.self.map(() => null);
    this.cross = [];
  }
}
