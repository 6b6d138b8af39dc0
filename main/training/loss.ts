/**
 * Label smoothing (paper 5.4, epsilon_ls = 0.1): cross-entropy against the target
 * distribution q = (1 - eps) * onehot(y) + eps / V, averaged over non-padding target tokens.
 *
 * The pre-softmax projection (paper 3.4) and the loss are computed in chunks of rows, and
 * their gradients with them, so the [tokens, vocab] logits never exist whole: a 4,096-token
 * batch with an 8,000-word vocabulary would need several 131 MB tensors at once and the
 * wasm heap (4 GiB) runs out. One exp per logit: log-softmax and softmax share it.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The fused loss of one chunk, where the active backend has it (the engine's own WebAssembly
 * kernels register it on wasm: main/worker/kernels/crossEntropy.ts): inputs { logits [c, V]
 * float32, targets [c] int32 }, attrs { smoothing }; outputs [grad [c, V] (softmax - q),
 * smoothed [c], nll [c]] per row. Elsewhere the same formulas run as tfjs ops.
 */
export const SMOOTHED_CE_KERNEL = 'StudioSmoothedCrossEntropy';

/** Rows per chunk: about 4M logits, so each [rows, vocab] temporary is ~16 MB. */
export function defaultChunkRows(vocab: number): number {
  return Math.max(16, Math.floor((4 * 1024 * 1024) / vocab));
}

interface ChunkSums {
  /** Sum over rows of the label-smoothed cross-entropy. */
  smoothed: tf.Scalar;
  /** Sum over rows of -log p(y). */
  nll: tf.Scalar;
}

/**
 * Loss sums of one chunk, and optionally its gradients.
 * @param h [c, d] hidden rows
 * @param projT [d, V]
 * @param targets [c] int32
 */
function chunk(
  h: tf.Tensor2D,
  projT: tf.Tensor2D,
  targets: tf.Tensor1D,
  smoothing: number,
  withNll: boolean,
  projection?: tf.Tensor2D,
): ChunkSums & { dh?: tf.Tensor2D; dProjT?: tf.Tensor2D } {
  const vocab = projT.shape[1];
  const logits = tf.matMul(h, projT); // [c, V]
  if (tf.getKernel(SMOOTHED_CE_KERNEL, tf.getBackend()) !== undefined) {
    const [g, smoothedRows, nllRows] = tf
      .engine()
      .runKernel(SMOOTHED_CE_KERNEL, { logits, targets }, { smoothing }) as tf.Tensor[];
    const sums = {
      smoothed: tf.sum(smoothedRows as tf.Tensor) as tf.Scalar,
      nll: withNll ? (tf.sum(nllRows as tf.Tensor) as tf.Scalar) : tf.scalar(0),
    };
    if (projection === undefined) return sums;
    return {
      ...sums,
      dh: tf.matMul(g as tf.Tensor2D, projection) as tf.Tensor2D, // [c, d]
      dProjT: tf.matMul(tf.transpose(h), g as tf.Tensor2D) as tf.Tensor2D, // [d, V]
    };
  }
  const z = tf.sub(logits, tf.max(logits, 1, true)); // [c, V] shifted for a stable exp
  const e = tf.exp(z); // [c, V]
  const s = tf.sum(e, 1, true); // [c, 1]
  const logS = tf.log(s); // [c, 1]
  // wasm's OneHot writes int32 bits whatever the dtype asked for: build it as int32 and cast.
  const onehot = tf.cast(tf.oneHot(targets, vocab), 'float32'); // [c, V]
  const q = smoothing > 0 ? tf.add(tf.mul(onehot, 1 - smoothing), smoothing / vocab) : onehot; // [c, V]
  // -sum_j q_j log p_j = log S - sum_j q_j z_j, because sum_j q_j = 1.
  const smoothed = tf.sum(tf.sub(tf.squeeze(logS, [1]), tf.sum(tf.mul(q, z), 1))) as tf.Scalar;
  const nll = withNll
    ? (tf.sum(tf.sub(tf.squeeze(logS, [1]), tf.sum(tf.mul(onehot, z), 1))) as tf.Scalar)
    : tf.scalar(0);
  if (projection === undefined) return { smoothed, nll };
  const g = tf.sub(tf.div(e, s), q) as tf.Tensor2D; // [c, V] d(loss)/d(logits) = softmax - q
  return {
    smoothed,
    nll,
    dh: tf.matMul(g, projection) as tf.Tensor2D, // [c, d]
    dProjT: tf.matMul(tf.transpose(h), g) as tf.Tensor2D, // [d, V]
  };
}

