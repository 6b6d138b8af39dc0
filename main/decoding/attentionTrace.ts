/**
 * Attention weights of decoded hypotheses for the playground's views (decoder
 * self-attention and encoder-decoder attention, paper 3.2.3, every layer and head). Each
 * step yields one query row per hypothesis; a hypothesis collects its rows and they are
 * assembled into square maps at the end.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttentionMaps } from '../../shared/types';
import type { DecoderAttention } from '../model/transformer';

/** One step's weights of one hypothesis: [layer][head] -> weights over the keys. */
export interface RowAttention {
  /** [layer][head][t + 1]: over the target positions so far */
  self: Float32Array[][];
  /** [layer][head][srcLen]: over the source tokens (padding cut off) */
  cross: Float32Array[][];
}

/** One step's weights of every row, read back from the backend. */
export interface StepAttention {
  rows: number;
  heads: number;
  selfKeys: number;
  crossKeys: number;
  /** Per layer, [rows, heads, 1, t + 1] flattened */
  self: Float32Array[];
  /** Per layer, [rows, heads, 1, S] flattened */
  cross: Float32Array[];
}

/** Reads a step's attention tensors into plain arrays and disposes them. */
export function readStepAttention(attention: DecoderAttention): StepAttention {
  const first = attention.self[0];
  const firstCross = attention.cross[0];
  if (first === undefined || firstCross === undefined) {
    throw new Error('A decoder step returned no attention weights.');
  }
  const [rows, heads, , selfKeys] = first.shape;
  const crossKeys = firstCross.shape[3];
  const out: StepAttention = {
    rows,
    heads,
    selfKeys,
    crossKeys,
    self: attention.self.map((w) => w.dataSync() as Float32Array),
    cross: attention.cross.map((w) => w.dataSync() as Float32Array),
  };
  tf.dispose([...attention.self, ...attention.cross]);
  return out;
}

/** Disposes a step's attention tensors without reading them. */
export function disposeAttention(attention: DecoderAttention | undefined): void {
  if (attention !== undefined) tf.dispose([...attention.self, ...attention.cross]);
}

/**
 * The weights of one row (views into the step's arrays, no copy).
 * @param srcLen the row's own source length: cross weights over padding (all 0) are cut off
 */
export function rowAttention(step: StepAttention, row: number, srcLen: number): RowAttention {
  const pick = (layers: Float32Array[], keys: number, keep: number): Float32Array[][] =>
    layers.map((w) =>
      Array.from({ length: step.heads }, (_, h) => {
        const at = (row * step.heads + h) * keys;
        return w.subarray(at, at + keep);
      }),
    );
  return {
    self: pick(step.self, step.selfKeys, step.selfKeys),
    cross: pick(step.cross, step.crossKeys, Math.min(srcLen, step.crossKeys)),
  };
}

/**
 * Square maps from a hypothesis' rows, one per produced token (row i is the step that
 * produced token i, its query at decoder position i). Self-attention rows are padded with
 * zeros above the diagonal: [layer][head][tgt][tgt] and [layer][head][tgt][src].
 */
export function assembleAttention(rows: readonly RowAttention[]): AttentionMaps {
  const tgt = rows.length;
  const firstRow = rows[0];
  if (firstRow === undefined) return { self: [], cross: [] };
  const layers = firstRow.self.length;
  const heads = firstRow.self[0]?.length ?? 0;
  const self: number[][][][] = [];
  const cross: number[][][][] = [];
  for (let l = 0; l < layers; l++) {
    const selfL: number[][][] = [];
    const crossL: number[][][] = [];
    for (let h = 0; h < heads; h++) {
      selfL.push(
        rows.map((r) => {
          const line = new Array<number>(tgt).fill(0);
          const w = r.self[l]?.[h] ?? new Float32Array(0);
          for (let j = 0; j < w.length && j < tgt; j++) line[j] = w[j] as number;
          return line;
        }),
      );
      crossL.push(rows.map((r) => Array.from(r.cross[l]?.[h] ?? [])));
    }
    self.push(selfL);
    cross.push(crossL);
  }
  return { self, cross };
}
