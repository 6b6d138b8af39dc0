#!/usr/bin/env node
/**
 * Builds the studio's WebAssembly kernels (kernels/src/*.c) into kernels/dist/, four variants:
 *
 *   studio-kernels-simd.wasm            wasm SIMD128, imports a non-shared memory
 *   studio-kernels-relaxed.wasm         + relaxed SIMD (f32x4.relaxed_madd = FMA where the CPU has it)
 *   studio-kernels-simd-shared.wasm     wasm SIMD128 + atomics, imports a shared memory
 *   studio-kernels-relaxed-shared.wasm  both
 *
 * Why four: the module imports the tfjs wasm backend's own WebAssembly.Memory (zero-copy, see
 * main/worker/kernels/module.ts), and an imported memory must match the declared one in
 * sharedness: tfjs's threaded build has a shared memory, its single-threaded build a plain
 * one. Relaxed SIMD is a separate binary because a runtime without it rejects the whole module.
 *
 * Toolchain: Debian's clang-19 and lld-19 (wasm-ld-19); no libc (the kernels are
 * freestanding, so there is no static data that would have to live in tfjs's heap).
 * Override the tools with CLANG=... WASM_LD=... . Each source is compiled to an object, then
 * wasm-ld links them.
 *
 * Flags, and why:
 *   --target=wasm32 -O3 -ffreestanding -nostdlib   no libc, no start files
 *   -msimd128 [-mrelaxed-simd]                     the kernels are written with wasm_simd128.h
 *   -mbulk-memory                                  memcpy/memset become memory.copy/fill
 *   -matomics (shared variants)                    required by --shared-memory
 *   -fno-math-errno -ffp-contract=off              no errno; no fusing beyond what the source asks
 * Linker (wasm-ld-19):
 *   --no-entry                                     a library: exports only
 *   --import-memory                                env.memory is tfjs's memory
 *   --shared-memory --max-memory=4GiB              (shared) any shared memory up to wasm32's 4 GiB matches
 *   --export=__stack_pointer                       the loader points the stack into a block it
 *                                                  mallocs from tfjs (the linker's default would
 *                                                  sit on tfjs's low memory)
 *   -z stack-size=65536                            only sizes the linker's layout; unused
 *   --strip-all                                    no names section: smaller binary
 *
 * Usage: node kernels/build.mjs [--check]   (--check: build to a temp dir and compare with dist/)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, 'src');
const clang = process.env.CLANG ?? 'clang-19';
const wasmLd = process.env.WASM_LD ?? 'wasm-ld-19';

const VARIANTS = [
  { name: 'studio-kernels-simd', relaxed: false, shared: false },
  { name: 'studio-kernels-relaxed', relaxed: true, shared: false },
  { name: 'studio-kernels-simd-shared', relaxed: false, shared: true },
  { name: 'studio-kernels-relaxed-shared', relaxed: true, shared: true },
];

const COMPILE_FLAGS = [
  '--target=wasm32',
  '-O3',
  '-ffreestanding',
  '-nostdlib',
  '-msimd128',
  '-mbulk-memory',
  '-fno-math-errno',
  '-ffp-contract=off',
  '-Wall',
  '-Wextra',
  '-Werror',
];
const LINK_FLAGS = [
  '--no-entry',
  '--import-memory',
  '--export=__stack_pointer',
  '-z',
  'stack-size=65536',
  '--strip-all',
];

/** Reads a LEB128 unsigned integer at `pos`; returns [value, next position]. */
function readU32(bytes, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result >>> 0, pos];
    shift += 7;
  }
}

/** Section ids present in a wasm binary. */
function sectionIds(bytes) {
  const ids = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, next] = readU32(bytes, pos + 1);
    ids.push(id);
    pos = next + size;
  }
  return ids;
}

function build(outDir) {
  mkdirSync(outDir, { recursive: true });
  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => join(srcDir, f));
  const objDir = mkdtempSync(join(tmpdir(), 'studio-kernels-obj-'));
  try {
    for (const variant of VARIANTS) buildVariant(variant, sources, objDir, outDir);
  } finally {
    rmSync(objDir, { recursive: true, force: true });
  }
}

function buildVariant(variant, sources, objDir, outDir) {
  const compileFlags = [...COMPILE_FLAGS];
  const linkFlags = [...LINK_FLAGS];
  if (variant.relaxed) compileFlags.push('-mrelaxed-simd', '-DSTUDIO_RELAXED=1');
  if (variant.shared) {
    compileFlags.push('-matomics');
    linkFlags.push('--shared-memory', `--max-memory=${4 * 1024 * 1024 * 1024}`);
  }
  const objects = sources.map((source) => {
    const object = join(objDir, `${variant.name}-${basename(source, '.c')}.o`);
    execFileSync(clang, [...compileFlags, '-c', '-o', object, source], { stdio: 'inherit' });
    return object;
  });
  const out = join(outDir, `${variant.name}.wasm`);
  execFileSync(wasmLd, [...linkFlags, '-o', out, ...objects], { stdio: 'inherit' });
  const bytes = readFileSync(out);
  const ids = sectionIds(bytes);
  // 11 = data, 12 = data count: any data segment would be written into tfjs's heap.
  if (ids.includes(11) || ids.includes(12)) {
    throw new Error(`${out} has a data section; the kernels must not have static data`);
  }
  console.log(`${variant.name}.wasm ${bytes.length} bytes`);
}

if (process.argv.includes('--check')) {
  const tmp = mkdtempSync(join(tmpdir(), 'studio-kernels-'));
  try {
    build(tmp);
    const stale = VARIANTS.filter(
      (v) =>
        !readFileSync(join(tmp, `${v.name}.wasm`)).equals(
          readFileSync(join(here, 'dist', `${v.name}.wasm`)),
        ),
    );
    if (stale.length > 0) {
      console.error(
        `kernels/dist is stale for ${stale.map((v) => v.name).join(', ')}: run node kernels/build.mjs`,
      );
      process.exit(1);
    }
    console.log('kernels/dist matches the sources');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  build(join(here, 'dist'));
  writeFileSync(
    join(here, 'dist', 'README.md'),
    '# Built kernels\n\nGenerated by `node kernels/build.mjs` from `kernels/src/`; do not edit.\n' +
      'Committed so that `npm install` needs no compiler.\n',
  );
}
