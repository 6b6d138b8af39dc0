/**
 * Scores one checkpoint the way training scores its own (evaluator.ts): validation loss over
 * the run's whole validation split and BLEU of greedy translations of the same evenly spaced
 * sample, so an average made after training can be compared with the checkpoints it averages.
 * (The average at the end of a time-budget run is scored by finalAverage.ts, in the loop.)
 *
 * The checkpoint goes into a Trainer of its own, never the one training: this call is served
 * between training steps like translate, and its awaits let steps run in between, so the
 * training run's weights must not be touched.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { ScoreCheckpointJob } from '../protocol/engine';
import { readCheckpoint } from '../runFolder/checkpointStore';
import { Trainer } from '../training/trainer';
import type { CheckpointScores } from './checkpointPolicy';
import { loadTokenizers, readSplit, tokenize, type SplitLines } from './datasetFiles';
import { bleuSample, Evaluator, type BleuEvaluator } from './evaluator';

/** The validation split of the run's dataset, with one sentence when it cannot be read. */
async function readValidation(datasetDir: string): Promise<SplitLines> {
  let valid: SplitLines;
  try {
    valid = await readSplit(datasetDir, 'valid');
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      ErrorCode.NotFound,
      `The validation split of ${datasetDir} cannot be read (${(err as Error).message}); the run's dataset may have been deleted.`,
    );
  }
  if (valid.src.length === 0) {
    throw new AppError(
      ErrorCode.CorpusEmpty,
      `The dataset at ${datasetDir} has no validation pairs to score a checkpoint on.`,
    );
  }
  return valid;
}

/**
 * Validation loss (and BLEU when `evaluateBleu` is given and the run's BLEU sample is not
 * empty) of checkpoint `job.checkpoint`, computed as the run's training evaluator does.
 */
export async function scoreCheckpoint(
  job: ScoreCheckpointJob,
  evaluateBleu: BleuEvaluator | undefined,
): Promise<CheckpointScores> {
  const ckpt = await readCheckpoint(job.runDir, job.checkpoint, { optimizer: false });
  const tokenizers = await loadTokenizers(job.tokenizerPath, ckpt.state.tokenizer.datasetId);
  if (tokenizers.ref.sha256 !== ckpt.state.tokenizer.sha256) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `Checkpoint ${job.checkpoint} was trained with a different tokenizer than ${job.tokenizerPath}; its scores would be meaningless.`,
    );
  }
  const valid = await readValidation(job.datasetDir);
  const validPairs = tokenize(valid, tokenizers);
  const bleuPairs = bleuSample(valid, job.train.bleuSamples);
  // The validation pairs stand in for training pairs: this trainer never takes a step.
  const trainer = new Trainer(ckpt.state.model, job.train, validPairs);
  try {
    trainer.model.loadWeights(ckpt.weights);
    const evaluator = new Evaluator(trainer, {
      train: job.train,
      validPairs,
      bleuPairs,
      bleuWholeSet: bleuPairs.src.length >= valid.src.length,
      tokenizers,
      evaluateBleu,
    });
    return await evaluator.score();
  } finally {
    trainer.dispose();
  }
}
