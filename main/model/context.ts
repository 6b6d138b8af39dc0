/**
 * Dropout (paper 5.4, Residual Dropout) and what a forward pass needs besides its inputs:
 * whether it trains, where its dropout masks come from, and the tf.tidy every pass runs in.
 * Masks are drawn from a seeded generator in JS and uploaded: reproducible across a resume,
 * and several times faster on wasm than tf.dropout, whose uniform noise comes from a slow
 * per-element generator.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/types';
import { hashSeed } from './random';

/**
 * Where dropout is applied and at which rate: the one place to change any of them. The
 * paper (5.4) names two sites, with P_drop = 0.1 for the base model; the third is the
 * Annotated Transformer's. Today all three take the config's single `dropout`.
 */
export interface DropoutRates {
  /** On the sum of the embeddings and the positional encodings (5.4). */
  embeddings: number;
  /** On each sublayer's output, before it is added to the sublayer's input (5.4). */
  residual: number;
  /** On the attention weights after the softmax (not in the paper). */
  attention: number;
}

/** The dropout rate of every site, from the model config. */
export function dropoutRates(config: ModelConfig): DropoutRates {
  return { embeddings: config.dropout, residual: config.dropout, attention: config.dropout };
}

/**
 * tf.tidy for functions that return tensors in a record or array (tf.tidy's own type takes
 * only a TensorContainer): every tensor made inside and not returned is disposed.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as () => tf.TensorContainer) as T;
}

export interface ForwardOptions {
  /** Training mode: dropout on. Default false. */
  training?: boolean;
  /** Seed of this pass's dropout masks (default: a random one). Same seed, same masks. */
  seed?: number;
}

/** Fills `out` with 0 (probability rate) or 1/(1-rate) from a mulberry32 stream (shared/random.ts, inlined: a hot loop). */
function fillDropoutMask(out: Float32Array, rate: number, seed: number): void {
  const keep = 1 / (1 - rate);
  const threshold = Math.floor(rate * 4294967296);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) >>> 0 < threshold ? 0 : keep;
  }
}

export class ForwardContext {
  readonly training: boolean;
  private readonly seed: number;
  private counter = 0;

  constructor(options: ForwardOptions = {}) {
    this.training = options.training ?? false;
    this.seed = options.seed ?? Math.floor(Math.random() * 4294967296);
  }

  /**
   * Inverted dropout: zero each element with probability `rate`, scale the rest by 1/(1-rate).
   * Identity outside training or when rate is 0.
   */
  dropout<T extends tf.Tensor>(x: T, rate: number): T {
    if (!this.training || rate <= 0) return x;
    const mask = new Float32Array(x.size);
    fillDropoutMask(mask, rate, hashSeed(this.seed, this.counter++));
    return tf.mul(x, tf.tensor(mask, x.shape, 'float32'));
  }
}
