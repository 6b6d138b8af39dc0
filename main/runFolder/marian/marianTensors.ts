/**
 * The studio's weights as Hugging Face MarianMT's (modeling_marian.py) and back: names,
 * torch's [out, in] layout of nn.Linear, and the residual-stream dimension order of
 * dimensionOrder.ts. Pure: plain typed arrays, no tfjs, no fs.
 *
 * Marian's model.safetensors holds `model.shared.weight` [V, d] (the encoder's and decoder's
 * embed_tokens and lm_head are tied to it), `final_logits_bias` [1, V], and per layer the
 * q/k/v/out projections, fc1, fc2 and their LayerNorms. It has no positional table (it is
 * recomputed on load), no final or embedding LayerNorm and no untied output projection,
 * which is why marianConfig.ts refuses pre-LN, learned positions and untied embeddings.
 */
import { AppError, ErrorCode } from '../../../shared/errors';
import type { NamedTensor } from '../../../shared/namedTensor';
import { sizeOf } from '../../../shared/namedTensor';
import type { ModelConfig } from '../../../shared/types';
import { identityOrder, marianDimensionOrder } from './dimensionOrder';

/** Marian's name of the shared embedding (tied to both embed_tokens and lm_head). */
export const MARIAN_SHARED = 'model.shared.weight';
/** Marian's bias added to the logits (MarianMTModel.final_logits_bias). */
export const MARIAN_LOGITS_BIAS = 'final_logits_bias';
/** The studio's name of its tied embedding. */
export const STUDIO_SHARED = 'embedding.shared';

/** Names Transformers may also store for the tied embedding; each must equal model.shared. */
export const MARIAN_TIED_ALIASES = [
  'model.encoder.embed_tokens.weight',
  'model.decoder.embed_tokens.weight',
  'lm_head.weight',
] as const;

/** What one axis of a tensor indexes: the residual stream (renumbered) or anything else. */
type Axis = 'model' | 'other';

/**
 * One weight in both namings. `linear` weights are [in, out] in the studio and [out, in] in
 * Marian; `vector` and `embedding` keep their layout and only renumber the residual axis.
 */
interface TensorPair {
  studio: string;
  marian: string;
  kind: 'linear' | 'vector' | 'embedding';
  /** linear: [input axis, output axis]; vector: [its axis]; embedding: [vocab, d_model]. */
  axes: Axis[];
  /** Marian's shape. */
  shape: number[];
}

function attentionPairs(studio: string, marian: string, d: number): TensorPair[] {
  const pairs: TensorPair[] = [];
  for (const [s, m] of [
    ['q', 'q_proj'],
    ['k', 'k_proj'],
    ['v', 'v_proj'],
  ] as const) {
    // Reads the residual stream; writes the heads (their order must stay: the head split).
    pairs.push({
      studio: `${studio}.w_${s}`,
      marian: `${marian}.${m}.weight`,
      kind: 'linear',
      axes: ['model', 'other'],
      shape: [d, d],
    });
    pairs.push({
      studio: `${studio}.b_${s}`,
      marian: `${marian}.${m}.bias`,
      kind: 'vector',
      axes: ['other'],
      shape: [d],
    });
  }
  // Reads the concatenated heads; writes the residual stream.
  pairs.push({
    studio: `${studio}.w_o`,
    marian: `${marian}.out_proj.weight`,
    kind: 'linear',
    axes: ['other', 'model'],
    shape: [d, d],
  });
  pairs.push({
    studio: `${studio}.b_o`,
    marian: `${marian}.out_proj.bias`,
    kind: 'vector',
    axes: ['model'],
    shape: [d],
  });
  return pairs;
}

function normPairs(studio: string, marian: string, d: number): TensorPair[] {
  return [
    {
      studio: `${studio}.gamma`,
      marian: `${marian}.weight`,
      kind: 'vector',
      axes: ['model'],
      shape: [d],
    },
    {
      studio: `${studio}.beta`,
      marian: `${marian}.bias`,
      kind: 'vector',
      axes: ['model'],
      shape: [d],
    },
  ];
}

function ffnPairs(studio: string, marian: string, d: number, ff: number): TensorPair[] {
  return [
    {
      studio: `${studio}.w_1`,
      marian: `${marian}.fc1.weight`,
      kind: 'linear',
      axes: ['model', 'other'],
      shape: [ff, d],
    },
    {
      studio: `${studio}.b_1`,
      marian: `${marian}.fc1.bias`,
      kind: 'vector',
      axes: ['other'],
      shape: [ff],
    },
    {
      studio: `${studio}.w_2`,
      marian: `${marian}.fc2.weight`,
      kind: 'linear',
      axes: ['other', 'model'],
      shape: [d, ff],
    },
    {
      studio: `${studio}.b_2`,
      marian: `${marian}.fc2.bias`,
      kind: 'vector',
      axes: ['model'],
      shape: [d],
    },
  ];
}

