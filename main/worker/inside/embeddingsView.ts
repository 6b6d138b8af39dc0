/**
 * View 1 (paper 3.4 Embeddings and Softmax, 3.5 Positional Encoding): the positional
 * encoding table, how similar positions are (dot products), the sentence's token vectors
 * multiplied by sqrt(d_model), and their sum, which is what enters encoder layer 1 (dropout
 * is off outside training).
 */
import * as tf from '@tensorflow/tfjs';
import type { InsideEmbeddings } from '../../../shared/inside';
import { UNK_ID } from '../../../shared/specialTokens';
import type { Tokenizers } from '../../decoding/translate';
import { tidy } from '../../model/context';
import { sinusoidalEncoding } from '../../model/positional';
import type { Transformer } from '../../model/transformer';
import { sourceOf } from './insideSource';

/** Positions the table shows at least (the sentence's own when longer), within the model's. */
export const SHOWN_POSITIONS = 50;

/** The source token table: shared with the target and the projection when tied (paper 3.4). */
function sourceTable(model: Transformer): tf.Variable {
  return model.params.get(model.config.tieEmbeddings ? 'embedding.shared' : 'embedding.src');
}

/** The encoder's embeddings and positional encoding for a sentence. */
export function embeddingsView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
): InsideEmbeddings {
  const source = sourceOf(model, tokenizers, text);
  const { dModel, maxPositions, positionalEncoding: kind } = model.config;
  const positions = Math.min(maxPositions, Math.max(source.length, SHOWN_POSITIONS));
  const scale = Math.sqrt(dModel);
  const numbers = tidy(() => {
    const table =
      kind === 'learned'
        ? model.params.get('positional.src')
        : sinusoidalEncoding(maxPositions, dModel); // [maxPositions, d]
    const pe = tf.slice(table, [0, 0], [positions, dModel]) as tf.Tensor2D; // [P, d]
    const similarity = tf.matMul(pe, tf.transpose(pe)); // [P, P]
    const ids = tf.tensor1d(source, 'int32'); // [S]
    const tokens = tf.mul(tf.gather(sourceTable(model), ids), scale) as tf.Tensor2D; // [S, d]
    const sum = tf.add(tokens, tf.slice(pe, [0, 0], [source.length, dModel])); // [S, d]
    return {
      positional: pe.arraySync(),
      positionSimilarity: similarity.arraySync() as number[][],
      tokenEmbeddings: tokens.arraySync(),
      sum: sum.arraySync() as number[][],
    };
  });
  return {
    srcTokens: source.map((id) => tokenizers.src.idToToken(id)),
    srcUnk: source.map((id) => id === UNK_ID),
    kind,
    dModel,
    scale,
    ...numbers,
  };
}
