/**
 * Loads the studio's WebAssembly kernels (kernels/src/*.c, built into kernels/dist/ by
 * kernels/build.mjs) onto the tfjs wasm backend's own memory.
 *
 * Design: zero-copy. The module is linked with --import-memory and has no data segments, and
 * it is instantiated with tfjs's WebAssembly.Memory itself, so a kernel reads its inputs and
 * writes its output where tfjs keeps the tensors (backend.dataIdMap.get(dataId).memoryOffset)
 * and nothing is copied. Both tfjs builds expose that Memory object (emscripten glue,
 * tfjs-backend-wasm 4.22): the threaded-SIMD build as `Module.wasmMemory` (a shared memory it
 * creates and hands to its pthreads), the single-threaded build as `Module.asm.memory` (the
 * memory its module exports). Sharedness must match the import, so kernels/dist has a shared
 * and a non-shared binary, each with and without relaxed SIMD. Our thread pool needs a shared
 * memory, so with tfjs's single-threaded build the kernels run on one thread.
 * The alternative, our own memory with inputs copied in and the result copied back, was
 * rejected: it works with either build but costs one copy of every operand and result (~21 MB
 * for the feed-forward product [4096x256]x[256x1024], a few ms at memcpy speed against ~20 ms
 * of arithmetic at 2 threads, i.e. 10-20 %), and it doubles the memory of every product, while
 * RSS is already a problem (issue 15). Memory growth is no concern either way: a grown memory is
 * seen by every instance that imports it, and the kernels are passed offsets, never views.
 * The stack: the module exports __stack_pointer, and every instance gets its own stack block
 * malloc'ed from tfjs (the linker's default stack would sit on tfjs's low memory). The kernels
 * are written to need none, so this is a guard, not a requirement.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

/*
 * The project compiles main/ without the DOM lib, which is where TypeScript declares the
 * WebAssembly API; these are the parts used here (a local type, not a global declaration, so
 * it cannot clash with a lib that declares the real one).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
/** A compiled module (opaque; structured-clonable to worker threads). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmGlobal {
  value: number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: { env: { memory: WasmMemory } },
  ) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
/** The runtime's WebAssembly namespace, typed as above. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Which SIMD instruction set the loaded binary uses. */
export type SimdLevel = 'relaxed' | 'simd';

/** The functions every kernel binary exports (kernels/src/*.c, EXPORT(...)). */
export interface KernelExports {
  readonly __stack_pointer: WasmGlobal;
  studio_gemm_scratch_floats(): number;
  studio_gemm_mr(): number;
  studio_gemm_nr(): number;
  studio_gemm(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    ars: number,
    acs: number,
    brs: number,
    bcs: number,
    offsets: number,
    b0: number,
    b1: number,
    m0: number,
    m1: number,
    n0: number,
    n1: number,
    scratch: number,
  ): void;
  studio_softmax(x: number, y: number, rows: number, cols: number, r0: number, r1: number): void;
  studio_softmax_grad(
    y: number,
    dy: number,
    dx: number,
    rows: number,
    cols: number,
    r0: number,
    r1: number,
  ): void;
  studio_exp(x: number, y: number, i0: number, i1: number): void;
  studio_sum(
    x: number,
    y: number,
    outer: number,
    reduce: number,
    inner: number,
    o0: number,
    o1: number,
    i0: number,
    i1: number,
  ): void;
  studio_layer_norm(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    xhat: number,
    rstd: number,
    d: number,
    epsBits: number,
    r0: number,
    r1: number,
  ): void;
  studio_layer_norm_grad(
    dy: number,
    xhat: number,
    rstd: number,
    gamma: number,
    dx: number,
    d: number,
    r0: number,
    r1: number,
  ): void;
  studio_smoothed_ce(
    logits: number,
    targets: number,
    grad: number,
    loss: number,
    nll: number,
    vocab: number,
    epsBits: number,
    r0: number,
    r1: number,
  ): void;
  studio_adam(table: number, count: number, hyper: number, e0: number, e1: number): void;
  studio_concat(
    table: number,
    count: number,
    out: number,
    outInner: number,
    r0: number,
    r1: number,
  ): void;
  studio_transpose(
    x: number,
    y: number,
    n1: number,
    n2: number,
    n3: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
    q0: number,
    q1: number,
  ): void;
}

/** Names of the exported kernel entry points the thread pool may call, by index. */
export const POOL_FUNCTIONS = [
  'studio_gemm',
  'studio_softmax',
  'studio_softmax_grad',
  'studio_exp',
  'studio_sum',
  'studio_transpose',
  'studio_layer_norm',
  'studio_layer_norm_grad',
  'studio_smoothed_ce',
  'studio_adam',
  'studio_concat',
] as const;
export type PoolFunction = (typeof POOL_FUNCTIONS)[number];