/**
 * Every weight of a post-LN, tied, sinusoidal studio model with its Marian counterpart,
 * the shared embedding first (final_logits_bias has no studio counterpart).
 */
function tensorPairs(model: ModelConfig): TensorPair[] {
  const d = model.dModel;
  const ff = model.dFF;
  const pairs: TensorPair[] = [
    {
      studio: STUDIO_SHARED,
      marian: MARIAN_SHARED,
      kind: 'embedding',
      axes: ['other', 'model'],
      shape: [model.srcVocabSize, d],
    },
  ];
  for (let i = 0; i < model.encoderLayers; i++) {
    const s = `encoder.layers.${i}`;
    const m = `model.encoder.layers.${i}`;
    pairs.push(...attentionPairs(`${s}.self_attn`, `${m}.self_attn`, d));
    pairs.push(...normPairs(`${s}.norm_1`, `${m}.self_attn_layer_norm`, d));
    pairs.push(...ffnPairs(`${s}.ffn`, m, d, ff));
    pairs.push(...normPairs(`${s}.norm_2`, `${m}.final_layer_norm`, d));
  }
  for (let i = 0; i < model.decoderLayers; i++) {
    const s = `decoder.layers.${i}`;
    const m = `model.decoder.layers.${i}`;
    pairs.push(...attentionPairs(`${s}.self_attn`, `${m}.self_attn`, d));
    pairs.push(...normPairs(`${s}.norm_1`, `${m}.self_attn_layer_norm`, d));
    pairs.push(...attentionPairs(`${s}.cross_attn`, `${m}.encoder_attn`, d));
    pairs.push(...normPairs(`${s}.norm_2`, `${m}.encoder_attn_layer_norm`, d));
    pairs.push(...ffnPairs(`${s}.ffn`, m, d, ff));
    pairs.push(...normPairs(`${s}.norm_3`, `${m}.final_layer_norm`, d));
  }
  return pairs;
}

/** Marian's name, shape and dtype of every tensor an export writes, in file order. */
export function marianTensorSpecs(
  model: ModelConfig,
): { name: string; shape: number[]; dtype: 'float32' }[] {
  return [
    ...tensorPairs(model).map((p) => ({
      name: p.marian,
      shape: p.shape,
      dtype: 'float32' as const,
    })),
    { name: MARIAN_LOGITS_BIAS, shape: [1, model.tgtVocabSize], dtype: 'float32' },
  ];
}

function orders(pair: TensorPair, d: number, marianShape: readonly number[]): Int32Array[] {
  const model = marianDimensionOrder(d);
  // Axis sizes in the studio's layout: a linear weight's [in, out] is Marian's reversed.
  const sizes = pair.kind === 'linear' ? [marianShape[1]!, marianShape[0]!] : [...marianShape];
  return pair.axes.map((a, i) => (a === 'model' ? model : identityOrder(sizes[i]!)));
}

/** studio [rows, cols] (rows = in for linear) -> Marian; Marian[j] reads studio[order[j]]. */
function studioToMarian(pair: TensorPair, data: Float32Array, d: number): Float32Array {
  const out = new Float32Array(data.length);
  const [o0, o1] = orders(pair, d, pair.shape);
  if (pair.kind === 'vector') {
    for (let j = 0; j < out.length; j++) out[j] = data[o0![j]!]!;
    return out;
  }
  if (pair.kind === 'embedding') {
    const [rows, cols] = pair.shape as [number, number];
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < cols; j++) out[r * cols + j] = data[o0![r]! * cols + o1![j]!]!;
    return out;
  }
  // linear: studio W[in][out] (y = x W); Marian weight[out][in] (y = x weight^T).
  const [outs, ins] = pair.shape as [number, number];
  for (let o = 0; o < outs; o++)
    for (let i = 0; i < ins; i++) out[o * ins + i] = data[o0![i]! * outs + o1![o]!]!;
  return out;
}

