/**
 * View 7: what training feeds the model and aims it at. The learning-rate schedule
 * (paper 5.3) with the checkpoint's place on it; the label-smoothed target (5.4,
 * epsilon_ls) next to the one-hot one for the first token of the translation, with the
 * model's own prediction; and teacher forcing: the decoder reads the target shifted right
 * by one behind `<s>` and learns to predict the target.
 */
import * as tf from '@tensorflow/tfjs';
import type { InsideTraining } from '../../../shared/inside';
import type { Tokenizers } from '../../decoding/translate';
import { tidy } from '../../model/context';
import type { Transformer } from '../../model/transformer';
import type { InsideJob } from '../../protocol/inside';
import { learningRate } from '../../training/schedule';
import { sentenceTensors } from './attentionView';
import { insideSentence, type TargetSearch } from './insideSource';

/** Points of the lr curve. */
export const LR_POINTS = 200;
/** Rows of the smoothing table: the target and the model's most probable others. */
const SMOOTHING_ROWS = 6;

/**
 * The step schedule sampled evenly from 1 to maxSteps, or to twice the warm-up when the run
 * is shorter (so the curve always shows the decay after the peak); always with the peak.
 */
export function lrCurve(dModel: number, train: InsideJob['train']): { step: number; lr: number }[] {
  const end = Math.max(train.maxSteps, 2 * train.warmupSteps);
  const steps = new Set<number>([1, train.warmupSteps, train.maxSteps, end]);
  for (let i = 0; i < LR_POINTS; i++) {
    steps.add(Math.max(1, Math.round(((i + 1) * end) / LR_POINTS)));
  }
  return [...steps]
    .filter((s) => s <= end)
    .sort((a, b) => a - b)
    .map((step) => ({ step, lr: learningRate(step, dModel, train.warmupSteps, train.lrFactor) }));
}

/** The training signals of a checkpoint on the sentence. */
export function trainingView(
  model: Transformer,
  tokenizers: Tokenizers,
  text: string,
  step: number,
  train: InsideJob['train'],
  search?: TargetSearch,
): InsideTraining {
  const { dModel, tgtVocabSize: vocab } = model.config;
  const sentence = insideSentence(model, tokenizers, text, search);
  const target = sentence.target[0] ?? 0;
  const epsilon = train.labelSmoothing;
  // The loss's smoothing (main/training/loss.ts): q = (1 - eps) * one-hot + eps / V.
  const otherProb = epsilon / vocab;
  const targetProb = 1 - epsilon + otherProb;
  const predicted = tidy(() => {
    const { src, srcMask, tgtIn } = sentenceTensors(sentence);
    const { logits } = model.decode(tgtIn, model.encode(src, srcMask), srcMask); // [1, T, V]
    const first = tf.softmax(tf.reshape(tf.slice(logits, [0, 0, 0], [1, 1, -1]), [-1])); // [V]
    return Array.from(first.dataSync());
  });
  const others = predicted
    .map((p, id) => ({ p, id }))
    .filter((x) => x.id !== target)
    .sort((a, b) => b.p - a.p)
    .slice(0, SMOOTHING_ROWS - 1);
  const rows = [{ p: predicted[target] ?? 0, id: target }, ...others].map(({ p, id }) => ({
    token: tokenizers.tgt.idToToken(id),
    oneHot: id === target ? 1 : 0,
    smoothed: id === target ? targetProb : otherProb,
    model: p,
  }));
  return {
    lr: {
      points: lrCurve(dModel, train),
      current: { step, lr: learningRate(step, dModel, train.warmupSteps, train.lrFactor) },
      warmupSteps: train.warmupSteps,
      maxSteps: train.maxSteps,
      budget: train.minutes > 0,
    },
    smoothing: {
      epsilon,
      vocab,
      token: tokenizers.tgt.idToToken(target),
      targetProb,
      otherProb,
      rows,
    },
    teacherForcing: { decoderInput: sentence.tgtInTokens, target: sentence.outTokens },
  };
}
