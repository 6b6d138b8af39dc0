import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../shared/errors';
import { fixtureModel } from './marian.fixture';
import { fromMarianConfig, toMarianConfig, toMarianGenerationConfig } from './marianConfig';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal');
}

describe('config.json', () => {
  const model = fixtureModel(60, {
    dModel: 32,
    heads: 4,
    dFF: 64,
    encoderLayers: 3,
    decoderLayers: 2,
  });

  it("holds every field the issue lists, with the studio's special tokens", () => {
    const c = toMarianConfig(model);
    expect(c).toMatchObject({
      model_type: 'marian',
      vocab_size: 60,
      decoder_vocab_size: 60,
      d_model: 32,
      encoder_layers: 3,
      decoder_layers: 2,
      encoder_attention_heads: 4,
      decoder_attention_heads: 4,
      encoder_ffn_dim: 64,
      decoder_ffn_dim: 64,
      activation_function: 'relu',
      max_position_embeddings: 32,
      scale_embedding: true,
      share_encoder_decoder_embeddings: true,
      dropout: 0.1,
      attention_dropout: 0.1,
      activation_dropout: 0,
      pad_token_id: 0,
      eos_token_id: 2,
      decoder_start_token_id: 1,
      is_encoder_decoder: true,
    });
  });

  it('keeps generation settings in generation_config.json, forcing </s> rather than Marian default 0 (<pad>)', () => {
    const c = toMarianConfig(model) as unknown as Record<string, unknown>;
    for (const key of ['forced_eos_token_id', 'bad_words_ids', 'num_beams', 'max_length']) {
      expect(c).not.toHaveProperty(key);
    }
    expect(toMarianGenerationConfig(model)).toEqual({
      decoder_start_token_id: 1,
      bos_token_id: 1,
      eos_token_id: 2,
      forced_eos_token_id: 2,
      pad_token_id: 0,
      bad_words_ids: [[0], [1]],
      max_length: 32,
      num_beams: 1,
    });
  });

  it('comes back as the same studio config', () => {
    expect(fromMarianConfig(JSON.parse(JSON.stringify(toMarianConfig(model))), 'F')).toEqual(model);
  });

  it('refuses to export what Marian cannot express, saying why', () => {
    expect(refusal(() => toMarianConfig({ ...model, normPosition: 'pre' })).message).toMatch(
      /cannot be exported for Hugging Face: it is a pre-LN model/,
    );
    expect(
      refusal(() => toMarianConfig({ ...model, positionalEncoding: 'learned' })).message,
    ).toMatch(/learned positions/);
    expect(refusal(() => toMarianConfig({ ...model, tieEmbeddings: false })).message).toMatch(
      /untied/,
    );
  });

  it('refuses to import features the studio lacks, naming them', () => {
    const good = toMarianConfig(model) as unknown as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { activation_function: 'swish' },
        /activation_function is "swish"; the studio's feed-forward network uses ReLU only/,
      ],
      [
        { decoder_vocab_size: 70 },
        /decoder_vocab_size 70 differs from vocab_size 60 \(separate vocabularies\)/,
      ],
      [{ share_encoder_decoder_embeddings: false }, /separate source and target vocabularies/],
      [{ normalize_before: true }, /pre-LN layers \(normalize_before\)/],
      [{ normalize_embedding: true }, /a LayerNorm on the embeddings/],
      [{ scale_embedding: false }, /unscaled embeddings/],
      [{ model_type: 'bart' }, /model_type "bart"; only "marian"/],
      [{ decoder_start_token_id: 0 }, /decoder_start_token_id is 0 but the studio's is 1/],
      [{ decoder_ffn_dim: 128 }, /different feed-forward widths/],
      [{ d_model: 30 }, /not divisible by heads/],
      [{ d_model: 'wide' }, /d_model is "wide", not a whole number/],
    ];
    for (const [change, message] of cases) {
      const err = refusal(() => fromMarianConfig({ ...good, ...change }, 'F'));
      expect(err.code).toBe(ErrorCode.CheckpointInvalid);
      expect(err.message).toMatch(/^F cannot be imported: /);
      expect(err.message).toMatch(message);
    }
  });
});
