/**
 * View 3 (paper 3.2.3): the padding mask keeps attention off `<pad>` in a batch whose
 * sentences differ in length; the causal mask keeps decoder position i from seeing later
 * positions. Both are added to the scaled scores before the softmax (MASKED_SCORE where
 * masked), so a masked weight comes out exactly 0.
 */
import * as tf from '@tensorflow/tfjs';
import type { InsideMasks } from '../../../shared/inside';
import { EOS_ID, PAD_ID } from '../../../shared/specialTokens';
import type { Tokenizers } from '../../decoding/translate';
import { tidy } from '../../model/context';
import { causalMask, MASKED_SCORE, paddingMask } from '../../model/masks';
import type { Transformer } from '../../model/transformer';
import { insideSentence, type TargetSearch } from './insideSource';
import { checkLayerHead, decoderRawScores, encoderRawScores } from './layerScores';

/**
 * The second sentence of the batch: the first half of the sentence's tokens and `</s>`,
 * padded to the sentence's length, so the padding mask has something to hide.
 */
export function shorterSource(source: readonly number[]): number[] {
  const words = source.slice(0, -1);
  const kept = words.slice(0, Math.max(1, Math.floor(words.length / 2)));
  const shorter = [...kept, EOS_ID];
  return [
    ...shorter,
    ...new Array<number>(Math.max(0, source.length - shorter.length)).fill(PAD_ID),
  ];
}

/** 1 where an additive mask masks, 0 where it keeps. */
function isMasked(mask: tf.Tensor): number[][] {
  return tf.cast(tf.less(mask, 0), 'float32').arraySync() as number[][];
}

/** The masks of a batch built from the sentence, and one head's scores before and after them. */
export function masksView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  layer: number,
  head: number,
  search?: TargetSearch,
): InsideMasks {
  const { encoderLayers, decoderLayers, heads, dModel } = model.config;
  checkLayerHead(Math.max(encoderLayers, decoderLayers), heads, layer, head, 'deeper stack');
  // One layer number for both stacks; the shallower shows its last layer past its depth.
  const encoderLayer = Math.min(layer, encoderLayers - 1);
  const decoderLayer = Math.min(layer, decoderLayers - 1);
  const sentence = insideSentence(model, tokenizers, text, search);
  const batch = [sentence.source, shorterSource(sentence.source)];
  const scale = 1 / Math.sqrt(dModel / heads);
  const numbers = tidy(() => {
    const src = tf.tensor2d(batch, undefined, 'int32'); // [2, S]
    const srcMask = paddingMask(src); // [2, 1, 1, S]
    const encScores = tf.mul(encoderRawScores(model, src, srcMask, encoderLayer), scale); // [2, H, S, S]
    const encBefore = tf.squeeze(tf.slice(encScores, [1, head, 0, 0], [1, 1, -1, -1]), [0, 1]); // [S, S]
    const encAfter = tf.add(
      encBefore,
      tf.reshape(tf.slice(srcMask, [1, 0, 0, 0], [1, 1, 1, -1]), [1, -1]),
    ); // [S, S]
    const one = tf.slice(src, [0, 0], [1, -1]) as tf.Tensor2D; // [1, S]
    const tgtIn = tf.tensor2d([sentence.tgtIn], undefined, 'int32'); // [1, T]
    const raw = decoderRawScores(model, one, paddingMask(one), tgtIn, decoderLayer); // [1, H, T, T]
    const decBefore = tf.squeeze(
      tf.mul(tf.slice(raw, [0, head, 0, 0], [1, 1, -1, -1]), scale),
      [0, 1],
    ); // [T, T]
    const causal = tf.squeeze(causalMask(sentence.tgtIn.length), [0, 1]); // [T, T]
    return {
      paddingMask: isMasked(tf.reshape(srcMask, [2, -1])),
      encoderScores: {
        before: encBefore.arraySync() as number[][],
        after: encAfter.arraySync() as number[][],
      },
      causalMask: isMasked(causal),
      decoderScores: {
        before: decBefore.arraySync() as number[][],
        after: tf.add(decBefore, causal).arraySync() as number[][],
      },
    };
  });
  return {
    encoderLayer,
    decoderLayer,
    head,
    maskedScore: MASKED_SCORE,
    batchTokens: batch.map((ids) => ids.map((id) => tokenizers.src.idToToken(id))),
    tgtInTokens: sentence.tgtInTokens,
    ...numbers,
  };
}
