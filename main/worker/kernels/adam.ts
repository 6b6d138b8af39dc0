/**
 * One Adam update of every parameter in a single call (kernels/src/adam.c), the kernel
 * main/training/adam.ts runs when the backend has it. The elements of all parameters, laid
 * end to end, are split evenly among the kernel threads.
 */
import * as tf from '@tensorflow/tfjs';
import { offsetOf, type KernelArgs, type WasmBackendLike } from './backendTypes';
import { f32Bits } from './floatBits';
import { HeapInts } from './heap';
import type { KernelThreads } from './pool';
import { splitRange } from './softmax';

const KERNEL = 'StudioAdam';
/** Below this many elements per thread, the update runs on the calling thread alone. */
const MIN_ELEMENTS_PER_THREAD = 65_536;
/** Int32 per parameter in the table: p, g, m, v, p', m', v', size. */
const ENTRY = 8;
/** Floats after the table: scale, beta1, beta2, stepSize, epsHat. */
const HYPER = ['scale', 'beta1', 'beta2', 'stepSize', 'epsHat'] as const;

export interface AdamKernel {
  kernelFunc: tf.KernelFunc;
  /** Frees the heap block of the parameter table. */
  dispose(): void;
}

export function makeAdam(pool: KernelThreads): AdamKernel {
  let current: WasmBackendLike | undefined;
  const table = new HeapInts(() => {
    if (current === undefined) throw new Error(`${KERNEL} ran on no backend`);
    return current;
  });
  const kernel = (args: KernelArgs): tf.TensorInfo[] => {
    const count = Number(args.attrs?.['count'] ?? 0);
    const backend = args.backend as WasmBackendLike;
    current = backend;
    const values = new Int32Array(count * ENTRY + HYPER.length);
    const outputs: tf.TensorInfo[] = [];
    const news: tf.TensorInfo[][] = [[], [], []];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const [p, g, m, v] = (['p', 'g', 'm', 'v'] as const).map((k) => {
        const t = args.inputs[`${k}${i}`];
        if (t === undefined || t.dtype !== 'float32') {
          throw new Error(`${KERNEL} needs float32 input ${k}${i}`);
        }
        return t;
      }) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
      const size = tf.util.sizeFromShape(p.shape);
      for (const t of [g, m, v]) {
        if (tf.util.sizeFromShape(t.shape) !== size) {
          throw new Error(`${KERNEL}: parameter ${i} and its gradient or moments differ in size`);
        }
      }
      const [po, mo, vo] = [p, m, v].map((t) => backend.makeOutput([...t.shape], 'float32')) as [
        tf.TensorInfo,
        tf.TensorInfo,
        tf.TensorInfo,
      ];
      news[0]?.push(po);
      news[1]?.push(mo);
      news[2]?.push(vo);
      values.set(
        [p, g, m, v, po, mo, vo].map((t) => offsetOf(backend, t)),
        i * ENTRY,
      );
      values[i * ENTRY + 7] = size;
      total += size;
    }
    HYPER.forEach((name, j) => {
      values[count * ENTRY + j] = f32Bits(Number(args.attrs?.[name] ?? 0));
    });
    // Written after every makeOutput, which may grow the heap.
    const ptr = table.write(values);
    if (total > 0) {
      pool.run(
        'studio_adam',
        splitRange(Math.ceil(total / 4), pool.threads, MIN_ELEMENTS_PER_THREAD / 4).map(
          ([lo, hi]) => [ptr, count, ptr + count * ENTRY * 4, lo * 4, Math.min(total, hi * 4)],
        ),
      );
    }
    for (const group of news) outputs.push(...group);
    return outputs;
  };
  return { kernelFunc: kernel as unknown as tf.KernelFunc, dispose: () => table.free() };
}
