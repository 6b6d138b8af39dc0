/**
 * The order of the d_model dimensions in the studio and in Hugging Face's MarianMT.
 *
 * The studio's positional encoding is the paper's (3.5), interleaved: dimension 2i holds
 * sin(pos / 10000^(2i/d)) and 2i+1 the cosine of the same angle. Transformers'
 * MarianSinusoidalPositionalEmbedding recomputes its table (it is never stored) with every
 * sine first and every cosine second: dimension i < d/2 holds sin(pos / 10000^(2i/d)) and
 * d/2 + i the cosine of the same angle. Same frequencies, other places.
 *
 * Renumbering the residual stream's dimensions changes nothing a Marian layer computes: the
 * embeddings, positions, LayerNorm gains and biases, and every weight that reads from or
 * writes to the residual stream are renumbered alike; LayerNorm's mean and variance do not
 * depend on the order; the attention heads are split on the projections' *output* side,
 * which is not a residual axis and keeps its order. So the export renumbers instead of
 * refusing, and the model computes the same function (up to float rounding of sums taken
 * in another order).
 */

/**
 * Marian's dimension j holds the studio's dimension `order[j]`: j < d/2 -> 2j (the sines),
 * j >= d/2 -> 2(j - d/2) + 1 (the cosines).
 * @param dModel even width of the residual stream
 */
export function marianDimensionOrder(dModel: number): Int32Array {
  if (!Number.isInteger(dModel) || dModel <= 0 || dModel % 2 !== 0) {
    throw new RangeError(`d_model must be a positive even number, not ${dModel}.`);
  }
  const half = dModel / 2;
  const order = new Int32Array(dModel);
  for (let j = 0; j < dModel; j++) order[j] = j < half ? 2 * j : 2 * (j - half) + 1;
  return order;
}

/** The identity order of n dimensions (axes that are not the residual stream). */
export function identityOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
