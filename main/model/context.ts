/**
 * What a forward pass needs besides its inputs: whether it trains, and where its dropout
 * masks come from (paper 5.4, Residual Dropout). Masks are drawn from a seeded generator in
 * JS and uploaded: reproducible across a resume, and several times faster on wasm than
 * tf.dropout, whose uniform noise comes from a slow per-element generator.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from './random';

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
