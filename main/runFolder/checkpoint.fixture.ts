/**
 * Test fixtures for checkpoint code: configs, deterministic tensors and states.
 * Used by the unit tests and the crash-safety child process; not by the app.
 */
import { PRESETS } from '../../shared/types';
import type { ModelConfig, TrainConfig } from '../../shared/types';
import type { CheckpointStateInput } from './checkpointFormat';
import type { NamedTensor } from '../../shared/namedTensor';
import { sizeOf } from '../../shared/namedTensor';
import { seededRandom } from '../../shared/random';

export const TEST_MODEL: ModelConfig = {
  ...PRESETS.tiny.model,
  srcVocabSize: 100,
  tgtVocabSize: 100,
};
export const TEST_TRAIN: TrainConfig = { ...PRESETS.tiny.train };
export const TEST_TOKENIZER_JSON = '{"version":"1.0","model":{"type":"BPE","vocab":{"a":0}}}';

/** A seeded generator (mulberry32, shared/random.ts), so data can be regenerated for comparison. */
export { seededRandom as rng };

/** Tensors with the given shapes filled from `seed`, deterministic. */
export function fakeTensors(
  seed: number,
  shapes: Record<string, number[]>,
  prefix = '',
): NamedTensor[] {
  const next = seededRandom(seed);
  return Object.entries(shapes).map(([name, shape]) => {
    const data = new Float32Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
    return { name: `${prefix}${name}`, dtype: 'float32', shape, data };
  });
}

export const SMALL_SHAPES: Record<string, number[]> = {
  'encoder.layers.0.self_attn.w_q': [8, 8],
  'encoder.layers.0.self_attn.w_k': [8, 8],
  shared_embedding: [10, 8],
};

/** A full resumable checkpoint input for `step` with tokenizer hash `sha`. */
export function fakeCheckpoint(
  step: number,
  sha: string,
  shapes = SMALL_SHAPES,
  extra: Partial<CheckpointStateInput> = {},
): { weights: NamedTensor[]; optimizer: NamedTensor[]; state: CheckpointStateInput } {
  return {
    weights: fakeTensors(step, shapes),
    optimizer: [
      ...fakeTensors(step + 1_000_000, shapes, 'optimizer.m.'),
      ...fakeTensors(step + 2_000_000, shapes, 'optimizer.v.'),
    ],
    state: {
      step,
      position: {
        optimizerStep: step,
        scheduleStep: step,
        epoch: Math.floor(step / 50),
        batchInEpoch: step % 50,
        rngState: [step, 42, 7, 1],
      },
      model: TEST_MODEL,
      train: TEST_TRAIN,
      tokenizer: { datasetId: 'ds-1', sha256: sha },
      ...extra,
    },
  };
}
