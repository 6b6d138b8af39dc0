/**
 * Adam (Kingma & Ba 2015) as the paper uses it (5.3: beta1 0.9, beta2 0.98, eps 1e-9), with
 * global gradient-norm clipping. Written here rather than taken from tf.train so its state
 * (first and second moments per named parameter, and the step) is plain named data that a
 * checkpoint stores and a resumed run restores exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError, ErrorCode } from '../../shared/errors';
import type { NamedTensor } from '../../shared/namedTensor';

/**
 * One update of every parameter in one kernel, where the active backend has it (the engine's
 * own WebAssembly kernels register it on wasm: main/worker/kernels/adam.ts). Inputs p<i>, g<i>,
 * m<i>, v<i> for i < count; attrs { count, scale, beta1, beta2, stepSize, epsHat } as in
 * Adam.apply; outputs [p'_0..p'_{count-1}, m'_0.., v'_0..]. Elsewhere the same formulas run as
 * tfjs ops, parameter by parameter.
 */
export const ADAM_KERNEL = 'StudioAdam';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Global L2 norm of a list of gradients: sqrt(sum_i ||g_i||^2).
 * @returns the norm as a number (one read back from the backend)
 */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  if (grads.length === 0) return 0;
  const sq = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))));
  const v = sq.dataSync()[0] as number;
  sq.dispose();
  return v;
}

export class Adam {
  /** Updates applied so far. */
  step = 0;
  private readonly m = new Map<string, tf.Tensor>();
  private readonly v = new Map<string, tf.Tensor>();

  /**
   * @param params the parameters by name (moments are created for each, as zeros)
   * @param options beta1, beta2, epsilon (paper: 0.9, 0.98, 1e-9)
   */
  constructor(
    private readonly params: readonly [string, tf.Variable][],
    private readonly options: AdamOptions,
  ) {
    for (const [name, p] of params) {
      this.m.set(name, tf.keep(tf.zerosLike(p)));
      this.v.set(name, tf.keep(tf.zerosLike(p)));
    }
  }

  /**
   * One update. Gradients are first scaled so their global norm is at most clipNorm.
   * A non-finite gradient norm skips the update (the model stays usable) and is returned as is.
   * @param grads gradient per parameter name (same shapes as the parameters)
   * @param lr learning rate of this step
   * @param clipNorm maximum global gradient norm; 0 turns clipping off
   * @returns the global gradient norm before clipping
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number, clipNorm: number): number {
    const list = this.params.map(([name]) => {
      const g = grads.get(name);
      if (g === undefined) throw new Error(`No gradient for parameter ${name}.`);
      return g;
    });
    const norm = globalNorm(list);
    if (!Number.isFinite(norm)) return norm;
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1;
    this.step += 1;
    const { beta1, beta2, epsilon } = this.options;
    const t = this.step;
    // Bias corrections folded into the step size: lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps * sqrt(1-b2^t))
    // equals lr * m_hat / (sqrt(v_hat) + eps).
    const c2 = Math.sqrt(1 - Math.pow(beta2, t));
    const stepSize = (lr * c2) / (1 - Math.pow(beta1, t));
    const epsHat = epsilon * c2;
    if (tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined) {
      this.applyFused(list, { scale, beta1, beta2, stepSize, epsHat });
      return norm;
    }
    this.params.forEach(([name, p], i) => {
      const g0 = list[i] as tf.Tensor;
      const m0 = this.m.get(name) as tf.Tensor;
      const v0 = this.v.get(name) as tf.Tensor;
      const [m1, v1] = tf.tidy(() => {
        const g = scale === 1 ? g0 : tf.mul(g0, scale);
        const m = tf.add(tf.mul(m0, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(v0, beta2), tf.mul(tf.square(g), 1 - beta2));
        p.assign(tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsHat)), stepSize)));
        return [m, v];
      }) as [tf.Tensor, tf.Tensor];
      m0.dispose();
      v0.dispose();
      this.m.set(name, m1);
      this.v.set(name, v1);
    });
    return norm;
  }

  /** The update as one ADAM_KERNEL call over all parameters. */
  private applyFused(
    grads: readonly tf.Tensor[],
    attrs: { scale: number; beta1: number; beta2: number; stepSize: number; epsHat: number },
  ): void {
    const count = this.params.length;
    const inputs: tf.NamedTensorMap = {};
    this.params.forEach(([name, p], i) => {
      inputs[`p${i}`] = p;
      inputs[`g${i}`] = grads[i] as tf.Tensor;
      inputs[`m${i}`] = this.m.get(name) as tf.Tensor;
      inputs[`v${i}`] = this.v.get(name) as tf.Tensor;
    });
    const outputs = tf.engine().runKernel(ADAM_KERNEL, inputs, { count, ...attrs }) as tf.Tensor[];
    this.params.forEach(([name, p], i) => {
      const next = outputs[i] as tf.Tensor;
      p.assign(next);
      next.dispose();
      (this.m.get(name) as tf.Tensor).dispose();
      (this.v.get(name) as tf.Tensor).dispose();
      this.m.set(name, outputs[count + i] as tf.Tensor);
      this.v.set(name, outputs[2 * count + i] as tf.Tensor);
    });
  }

  /** `optimizer.m.<name>`, `optimizer.v.<name>` for every parameter, and `optimizer.step` (int32 [1]). */
  exportState(): NamedTensor[] {
    const out: NamedTensor[] = [];
    for (const [name, p] of this.params) {
      for (const [kind, map] of [
        ['m', this.m],
        ['v', this.v],
      ] as const) {
        out.push({
          name: `optimizer.${kind}.${name}`,
          dtype: 'float32',
          shape: [...p.shape],
          data: Float32Array.from((map.get(name) as tf.Tensor).dataSync() as Float32Array),
        });
      }
    }
    out.push({
      name: 'optimizer.step',
      dtype: 'int32',
      shape: [1],
      data: Int32Array.of(this.step),
    });
    return out;
  }

  /** Restores state saved by exportState(); extra tensors (e.g. model weights) are ignored. */
  loadState(tensors: readonly NamedTensor[]): void {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    const stepT = byName.get('optimizer.step');
    if (stepT === undefined) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        'The checkpoint has no optimizer.step; it was not saved by this trainer.',
      );
    }
    const staged: [Map<string, tf.Tensor>, string, NamedTensor][] = [];
    for (const [name, p] of this.params) {
      for (const [kind, map] of [
        ['m', this.m],
        ['v', this.v],
      ] as const) {
        const key = `optimizer.${kind}.${name}`;
        const t = byName.get(key);
        if (t === undefined || t.data.length !== p.size) {
          throw new AppError(
            ErrorCode.CheckpointInvalid,
            `The checkpoint's optimiser state ${key} is ${t === undefined ? 'missing' : `of size ${t.data.length}, not ${p.size}`}; it was saved from a different model.`,
          );
        }
        staged.push([map, name, t]);
      }
    }
    for (const [map, name, t] of staged) {
      const p = this.params.find(([n]) => n === name)?.[1] as tf.Variable;
      map.get(name)?.dispose();
      map.set(name, tf.keep(tf.tensor(t.data, p.shape, 'float32')));
    }
    this.step = stepT.data[0] as number;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
