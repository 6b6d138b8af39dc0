/**
 * The step-0 checkpoint of an imported model: its weights, and what a fresh trainer would
 * hold before its first step (Adam moments zero, Adam step 0, data order at the start of
 * epoch 0), so that resuming the run fine-tunes the imported weights on the run's dataset.
 *
 * The layout of `position.extra.trainer` is the trainer's (main/training/trainer.ts
 * TrainerState, written by main/worker/checkpointPolicy.ts); it is restated here as plain
 * data because the run folder does not load the engine. A resume restores from it exactly
 * as from a checkpoint the engine wrote, and marianModels.test.ts trains from one.
 */
import type { NamedTensor } from '../../../shared/namedTensor';
import type { ModelConfig, TrainConfig } from '../../../shared/types';
import type { TokenizerRef } from '../checkpointFormat';
import type { CheckpointInput } from '../checkpointStore';

/** The trainer state format version this writes (TrainerState.version). */
const TRAINER_STATE_VERSION = 1;

/**
 * A resumable checkpoint `0` holding `weights` and a trainer that has not stepped yet.
 * Dropout masks of the fine-tune are seeded from the run's seed.
 */
export function startingCheckpoint(
  runId: string,
  weights: readonly NamedTensor[],
  model: ModelConfig,
  train: TrainConfig,
  tokenizer: TokenizerRef,
): CheckpointInput {
  const zeros = (kind: 'm' | 'v'): NamedTensor[] =>
    weights.map((t) => ({
      name: `optimizer.${kind}.${t.name}`,
      dtype: 'float32',
      shape: [...t.shape],
      data: new Float32Array(t.data.length),
    }));
  const optimizer: NamedTensor[] = [
    ...zeros('m'),
    ...zeros('v'),
    { name: 'optimizer.step', dtype: 'int32', shape: [1], data: Int32Array.of(0) },
  ];
  const data = { epoch: 0, index: 0, seed: train.seed };
  const dropoutSeed = train.seed >>> 0;
  return {
    id: '0',
    runId,
    weights,
    optimizer,
    state: {
      step: 0,
      position: {
        optimizerStep: 0,
        scheduleStep: 0,
        epoch: 0,
        batchInEpoch: 0,
        rngState: [data.seed, dropoutSeed],
        extra: {
          trainer: { version: TRAINER_STATE_VERSION, step: 0, data, dropoutSeed, model, train },
        },
      },
      model,
      train,
      tokenizer,
    },
  };
}