/** The subset of the emscripten module of tfjs-backend-wasm 4.22 the kernels rely on. */
export interface TfjsWasmModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  /** The threaded build's shared memory. */
  wasmMemory?: WasmMemory;
  /** The single-threaded build's module exports, whose `memory` is its heap. */
  asm?: { memory?: WasmMemory };
}

/** A compiled kernel binary and what it needs to be instantiated. */
export interface LoadedKernels {
  module: WasmModule;
  memory: WasmMemory;
  simd: SimdLevel;
  shared: boolean;
}

export type LoadResult = { ok: true; kernels: LoadedKernels } | { ok: false; reason: string };

/** Options for finding and choosing the binary. */
export interface LoadOptions {
  /** 'auto' (default) takes relaxed SIMD when the runtime validates it; 'simd' never does. */
  simd?: 'auto' | 'simd';
  /** The folder holding the built .wasm files (default: kernels/dist of the repository). */
  wasmDir?: string;
}

/** The memory of the tfjs wasm backend, or undefined when neither build's glue exposes it. */
export function tfjsMemory(wasm: TfjsWasmModule): WasmMemory | undefined {
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
}

/**
 * Folders where kernels/dist may be: from the source (main/worker/kernels/) and from a build
 * (out/main/ or out/main/chunks/), the packaged app's unpacked asar first.
 */
function candidateDirs(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const dirs = [
    join(here, '..', '..', '..', 'kernels', 'dist'),
    join(here, '..', '..', 'kernels', 'dist'),
    join(here, '..', '..', '..', '..', 'kernels', 'dist'),
  ];
  return [...dirs.map((d) => d.replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked')), ...dirs];
}

function findWasmDir(options: LoadOptions): string | undefined {
  const dirs = options.wasmDir !== undefined ? [options.wasmDir] : candidateDirs();
  return dirs.find((d) => existsSync(join(d, 'studio-kernels-simd.wasm')));
}

let relaxedFlagTried = false;

/**
 * Whether the runtime validates relaxed SIMD. Node 20 (V8 11.3) has it behind
 * --experimental-wasm-relaxed-simd; setting that flag at run time works there (tested on
 * Node 20.20: validate() turns true and the compiled module runs). Newer V8 (Node 22,
 * Electron 45) ships relaxed SIMD, so the flag is never needed there.
 */
function relaxedSimdValidates(bytes: Uint8Array): boolean {
  if (wasmApi.validate(bytes)) return true;
  if (relaxedFlagTried) return false;
  relaxedFlagTried = true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return wasmApi.validate(bytes);
}

/**
 * Compiles the kernel binary that fits tfjs's memory (shared or not) and the runtime's SIMD,
 * or says why none can run (then the stock tfjs kernels stay).
 */
export function loadKernels(wasm: TfjsWasmModule, options: LoadOptions = {}): LoadResult {
  const memory = tfjsMemory(wasm);
  if (memory === undefined) {
    return { ok: false, reason: "the tfjs wasm backend's WebAssembly.Memory is not reachable" };
  }
  const dir = findWasmDir(options);
  if (dir === undefined) {
    return { ok: false, reason: 'the built kernels (kernels/dist/*.wasm) were not found' };
  }
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const suffix = shared ? '-shared' : '';
  const read = (level: SimdLevel): Uint8Array =>
    readFileSync(join(dir, `studio-kernels-${level}${suffix}.wasm`));

  let simd: SimdLevel = 'simd';
  let bytes = read('simd');
  if (!wasmApi.validate(bytes)) {
    return { ok: false, reason: 'this runtime has no WebAssembly SIMD (simd128)' };
  }
  if (options.simd !== 'simd') {
    const relaxed = read('relaxed');
    if (relaxedSimdValidates(relaxed)) {
      simd = 'relaxed';
      bytes = relaxed;
    }
  }
  try {
    return { ok: true, kernels: { module: new wasmApi.Module(bytes), memory, simd, shared } };
  } catch (err) {
    return { ok: false, reason: `the kernels failed to compile: ${String(err)}` };
  }
}

/** Stack bytes each instance gets (the kernels use none; this only has to be enough). */
export const STACK_BYTES = 64 * 1024;

/** The initial stack pointer for a stack block at [stackBase, +STACK_BYTES): 16-byte aligned. */
export function stackTop(stackBase: number): number {
  const top = stackBase + STACK_BYTES;
  return top - (top % 16);
}

/** Points an instance's stack into its own block of tfjs heap. */
export function setStack(exports: KernelExports, stackBase: number): void {
  exports.__stack_pointer.value = stackTop(stackBase);
}

/**
 * Instantiates the kernels on tfjs's memory. Call setStack before any kernel: until then the
 * stack pointer is the linker's, inside tfjs's data.
 */
export function instantiateKernels(kernels: LoadedKernels): KernelExports {
  const instance = new wasmApi.Instance(kernels.module, { env: { memory: kernels.memory } });
  return instance.exports as unknown as KernelExports;
}
