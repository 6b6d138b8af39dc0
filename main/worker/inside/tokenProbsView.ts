/**
 * View 6 (paper 3.4, the softmax over the output vocabulary): at each output step of the
 * model's translation the k most probable next tokens and the probability of the one taken,
 * with `<unk>` flagged in the input (a word the tokenizer could not spell).
 */
import * as tf from '@tensorflow/tfjs';
import type { InsideTokenProbs } from '../../../shared/inside';
import type { Tokenizers } from '../../decoding/translate';
import { tidy } from '../../model/context';
import type { Transformer } from '../../model/transformer';
import { sentenceTensors } from './attentionView';
import { insideSentence, type TargetSearch } from './insideSource';

/** The top-k distribution of every decoder position, teacher-forced on the translation. */
export function tokenProbsView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  topK: number,
  search?: TargetSearch,
): InsideTokenProbs {
  const sentence = insideSentence(model, tokenizers, text, search);
  const k = Math.min(topK, model.config.tgtVocabSize);
  const { values, indices, chosen } = tidy(() => {
    const { src, srcMask, tgtIn } = sentenceTensors(sentence);
    const memory = model.encode(src, srcMask); // [1, S, d]
    const { logits } = model.decode(tgtIn, memory, srcMask); // [1, T, V]
    const probs = tf.squeeze(tf.softmax(logits), [0]) as tf.Tensor2D; // [T, V]
    const top = tf.topk(probs, k); // [T, k]
    const rows = sentence.target.map((id, t) => t * model.config.tgtVocabSize + id);
    const taken = tf.gather(tf.reshape(probs, [-1]), tf.tensor1d(rows, 'int32')); // [T]
    return {
      values: top.values.arraySync() as number[][],
      indices: top.indices.arraySync() as number[][],
      chosen: Array.from(taken.dataSync()),
    };
  });
  return {
    srcTokens: sentence.srcTokens,
    srcUnk: sentence.srcUnk,
    steps: sentence.target.map((id, t) => ({
      chosen: tokenizers.tgt.idToToken(id),
      chosenProb: chosen[t] ?? 0,
      top: (indices[t] ?? []).map((tok, j) => ({
        token: tokenizers.tgt.idToToken(tok),
        prob: values[t]?.[j] ?? 0,
      })),
    })),
  };
}
