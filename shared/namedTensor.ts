/**
 * Plain-data tensors: what checkpoints store and what crosses the worker boundary.
 * No tfjs here, so the host, the run folder and tests can read weights without loading an engine.
 */

export type NamedDType = 'float32' | 'int32';

export interface NamedTensor {
  /** A name that says what it is, e.g. `encoder.layers.0.self_attn.w_q`, `optimizer.m.<weight>`. */
  name: string;
  dtype: NamedDType;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Number of elements a shape holds. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
