/**
 * Initialisation of the parameters of paper 3.2-3.5, which the paper does not specify: the
 * one place to change how any parameter starts. Every draw is seeded by the parameter's
 * name (params.ts), so the same seed and config give the same weights.
 *
 * - Projections W_O (3.2.2) and the FFN's W_1, W_2 (3.3): Glorot/Xavier uniform, the
 *   Annotated Transformer's choice (`xavierUniformLimit`).
 * - W_Q, W_K, W_V (3.2.2): Glorot/Xavier uniform with the bound of one [d_model, 3 d_model]
 *   matrix, as PyTorch's nn.MultiheadAttention draws them (`attentionInputLimit`).
 * - Token embeddings, shared or not, and an untied pre-softmax projection (3.4):
 *   N(0, d_model^-0.5), as in tensor2tensor and fairseq (`embeddingStd`).
 * - Learned positional embeddings (3.5, the alternative to sinusoids): N(0, 0.02)
 *   (`LEARNED_POSITION_STD`).
 * - Biases: 0. LayerNorm: gain 1, bias 0 (layerNorm.ts).
 */

/**
 * Glorot/Xavier uniform: weights drawn from U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).
 * @param fanIn rows of the weight matrix
 * @param fanOut columns
 */
export function xavierUniformLimit(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Bound of W_Q, W_K and W_V: sqrt(6 / 4 d_model), the Xavier bound of the one
 * [d_model, 3 d_model] matrix they are the three slices of in PyTorch's
 * nn.MultiheadAttention (in_proj_weight; so in nn.Transformer, which
 * ../shared/reference/torch_multi30k_anchor.py trains), rather than sqrt(6 / 2 d_model) of
 * three separate [d_model, d_model] matrices. The larger bound (sqrt(2) more) makes the model
 * learn less per step: PyTorch's own model, given the separate bound, was 0.49 nats/token worse
 * in validation cross-entropy at step 320 (d_model 256, 3+3 layers, warm-up 300, peak lr
 * 2e-3 on Multi30k: 3.52 -> 4.00), and 0.20-0.27 worse at step 200 for d_model 128, 2+2
 * layers, most of it from W_V.
 */
export function attentionInputLimit(dModel: number): number {
  return xavierUniformLimit(dModel, 3 * dModel);
}

/**
 * Standard deviation of the embedding tables: d_model^-0.5. After the sqrt(d_model) scale of
 * 3.4 the embeddings have unit variance, and as the tied output projection they give logits
 * of unit scale.
 */
export function embeddingStd(dModel: number): number {
  return Math.pow(dModel, -0.5);
}

/** Standard deviation of learned positional embeddings. */
export const LEARNED_POSITION_STD = 0.02;
