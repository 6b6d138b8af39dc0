/**
 * config.json of a Hugging Face MarianMT folder (MarianConfig) from a studio ModelConfig,
 * and back, refusing with a sentence what one side cannot express rather than changing the
 * model's function.
 *
 * Special tokens: the studio numbers <pad> 0, <s> 1, </s> 2, <unk> 3 and starts decoding
 * from <s>; Marian's convention is to start from the pad id. The export says what the
 * studio does (decoder_start_token_id = 1, <s>), which Transformers honours both in
 * generate() and in shift_tokens_right() when it trains; the folder's README says so.
 */
import { modelConfigIssues } from '../../../shared/config';
import { AppError, ErrorCode } from '../../../shared/errors';
import { BOS_ID, EOS_ID, PAD_ID } from '../../../shared/specialTokens';
import type { ModelConfig } from '../../../shared/types';

/** The fields of MarianConfig the export writes (and the import reads). */
export interface MarianConfigJson {
  model_type: 'marian';
  architectures: string[];
  vocab_size: number;
  decoder_vocab_size: number;
  d_model: number;
  encoder_layers: number;
  decoder_layers: number;
  encoder_attention_heads: number;
  decoder_attention_heads: number;
  encoder_ffn_dim: number;
  decoder_ffn_dim: number;
  activation_function: 'relu';
  max_position_embeddings: number;
  scale_embedding: true;
  share_encoder_decoder_embeddings: true;
  tie_word_embeddings: true;
  static_position_embeddings: true;
  normalize_embedding: false;
  dropout: number;
  attention_dropout: number;
  activation_dropout: number;
  encoder_layerdrop: number;
  decoder_layerdrop: number;
  init_std: number;
  pad_token_id: number;
  bos_token_id: number;
  eos_token_id: number;
  decoder_start_token_id: number;
  is_encoder_decoder: true;
  use_cache: true;
  torch_dtype: 'float32';
}

/** Why a studio model has no Marian equivalent, or undefined when it has one. */
export function marianExportRefusal(model: ModelConfig): string | undefined {
  if (model.normPosition !== 'post') {
    return 'it is a pre-LN model, and MarianMT is post-LN with no final LayerNorm after each stack (Transformers would compute a different function)';
  }
  if (model.positionalEncoding !== 'sinusoidal') {
    return 'it uses learned positions, and MarianMT always recomputes sinusoidal ones when it loads (it stores no position table)';
  }
  if (!model.tieEmbeddings || model.srcVocabSize !== model.tgtVocabSize) {
    return 'its embeddings are untied, and MarianMT ties one matrix to both embeddings and the output projection';
  }
  return undefined;
}

/**
 * config.json for `model`. Throws InvalidArgument with the reason when the model cannot be
 * expressed (marianExportRefusal).
 */
export function toMarianConfig(model: ModelConfig): MarianConfigJson {
  const refusal = marianExportRefusal(model);
  if (refusal !== undefined) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `This checkpoint cannot be exported for Hugging Face: ${refusal}.`,
    );
  }
  return {
    model_type: 'marian',
    architectures: ['MarianMTModel'],
    vocab_size: model.srcVocabSize,
    decoder_vocab_size: model.tgtVocabSize,
    d_model: model.dModel,
    encoder_layers: model.encoderLayers,
    decoder_layers: model.decoderLayers,
    encoder_attention_heads: model.heads,
    decoder_attention_heads: model.heads,
    encoder_ffn_dim: model.dFF,
    decoder_ffn_dim: model.dFF,
    activation_function: 'relu',
    max_position_embeddings: model.maxPositions,
    scale_embedding: true,
    share_encoder_decoder_embeddings: true,
    tie_word_embeddings: true,
    static_position_embeddings: true,
    normalize_embedding: false,
    // The studio drops out embeddings, sublayer outputs and attention weights at one rate
    // (main/model/context.ts), and nothing inside the feed-forward network.
    dropout: model.dropout,
    attention_dropout: model.dropout,
    activation_dropout: 0,
    encoder_layerdrop: 0,
    decoder_layerdrop: 0,
    init_std: 0.02,
    pad_token_id: PAD_ID,
    bos_token_id: BOS_ID,
    eos_token_id: EOS_ID,
    decoder_start_token_id: BOS_ID,
    is_encoder_decoder: true,
    use_cache: true,
    torch_dtype: 'float32',
  };
}

/**
 * generation_config.json. Generation settings live here, not in config.json: recent
 * Transformers moves (or refuses) non-default generation settings it finds in config.json
 * when a model is saved. MarianConfig's own forced_eos_token_id default (0) would force
 * <pad> here, so this file names </s>.
 */
