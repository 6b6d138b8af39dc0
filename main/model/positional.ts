/**
 * Positional encoding (paper 3.5): PE(pos, 2i) = sin(pos / 10000^(2i/d_model)),
 * PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)); or learned position embeddings, which the
 * paper found to give nearly identical results (Table 3, row E).
 */
import * as tf from '@tensorflow/tfjs';
import type { PositionalEncodingKind } from '../../shared/types';
import { AppError, ErrorCode } from '../../shared/errors';
import { LEARNED_POSITION_STD } from './initialisation';
import type { ParameterStore } from './params';

/**
 * The sinusoidal table.
 * @param maxPositions rows
 * @param dModel columns (even)
 * @returns [maxPositions, dModel]
 */
export function sinusoidalEncoding(maxPositions: number, dModel: number): tf.Tensor2D {
  const pe = new Float32Array(maxPositions * dModel);
  for (let pos = 0; pos < maxPositions; pos++) {
    for (let i = 0; 2 * i < dModel; i++) {
      const angle = pos / Math.pow(10000, (2 * i) / dModel);
      pe[pos * dModel + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < dModel) pe[pos * dModel + 2 * i + 1] = Math.cos(angle);
    }
  }
  return tf.tensor2d(pe, [maxPositions, dModel]);
}

export class PositionalEncoding {
  private readonly table: tf.Tensor2D; // [maxPositions, d_model]

  /**
   * @param name parameter name when learned, e.g. `positional.src`
   */
  constructor(
    params: ParameterStore,
    readonly kind: PositionalEncodingKind,
    name: string,
    readonly maxPositions: number,
    readonly dModel: number,
  ) {
    this.table =
      kind === 'learned'
        ? (params.normal(
            name,
            [maxPositions, dModel],
            LEARNED_POSITION_STD,
          ) as tf.Tensor as tf.Tensor2D)
        : params.constant(sinusoidalEncoding(maxPositions, dModel));
  }

  /**
   * Encodings of positions offset .. offset+length-1.
   * @returns [length, d_model]
   */
  slice(offset: number, length: number): tf.Tensor2D {
    if (offset + length > this.maxPositions) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `A sequence of ${offset + length} positions is longer than the model's maximum of ${this.maxPositions}; shorten the input or train with a larger maxPositions.`,
      );
    }
    return tf.slice(this.table, [offset, 0], [length, this.dModel]);
  }
}
