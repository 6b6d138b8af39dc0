/**
 * The fused label-smoothed cross-entropy of a chunk of logits rows and its gradient
 * (kernels/src/crossentropy.c), the kernel main/training/loss.ts runs when the backend has it;
 * rows split among the kernel threads.
 */
import type * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import { f32Bits } from './floatBits';
import { tfjsBuffer } from './heap';
import type { KernelThreads } from './pool';
import { splitRange } from './softmax';

const KERNEL = 'StudioSmoothedCrossEntropy';
/** Below this many logits per thread, a call runs on the calling thread alone. */
const MIN_ELEMENTS_PER_THREAD = 65_536;

export function makeSmoothedCrossEntropy(pool: KernelThreads): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo[] => {
    const logits = args.inputs['logits'];
    const targets = args.inputs['targets'];
    if (logits === undefined || targets === undefined) {
      throw new Error(`${KERNEL} needs inputs logits and targets`);
    }
    if (logits.dtype !== 'float32' || targets.dtype !== 'int32' || logits.shape.length !== 2) {
      throw new Error(`${KERNEL} takes float32 logits [rows, V] and int32 targets [rows]`);
    }
    const [rows, vocab] = logits.shape as [number, number];
    if (targets.shape.length !== 1 || targets.shape[0] !== rows) {
      throw new Error(`${KERNEL}: targets must be [${rows}], not [${targets.shape.join(', ')}]`);
    }
    const smoothing = Number(args.attrs?.['smoothing'] ?? 0);
    const backend = args.backend as WasmBackendLike;
    const grad = backend.makeOutput([rows, vocab], 'float32');
    const smoothed = backend.makeOutput([rows], 'float32');
    const nll = backend.makeOutput([rows], 'float32');
    if (rows > 0 && vocab > 0) {
      // A target outside the vocabulary would read and write outside the row: refuse it here,
      // where the ids are at hand (one read of c ints).
      const ids = new Int32Array(tfjsBuffer(backend.wasm), offsetOf(backend, targets), rows);
      for (const id of ids) {
        if (id < 0 || id >= vocab)
          throw new Error(`${KERNEL}: target id ${id} is not below ${vocab}`);
      }
      const pointers = [logits, targets, grad, smoothed, nll].map((t) => offsetOf(backend, t));
      pool.run(
        'studio_smoothed_ce',
        splitRange(rows, pool.threads, Math.ceil(MIN_ELEMENTS_PER_THREAD / vocab)).map(
          ([r0, r1]) => [...pointers, vocab, f32Bits(smoothing), r0, r1],
        ),
      );
    }
    return [grad, smoothed, nll];
  };
  return kernel as unknown as tf.KernelFunc;
}
