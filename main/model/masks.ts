/**
 * Masks (paper 3.2.3): a padding mask keeps attention off `<pad>` positions (encoder
 * self-attention and encoder-decoder attention); a causal mask keeps each decoder position
 * from seeing later ones. Masks are additive: 0 where allowed, a large negative number where
 * masked, added to the scores before the softmax so masked weights come out exactly 0.
 */
import * as tf from '@tensorflow/tfjs';
import { PAD_ID } from '../../shared/specialTokens';

/** Added to masked scores: exp() of it underflows to exactly 0 in float32. */
export const MASKED_SCORE = -1e9;

/**
 * Padding mask of a batch of id sequences.
 * @param ids [batch, len] int32
 * @param padId default 0
 * @returns [batch, 1, 1, len]: 0 for tokens, MASKED_SCORE for padding; broadcasts over heads and queries
 */
export function paddingMask(ids: tf.Tensor2D, padId = PAD_ID): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, len] = ids.shape;
    const isPad = tf.cast(tf.equal(ids, padId), 'float32'); // [batch, len]
    return tf.reshape(tf.mul(isPad, MASKED_SCORE), [batch, 1, 1, len]) as tf.Tensor4D;
  });
}

/**
 * Causal ("subsequent") mask: query i may attend to keys 0..i only.
 * @param len sequence length
 * @returns [1, 1, len, len]: 0 on and below the diagonal, MASKED_SCORE above
 */
export function causalMask(len: number): tf.Tensor4D {
  const m = new Float32Array(len * len);
  for (let i = 0; i < len; i++) for (let j = i + 1; j < len; j++) m[i * len + j] = MASKED_SCORE;
  return tf.tensor4d(m, [1, 1, len, len]);
}