export interface LossOptions {
  /** epsilon_ls, default 0.1 */
  smoothing?: number;
  /** Rows per chunk (default: defaultChunkRows(vocab)). */
  chunkRows?: number;
}

type Save = (tensors: tf.Tensor[]) => void;

/**
 * Label-smoothed cross-entropy of the rows that have a target, averaged over them;
 * differentiable with respect to `hidden` and `projection` (gradients are computed during
 * the forward pass, chunk by chunk).
 * @param hidden [n, d_model] decoder outputs of non-padding positions only
 * @param projection [V, d_model] pre-softmax weights (logits = hidden @ projection^T)
 * @param targets [n] target ids
 * @returns scalar mean loss
 */
export function labelSmoothedLoss(
  hidden: tf.Tensor2D,
  projection: tf.Tensor2D,
  targets: Int32Array,
  options: LossOptions = {},
): tf.Scalar {
  const smoothing = options.smoothing ?? 0.1;
  const n = hidden.shape[0];
  const vocab = projection.shape[0];
  const rows = options.chunkRows ?? defaultChunkRows(vocab);
  const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const [h, proj, save] = args as [tf.Tensor2D, tf.Tensor2D, Save];
    const projT = tf.transpose(proj) as tf.Tensor2D; // [d, V]
    let total: tf.Scalar = tf.scalar(0);
    let dProjT: tf.Tensor2D | null = null;
    const dhParts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += rows) {
      const c = Math.min(rows, n - start);
      const r = tf.tidy(() => {
        const t = tf.tensor1d(targets.subarray(start, start + c), 'int32');
        const out = chunk(tf.slice(h, [start, 0], [c, -1]), projT, t, smoothing, false, proj);
        return [out.smoothed, out.dh as tf.Tensor2D, out.dProjT as tf.Tensor2D];
      });
      const [sum, dh, dp] = r as [tf.Scalar, tf.Tensor2D, tf.Tensor2D];
      const newTotal = tf.add(total, sum) as tf.Scalar;
      tf.dispose([total, sum]);
      total = newTotal;
      dhParts.push(dh);
      if (dProjT === null) dProjT = dp;
      else {
        const acc = tf.add(dProjT, dp) as tf.Tensor2D;
        tf.dispose([dProjT, dp]);
        dProjT = acc;
      }
    }
    const inv = 1 / Math.max(1, n);
    const dhAll = tf.mul(
      dhParts.length === 1 ? (dhParts[0] as tf.Tensor2D) : tf.concat(dhParts, 0),
      inv,
    ); // [n, d]
    const dProj = tf.mul(tf.transpose(dProjT ?? tf.zeros([proj.shape[1], vocab])), inv); // [V, d]
    save([dhAll, dProj]);
    return {
      value: tf.mul(total, inv) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sdh, sdp] = saved as [tf.Tensor, tf.Tensor];
        return [tf.mul(sdh, dy), tf.mul(sdp, dy)];
      },
    };
  });
  return op(hidden, projection) as tf.Scalar;
}

/**
 * Loss sums without gradients (evaluation), chunked like labelSmoothedLoss.
 * @param hidden [n, d_model] decoder outputs of non-padding positions
 * @param projection [V, d_model]
 * @param targets [n]
 * @returns sums over the n rows: label-smoothed cross-entropy and negative log-likelihood
 */
export function lossSums(
  hidden: tf.Tensor2D,
  projection: tf.Tensor2D,
  targets: Int32Array,
  options: LossOptions = {},
): { smoothed: number; nll: number } {
  const smoothing = options.smoothing ?? 0.1;
  const n = hidden.shape[0];
  const rows = options.chunkRows ?? defaultChunkRows(projection.shape[0]);
  let smoothed = 0;
  let nll = 0;
  const projT = tf.transpose(projection) as tf.Tensor2D;
  for (let start = 0; start < n; start += rows) {
    const c = Math.min(rows, n - start);
    const [s, l] = tf.tidy(() => {
      const t = tf.tensor1d(targets.subarray(start, start + c), 'int32');
      const out = chunk(tf.slice(hidden, [start, 0], [c, -1]), projT, t, smoothing, true);
      return [out.smoothed, out.nll];
    });
    smoothed += (s as tf.Scalar).dataSync()[0] as number;
    nll += (l as tf.Scalar).dataSync()[0] as number;
    tf.dispose([s as tf.Tensor, l as tf.Tensor]);
  }
  projT.dispose();
  return { smoothed, nll };
}
