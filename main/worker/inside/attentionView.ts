/**
 * View 2 (paper 3.2.3, "Applications of Attention in our Model"): the weights of all three
 * kinds of attention, every layer and head, on the sentence and the model's translation fed
 * back with teacher forcing, so decoder row i is the step that produced output token i.
 */
import * as tf from '@tensorflow/tfjs';
import type { InsideAttention } from '../../../shared/inside';
import type { Tokenizers } from '../../decoding/translate';
import { tidy } from '../../model/context';
import { paddingMask } from '../../model/masks';
import type { Transformer } from '../../model/transformer';
import { insideSentence, type InsideSentence, type TargetSearch } from './insideSource';

/** One sentence's batch of one: src [1, S], its padding mask [1, 1, 1, S], tgtIn [1, T]. */
export function sentenceTensors(sentence: InsideSentence): {
  src: tf.Tensor2D;
  srcMask: tf.Tensor4D;
  tgtIn: tf.Tensor2D;
} {
  return tidy(() => {
    const src = tf.tensor2d([sentence.source], undefined, 'int32'); // [1, S]
    return {
      src,
      srcMask: paddingMask(src), // [1, 1, 1, S]
      tgtIn: tf.tensor2d([sentence.tgtIn], undefined, 'int32'), // [1, T]
    };
  });
}

/** [1, heads, rows, cols] per layer -> [layer][head][row][col]. */
function perHead(layers: readonly tf.Tensor4D[]): number[][][][] {
  return layers.map((w) => (w.arraySync() as number[][][][])[0] ?? []);
}

/**
 * Attention weights of every layer and head of the encoder, the decoder's self-attention and
 * the encoder-decoder attention.
 */
export function attentionView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  search?: TargetSearch,
): InsideAttention {
  const sentence = insideSentence(model, tokenizers, text, search);
  const maps = tidy(() => {
    const { src, srcMask, tgtIn } = sentenceTensors(sentence);
    const { memory, attention } = model.encodeWithAttention(src, srcMask); // per layer [1, H, S, S]
    const decoded = model.decode(tgtIn, memory, srcMask, { returnAttention: true });
    return {
      encoder: perHead(attention),
      decoderSelf: perHead(decoded.attention?.self ?? []), // [1, H, T, T] per layer
      cross: perHead(decoded.attention?.cross ?? []), // [1, H, T, S] per layer
    };
  });
  const { source: _s, tgtIn: _i, target: _t, ...tokens } = sentence;
  return { ...tokens, ...maps };
}
