/**
 * Test fixture: a small Transformer trained on the copy task (The Annotated Transformer's
 * smoke test): the target is the source. A few hundred steps of Adam on teacher-forced
 * cross-entropy make it decode the copy; decoding tests share one trained model.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/types';
import { createTransformer } from '../model/transformer';
import type { Transformer } from '../model/transformer';
import { paddingMask } from '../model/masks';
import { BOS_ID, BpeTokenizer, EOS_ID, SPECIAL_TOKENS } from '../text/tokenizer';
import { seededRandom } from '../../shared/random';

export { seededRandom };

/**
 * Vocabulary 37: 4 specials, the 16 symbols 4..19 the copy task uses, and 17 ids the
 * task never uses, so COPY_TOKENIZER can spell the symbols as words (see below).
 */
export const COPY_CONFIG: ModelConfig = {
  srcVocabSize: 37,
  tgtVocabSize: 37,
  dModel: 32,
  heads: 4,
  dFF: 64,
  encoderLayers: 1,
  decoderLayers: 2,
  dropout: 0,
  maxPositions: 40,
  positionalEncoding: 'sinusoidal',
  normPosition: 'pre',
  tieEmbeddings: true,
};

/** `count` random sequences of symbols 4..19 with lengths in [minLen, maxLen]. */
export function randomSequences(
  count: number,
  minLen: number,
  maxLen: number,
  random: () => number,
): number[][] {
  return Array.from({ length: count }, () => {
    const len = minLen + Math.floor(random() * (maxLen - minLen + 1));
    return Array.from({ length: len }, () => 4 + Math.floor(random() * 16));
  });
}

/**
 * Trains COPY_CONFIG on the copy task with teacher forcing: Adam at a constant 0.005,
 * batches of 32 sequences of 2..6 symbols. 400 steps take ~20 s of CPU on wasm.
 * @returns the model and the loss of the last step
 */
export function trainCopyModel(steps: number, seed = 1): { model: Transformer; loss: number } {
  const config = COPY_CONFIG;
  const batch = 32;
  const maxLen = 6;
  const model = createTransformer(config, seed);
  const random = seededRandom(seed);
  const optimizer = tf.train.adam(0.005, 0.9, 0.98, 1e-9);
  const projection = model.outputProjection();
  let loss = NaN;
  for (let step = 0; step < steps; step++) {
    const seqs = randomSequences(batch, 2, maxLen, random);
    const len = maxLen + 1;
    const src = new Int32Array(batch * len);
    const tgtIn = new Int32Array(batch * len);
    const tgtOut = new Int32Array(batch * len);
    seqs.forEach((s, b) => {
      src.set([...s, EOS_ID], b * len);
      tgtIn.set([BOS_ID, ...s], b * len);
      tgtOut.set([...s, EOS_ID], b * len);
    });
    const cost = tf.tidy(() => {
      const srcT = tf.tensor2d(src, [batch, len], 'int32');
      const inT = tf.tensor2d(tgtIn, [batch, len], 'int32');
      const outT = tf.tensor1d(tgtOut, 'int32');
      const weights = tf.cast(tf.notEqual(outT, 0), 'float32'); // [batch*T]
      const mask = paddingMask(srcT);
      return optimizer.minimize(() => {
        const hidden = model.forwardHidden(srcT, mask, inT, { training: true, seed: step }); // [batch*T, d]
        const logits = tf.matMul(hidden, projection, false, true); // [batch*T, V]
        return tf.losses.softmaxCrossEntropy(
          tf.oneHot(outT, config.tgtVocabSize),
          logits,
          weights,
        ) as tf.Scalar;
      }, true) as tf.Scalar;
    });
    if (step === steps - 1) loss = cost.dataSync()[0] as number;
    cost.dispose();
  }
  optimizer.dispose();
  return { model, loss };
}

const LETTERS = 'abcdefghijklmnop'.split('');

/**
 * A tokenizer for the copy model: the words "a".."p" are the symbols 4..19 ("▁a".."▁p",
 * merged from "▁" and a letter, ids 20..36), so "c d e" is [6, 7, 8].
 */
export const COPY_TOKENIZER = new BpeTokenizer({
  tokens: [...SPECIAL_TOKENS, ...LETTERS.map((l) => `▁${l}`), '▁', ...LETTERS],
  merges: LETTERS.map((l) => ['▁', l] as const),
  normalization: 'none',
});

/** The text of a symbol sequence: [6, 7, 8] is "c d e". */
export function copyText(symbols: readonly number[]): string {
  return symbols.map((id) => LETTERS[id - 4] ?? '?').join(' ');
}
