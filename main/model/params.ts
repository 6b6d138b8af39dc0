/**
 * The parameters of paper 3.2-3.5 by name (e.g. `encoder.layers.0.self_attn.w_q`), with seeded
 * initialisation (initialisation.ts) and plain-data export/import for checkpoints. Names are the contract of
 * the checkpoint format; tfjs variable names get a per-instance prefix because tfjs
 * refuses two variables with the same name and several models may live side by side.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError, ErrorCode } from '../../shared/errors';
import type { NamedTensor } from '../../shared/namedTensor';
import { xavierUniformLimit } from './initialisation';
import { hashSeed } from './random';

let instances = 0;

export class ParameterStore {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly constants: tf.Tensor[] = [];
  private readonly prefix: string;

  constructor(readonly seed: number) {
    instances += 1;
    this.prefix = `transformer_${instances}`;
  }

  /** Registers a trainable variable initialised from `init` (which it takes over). */
  add(name: string, init: tf.Tensor): tf.Variable {
    if (this.vars.has(name)) throw new Error(`Parameter ${name} is defined twice.`);
    const v = tf.variable(init, true, `${this.prefix}/${name}`);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  /** Glorot/Xavier uniform (initialisation.ts), seeded by name. */
  xavier(name: string, fanIn: number, fanOut: number): tf.Variable {
    return this.uniform(name, [fanIn, fanOut], xavierUniformLimit(fanIn, fanOut));
  }

  /** U(-limit, limit), seeded by name (e.g. a bound from initialisation.ts). */
  uniform(name: string, shape: number[], limit: number): tf.Variable {
    return this.add(
      name,
      tf.randomUniform(shape, -limit, limit, 'float32', hashSeed(this.seed, name)),
    );
  }

  /** Normal(0, std), seeded by name. */
  normal(name: string, shape: number[], std: number): tf.Variable {
    return this.add(name, tf.randomNormal(shape, 0, std, 'float32', hashSeed(this.seed, name)));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  /** A non-trainable tensor owned by the model (kept, disposed with it). */
  constant<T extends tf.Tensor>(t: T): T {
    tf.keep(t);
    this.constants.push(t);
    return t;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (v === undefined) throw new Error(`No parameter named ${name}.`);
    return v;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  entries(): [string, tf.Variable][] {
    return [...this.vars.entries()];
  }

  /** Total number of trainable scalars. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copies every parameter out as plain data. */
  exportAll(): NamedTensor[] {
    return this.entries().map(([name, v]) => ({
      name,
      dtype: 'float32',
      shape: [...v.shape],
      data: Float32Array.from(v.dataSync() as Float32Array),
    }));
  }

  /**
   * Replaces every parameter with the given data. Checks first that the names are exactly
   * this model's and each shape matches, so a bad checkpoint changes nothing.
   */
  loadAll(tensors: readonly NamedTensor[]): void {
    const byName = new Map<string, NamedTensor>();
    for (const t of tensors) byName.set(t.name, t);
    const missing = this.names().filter((n) => !byName.has(n));
    const extra = [...byName.keys()].filter((n) => !this.vars.has(n));
    if (missing.length > 0 || extra.length > 0) {
      const parts: string[] = [];
      if (missing.length > 0)
        parts.push(
          `missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
        );
      if (extra.length > 0)
        parts.push(
          `unexpected ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`,
        );
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `The weights do not match this model (${parts.join('; ')}); they were saved from a model with a different configuration.`,
      );
    }
    for (const [name, v] of this.vars) {
      const t = byName.get(name) as NamedTensor;
      const same = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
      if (!same || t.dtype !== 'float32' || t.data.length !== v.size) {
        throw new AppError(
          ErrorCode.CheckpointInvalid,
          `Weight ${name} has shape [${t.shape.join(', ')}] (${t.dtype}) but this model needs [${v.shape.join(', ')}] (float32); the checkpoint was saved from a different configuration.`,
        );
      }
    }
    for (const [name, v] of this.vars) {
      const t = byName.get(name) as NamedTensor;
      tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    for (const c of this.constants) c.dispose();
    this.vars.clear();
    this.constants.length = 0;
  }
}
