/**
 * The engine worker's side of the Inside calls: loads the checkpoint (kept warm, shared with
 * translation) and computes one view. Each view runs its tensor work inside tf.tidy and
 * answers plain arrays.
 */
import type { InsideCallName, InsideOutputs } from '../../../shared/inside';
import type { InsideJob } from '../../protocol/inside';
import type { Translator } from '../translator';
import { attentionView } from './attentionView';
import { beamTreeView } from './beamTreeView';
import { embeddingsView } from './embeddingsView';
import { kvCacheView } from './kvCacheView';
import { masksView } from './masksView';
import { softmaxView } from './softmaxView';
import { tokenProbsView } from './tokenProbsView';
import { trainingView } from './trainingView';

export type InsideWorkerHandlers = {
  [K in InsideCallName]: (job: InsideJob) => Promise<InsideOutputs[K]>;
};

/** One handler per Inside call, on the translator's warm model. */
export function insideWorkerHandlers(translator: Translator): InsideWorkerHandlers {
  const load = (job: InsideJob) => translator.load(job.runDir, job.checkpoint, job.tokenizerPath);
  return {
    async insideAttention(job) {
      const { model, tokenizers } = await load(job);
      return attentionView(model, tokenizers, job.text, job);
    },
    async insideEmbeddings(job) {
      const { model, tokenizers } = await load(job);
      return embeddingsView(model, tokenizers, job.text);
    },
    async insideMasks(job) {
      const { model, tokenizers } = await load(job);
      return masksView(model, tokenizers, job.text, job.layer, job.head, job);
    },
    async insideSoftmax(job) {
      const { model, tokenizers } = await load(job);
      return softmaxView(model, tokenizers, job.text, job.layer, job.head);
    },
    async insideTokenProbs(job) {
      const { model, tokenizers } = await load(job);
      return tokenProbsView(model, tokenizers, job.text, job.topK, job);
    },
    async insideBeamTree(job) {
      const { model, tokenizers } = await load(job);
      return beamTreeView(model, tokenizers, job.text, job.beamSize, job.alpha);
    },
    async insideKvCache(job) {
      const { model, tokenizers } = await load(job);
      return kvCacheView(model, tokenizers, job.text);
    },
    async insideTraining(job) {
      const { model, tokenizers } = await load(job);
      return trainingView(model, tokenizers, job.text, job.step, job.train, job);
    },
  };
}
