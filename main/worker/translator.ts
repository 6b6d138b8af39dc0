/**
 * Translation inside the engine worker: loads a checkpoint's weights into a model (kept
 * warm for the next request), then runs the search of main/decoding. Also scores BLEU and
 * chrF on a validation sample for the training loop.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { Translation } from '../../shared/types';
import { translate, translateMany, type TranslationResult } from '../decoding/translate';
import { corpusBleu } from '../eval/bleu';
import { corpusChrf } from '../eval/chrf';
import { createTransformer, type Transformer } from '../model/transformer';
import { readCheckpoint } from '../runFolder/checkpointStore';
import type { TranslateJob, TranslateManyJob } from '../protocol/engine';
import { loadTokenizers, type Tokenizers } from './datasetFiles';
import type { BleuEvaluator } from './evaluator';

export interface Loaded {
  key: string;
  model: Transformer;
  tokenizers: Tokenizers;
}

export class Translator {
  private loaded: Loaded | undefined;

  /** Translates with the checkpoint the request names (an id: the host resolves best/last). */
  async translate(job: TranslateJob): Promise<Translation> {
    const checkpoint = job.checkpoint;
    if (checkpoint === undefined) {
      throw new AppError(ErrorCode.InvalidArgument, 'A translate request must name a checkpoint.');
    }
    const started = performance.now();
    const { model, tokenizers } = await this.load(job.runDir, checkpoint, job.tokenizerPath);
    // The job's settings are complete: the host filled in the defaults where the request arrived.
    const result = translate(model, tokenizers, job.text, job);
    return { ...result, checkpoint, ms: performance.now() - started };
  }

  /** Many sentences with one checkpoint, batched by length, returned in input order. */
  async translateMany(
    job: TranslateManyJob,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ translations: TranslationResult[]; truncated: number }> {
    const { model, tokenizers } = await this.load(job.runDir, job.checkpoint, job.tokenizerPath);
    return translateMany(model, tokenizers, job.texts, {
      ...job,
      ...(onProgress ? { onProgress } : {}),
    });
  }

  /** BLEU and chrF of greedy translations of a fixed validation sample (sacreBLEU defaults). */
  bleuEvaluator(): BleuEvaluator {
    return async (model, tokenizers, sample) => {
      const { translations } = await translateMany(model, tokenizers, sample.src, {
        mode: 'greedy',
      });
      const hypotheses = translations.map((t) => t.hypotheses[0]?.text ?? '');
      return {
        bleu: corpusBleu(hypotheses, [sample.ref]).score,
        chrf: corpusChrf(hypotheses, [sample.ref]).score,
      };
    };
  }

  /** The checkpoint's model and tokenizers, kept warm for the next request (the Inside views use it too). */
  async load(runDir: string, id: string, tokenizerPath: string): Promise<Loaded> {
    const ckpt = await readCheckpoint(runDir, id, { optimizer: false });
    // createdAt tells a rewritten checkpoint (same id, e.g. after a resume) from the cached one.
    const key = `${runDir}\n${id}\n${ckpt.state.createdAt}`;
    if (this.loaded?.key === key) return this.loaded;
    const tokenizers = await loadTokenizers(tokenizerPath, ckpt.state.tokenizer.datasetId);
    if (tokenizers.ref.sha256 !== ckpt.state.tokenizer.sha256) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `Checkpoint ${id} was trained with a different tokenizer than ${tokenizerPath}; its translations would be meaningless.`,
      );
    }
    const model = createTransformer(ckpt.state.model, 0);
    try {
      model.loadWeights(ckpt.weights);
    } catch (err) {
      model.dispose();
      throw err;
    }
    this.loaded?.model.dispose();
    this.loaded = { key, model, tokenizers };
    return this.loaded;
  }

  dispose(): void {
    this.loaded?.model.dispose();
    this.loaded = undefined;
  }
}