/** The inverse of studioToMarian. */
function marianToStudio(pair: TensorPair, data: Float32Array, d: number): Float32Array {
  const out = new Float32Array(data.length);
  const [o0, o1] = orders(pair, d, pair.shape);
  if (pair.kind === 'vector') {
    for (let j = 0; j < out.length; j++) out[o0![j]!] = data[j]!;
    return out;
  }
  if (pair.kind === 'embedding') {
    const [rows, cols] = pair.shape as [number, number];
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < cols; j++) out[o0![r]! * cols + o1![j]!] = data[r * cols + j]!;
    return out;
  }
  const [outs, ins] = pair.shape as [number, number];
  for (let o = 0; o < outs; o++)
    for (let i = 0; i < ins; i++) out[o0![i]! * outs + o1![o]!] = data[o * ins + i]!;
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The studio's weights of `model` as Marian's tensors (marianTensorSpecs order), with
 * final_logits_bias zeros: the studio's model has no output bias.
 * Throws Internal when a weight is missing or misshapen (a checkpoint that does not match
 * its own config has already been refused by the checkpoint reader).
 */
export function toMarianTensors(
  weights: readonly NamedTensor[],
  model: ModelConfig,
): NamedTensor[] {
  const byName = new Map(weights.map((t) => [t.name, t]));
  const out: NamedTensor[] = tensorPairs(model).map((pair) => {
    const t = byName.get(pair.studio);
    const studioShape = pair.kind === 'linear' ? [pair.shape[1]!, pair.shape[0]!] : pair.shape;
    if (t === undefined || t.dtype !== 'float32' || !sameShape(t.shape, studioShape)) {
      throw new AppError(
        ErrorCode.Internal,
        `The checkpoint has no float32 weight ${pair.studio} of shape [${studioShape.join(', ')}], which its config needs.`,
      );
    }
    return {
      name: pair.marian,
      dtype: 'float32',
      shape: [...pair.shape],
      data: studioToMarian(pair, t.data as Float32Array, model.dModel),
    };
  });
  out.push({
    name: MARIAN_LOGITS_BIAS,
    dtype: 'float32',
    shape: [1, model.tgtVocabSize],
    data: new Float32Array(model.tgtVocabSize),
  });
  return out;
}

/**
 * Marian's tensors as the studio's weights of `model` (whose config came from the same
 * folder's config.json). Every tensor the studio's model needs must be there with Marian's
 * shape; tied aliases must equal model.shared.weight; final_logits_bias must be zero (the
 * studio's model has no output bias, so a non-zero one is refused rather than dropped).
 * Tensors that Transformers recomputes (embed_positions) are checked by the caller.
 * Throws CheckpointInvalid naming `label` and the tensor.
 */
export function fromMarianTensors(
  tensors: readonly NamedTensor[],
  model: ModelConfig,
  label: string,
): NamedTensor[] {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const refuse = (what: string): AppError =>
    new AppError(ErrorCode.CheckpointInvalid, `${label} cannot be imported: ${what}.`, {
      file: label,
    });
  const pairs = tensorPairs(model);
  const out = pairs.map((pair) => {
    const t = byName.get(pair.marian);
    if (t === undefined)
      throw refuse(`it has no tensor ${pair.marian}, which its config.json needs`);
    if (t.dtype !== 'float32') throw refuse(`tensor ${pair.marian} is ${t.dtype}, not float32`);
    if (!sameShape(t.shape, pair.shape)) {
      throw refuse(
        `tensor ${pair.marian} has shape [${t.shape.join(', ')}] but config.json implies [${pair.shape.join(', ')}]`,
      );
    }
    const studioShape = pair.kind === 'linear' ? [pair.shape[1]!, pair.shape[0]!] : [...pair.shape];
    return {
      name: pair.studio,
      dtype: 'float32' as const,
      shape: studioShape,
      data: marianToStudio(pair, t.data as Float32Array, model.dModel),
    };
  });
  const shared = byName.get(MARIAN_SHARED)!;
  for (const alias of MARIAN_TIED_ALIASES) {
    const t = byName.get(alias);
    if (t === undefined) continue;
    const equal =
      sameShape(t.shape, shared.shape) && t.data.every((x, i) => Object.is(x, shared.data[i]));
    if (!equal) {
      throw refuse(
        `${alias} differs from ${MARIAN_SHARED}; the studio's model ties one embedding matrix to both embeddings and the output projection, so untied weights cannot be loaded`,
      );
    }
  }
  const bias = byName.get(MARIAN_LOGITS_BIAS);
  if (bias !== undefined) {
    if (sizeOf(bias.shape) !== model.tgtVocabSize) {
      throw refuse(
        `${MARIAN_LOGITS_BIAS} has shape [${bias.shape.join(', ')}] but the vocabulary has ${model.tgtVocabSize} tokens`,
      );
    }
    if (bias.data.some((x) => x !== 0)) {
      throw refuse(
        `its ${MARIAN_LOGITS_BIAS} is not zero, and the studio's model has no bias on the output logits; it would translate differently, so it is not loaded`,
      );
    }
  }
  return out;
}