export function toMarianGenerationConfig(model: ModelConfig): Record<string, unknown> {
  return {
    decoder_start_token_id: BOS_ID,
    bos_token_id: BOS_ID,
    eos_token_id: EOS_ID,
    forced_eos_token_id: EOS_ID,
    pad_token_id: PAD_ID,
    // The studio's targets never contain <pad> or <s>; generate() should not choose them.
    bad_words_ids: [[PAD_ID], [BOS_ID]],
    max_length: model.maxPositions,
    num_beams: 1,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The studio ModelConfig of a MarianMT config.json, refusing (CheckpointInvalid, naming
 * `label` and the feature) everything the studio's model does not compute exactly: another
 * model_type, an activation other than ReLU, normalize_before / pre-LN, an embedding or
 * final LayerNorm, unscaled embeddings, learned positions, separate vocabularies or untied
 * embeddings, different encoder and decoder widths or heads, and special-token ids other
 * than the studio's (<pad> 0, <s> 1, </s> 2, decoding from <s>; vocabularyOrder.ts
 * renumbers a folder's tokens to these first).
 */
export function fromMarianConfig(json: unknown, label: string): ModelConfig {
  const refuse = (what: string): AppError =>
    new AppError(ErrorCode.CheckpointInvalid, `${label} cannot be imported: ${what}.`, {
      file: label,
    });
  if (!isObject(json)) throw refuse('config.json is not a JSON object');
  const c = json;
  if (c.model_type !== 'marian') {
    throw refuse(
      `config.json has model_type ${JSON.stringify(c.model_type)}; only "marian" (MarianMTModel) is supported`,
    );
  }
  const whole = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw refuse(`config.json's ${key} is ${JSON.stringify(c[key])}, not a whole number`);
    }
    return v;
  };
  const activation = c.activation_function ?? 'gelu';
  if (activation !== 'relu') {
    throw refuse(
      `its activation_function is ${JSON.stringify(activation)}; the studio's feed-forward network uses ReLU only`,
    );
  }
  const unsupported: [string, unknown, string][] = [
    ['normalize_before', true, 'pre-LN layers (normalize_before)'],
    ['add_final_layer_norm', true, 'a final LayerNorm after each stack (add_final_layer_norm)'],
    ['normalize_embedding', true, 'a LayerNorm on the embeddings (normalize_embedding)'],
    ['layernorm_embedding', true, 'a LayerNorm on the embeddings (layernorm_embedding)'],
    ['scale_embedding', false, 'unscaled embeddings (scale_embedding false)'],
    ['static_position_embeddings', false, 'learned positions (static_position_embeddings false)'],
    [
      'share_encoder_decoder_embeddings',
      false,
      'separate source and target vocabularies (share_encoder_decoder_embeddings false)',
    ],
    [
      'tie_word_embeddings',
      false,
      'an output projection untied from the embeddings (tie_word_embeddings false)',
    ],
  ];
  for (const [key, bad, what] of unsupported) {
    if (c[key] === bad) throw refuse(`it uses ${what}, which the studio's model does not have`);
  }
  // MarianConfig's defaults: scale_embedding false, share_encoder_decoder_embeddings true.
  if (c.scale_embedding === undefined) {
    throw refuse(
      'config.json does not set scale_embedding, and Marian then leaves the embeddings unscaled, which the studio does not do',
    );
  }
  const vocab = whole('vocab_size');
  const decoderVocab = c.decoder_vocab_size === null ? vocab : whole('decoder_vocab_size', vocab);
  if (decoderVocab !== vocab) {
    throw refuse(
      `its decoder_vocab_size ${decoderVocab} differs from vocab_size ${vocab} (separate vocabularies); the studio needs one shared vocabulary`,
    );
  }
  const heads = whole('encoder_attention_heads');
  if (whole('decoder_attention_heads') !== heads) {
    throw refuse(
      'its encoder and decoder have different numbers of attention heads; the studio uses one',
    );
  }
  const dFF = whole('encoder_ffn_dim');
  if (whole('decoder_ffn_dim') !== dFF) {
    throw refuse('its encoder and decoder have different feed-forward widths; the studio uses one');
  }
  const ids: [string, number][] = [
    ['pad_token_id', PAD_ID],
    ['eos_token_id', EOS_ID],
    ['decoder_start_token_id', BOS_ID],
  ];
  for (const [key, ours] of ids) {
    if (c[key] !== ours) {
      throw refuse(
        `its ${key} is ${JSON.stringify(c[key])} but the studio's is ${ours} (<pad> 0, <s> 1, </s> 2, <unk> 3, decoding starts from <s>)`,
      );
    }
  }
  const model: ModelConfig = {
    srcVocabSize: vocab,
    tgtVocabSize: vocab,
    dModel: whole('d_model'),
    heads,
    dFF,
    encoderLayers: whole('encoder_layers'),
    decoderLayers: whole('decoder_layers'),
    dropout: typeof c.dropout === 'number' ? c.dropout : 0.1,
    maxPositions: whole('max_position_embeddings'),
    positionalEncoding: 'sinusoidal',
    normPosition: 'post',
    tieEmbeddings: true,
  };
  const issues = modelConfigIssues(model);
  if (issues.length > 0) {
    throw refuse(`the studio cannot build this model (${issues.map((i) => i.message).join(' ')})`);
  }
  return model;
}
