/**
 * A model ready to translate, built from plain data (config, named weights, tokenizer
 * JSON): what a checkpoint on disk holds, and what an engine message can carry. The CLI
 * uses it in-process for now; the engine worker can call the same function.
 */
import type { ModelConfig } from '../../shared/types';
import { AppError, ErrorCode } from '../../shared/errors';
import { createTransformer } from '../model/transformer';
import type { Transformer } from '../model/transformer';
import { BpeTokenizer } from '../text/tokenizer';
import type { NamedTensor } from '../training/namedTensors';
import { translate, translateMany } from './translate';
import type {
  Tokenizers,
  TranslateManyOptions,
  TranslateManyResult,
  TranslateOptions,
  TranslationResult,
} from './translate';

export interface DecoderInput {
  /** The checkpoint's model config (state.json). */
  model: ModelConfig;
  /** The checkpoint's weights (model.safetensors). */
  weights: readonly NamedTensor[];
  /** tokenizer.json text of the source side (the shared one when the vocabulary is shared). */
  srcTokenizerJson: string;
  /** tokenizer.json text of the target side; default: the source one. */
  tgtTokenizerJson?: string;
}

/** A loaded model with its tokenizers. Owns the model's tensors: call dispose(). */
export interface LoadedDecoder {
  readonly model: Transformer;
  readonly tokenizers: Tokenizers;
  translate(text: string, options?: TranslateOptions): TranslationResult;
  translateMany(
    texts: readonly string[],
    options?: TranslateManyOptions,
  ): Promise<TranslateManyResult>;
  dispose(): void;
}

/**
 * Builds the model, loads the weights and the tokenizers.
 * @throws AppError(CheckpointInvalid) when the weights or vocabulary sizes do not fit the config
 */
export function loadForDecoding(input: DecoderInput): LoadedDecoder {
  const src = BpeTokenizer.fromJSON(input.srcTokenizerJson);
  const tgt =
    input.tgtTokenizerJson === undefined ? src : BpeTokenizer.fromJSON(input.tgtTokenizerJson);
  for (const [side, tok, size] of [
    ['source', src, input.model.srcVocabSize],
    ['target', tgt, input.model.tgtVocabSize],
  ] as const) {
    if (tok.vocabSize !== size) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `The ${side} tokenizer has ${tok.vocabSize} tokens but the model was trained with ${size}; it is not the tokenizer of this checkpoint.`,
      );
    }
  }
  const model = createTransformer(input.model);
  try {
    model.loadWeights(input.weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const tokenizers: Tokenizers = { src, tgt };
  return {
    model,
    tokenizers,
    translate: (text, options) => translate(model, tokenizers, text, options),
    translateMany: (texts, options) => translateMany(model, tokenizers, texts, options),
    dispose: () => model.dispose(),
  };
}
