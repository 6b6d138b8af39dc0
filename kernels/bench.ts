/**
 * Matrix-product benchmark: the studio kernels' BatchMatMul vs the stock tfjs-backend-wasm
 * 4.22 one, on the shapes of the reference model (batch of 4,096 tokens, d_model 256, d_ff
 * 1,024, vocabulary 8,000 in loss chunks of 524 rows, 4 heads of 64, T = 28 so 585 sequence
 * heads), forward and the transposed products of backprop, at 1 and 2 threads.
 *
 *   npx tsx kernels/bench.ts [--threads 1,2] [--seconds 0.3] [--simd auto|simd] [--no-peer]
 *
 * With Debian's python3-torch (/usr/bin/python3), PyTorch's torch.matmul runs the same shapes
 * at the same thread count right after (kernels/bench_peer.py): its columns show what a
 * native BLAS (AVX2/AVX-512 FMA, twice or four times wasm's 128-bit SIMD width) does here.
 *
 * Each thread count runs in its own child process (a tfjs wasm backend starts once per
 * process; 2 threads = tfjs's threaded build, XNNPACK on 2 threads, and 2 kernel threads).
 * Within a process the stock and studio kernels alternate shape by shape, so load from
 * neighbours on a shared machine hits both alike: quote the ratios. CPU ms is the process's
 * CPU time per product (all its threads; spinning counts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';

interface Shape {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const SHAPES: Shape[] = [
  { name: 'FFN1  x W1', a: [4096, 256], b: [256, 1024], transposeA: false, transposeB: false },
  { name: 'FFN2  h W2', a: [4096, 1024], b: [1024, 256], transposeA: false, transposeB: false },
  { name: 'QKV   x Wqkv', a: [4096, 256], b: [256, 768], transposeA: false, transposeB: false },
  { name: 'dX = dY W1^T', a: [4096, 1024], b: [256, 1024], transposeA: false, transposeB: true },
  { name: 'dW = X^T dY', a: [4096, 256], b: [4096, 1024], transposeA: true, transposeB: false },
  { name: 'logits chunk', a: [524, 256], b: [256, 8000], transposeA: false, transposeB: false },
  {
    name: 'dh = g P (chunk)',
    a: [524, 8000],
    b: [8000, 256],
    transposeA: false,
    transposeB: false,
  },
  { name: 'scores Q K^T', a: [585, 28, 64], b: [585, 28, 64], transposeA: false, transposeB: true },
  { name: 'scores Q Kt', a: [585, 28, 64], b: [585, 64, 28], transposeA: false, transposeB: false },
  { name: 'out  P V', a: [585, 28, 28], b: [585, 28, 64], transposeA: false, transposeB: false },
  { name: 'dP^T  P^T dO', a: [585, 28, 28], b: [585, 28, 64], transposeA: true, transposeB: false },
  { name: 'decode 1 x P^T', a: [1, 256], b: [256, 8000], transposeA: false, transposeB: false },
  { name: 'decode 1 x P, flag', a: [1, 256], b: [8000, 256], transposeA: false, transposeB: true },
  { name: 'decode 16 x P^T', a: [16, 256], b: [256, 8000], transposeA: false, transposeB: false },
  { name: 'decode 16 x W1', a: [16, 256], b: [256, 1024], transposeA: false, transposeB: false },
];

interface Measurement {
  shape: string;
  gflop: number;
  stock: { gflops: number; cpuMs: number };
  studio: { gflops: number; cpuMs: number };
}

function flopsOf(s: Shape): number {
  const ra = s.a.length;
  const m = s.transposeA ? s.a[ra - 1]! : s.a[ra - 2]!;
  const k = s.transposeA ? s.a[ra - 2]! : s.a[ra - 1]!;
  const rb = s.b.length;
  const n = s.transposeB ? s.b[rb - 2]! : s.b[rb - 1]!;
  const batch = s.a.slice(0, -2).reduce((p, d) => p * d, 1);
  return 2 * batch * m * n * k;
}

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

async function child(threads: number, seconds: number, simd: 'auto' | 'simd'): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  if (threads > 1) {
    const { enableWasmThreads } = await import('../main/worker/wasmThreads');
    const started = await enableWasmThreads(threads);
    if (!('threads' in started)) throw new Error(`threaded wasm did not start: ${started.reason}`);
  } else {
    await tf.setBackend('wasm');
  }
  await tf.ready();
  const { registerStudioKernels } = await import('../main/worker/kernels/register');
  const stock = tf.getKernel('BatchMatMul', 'wasm')!;
  const status = await registerStudioKernels({ threads, simd });
  if (!status.active) throw new Error(`studio kernels inactive: ${status.reason}`);
  const studio = tf.getKernel('BatchMatMul', 'wasm')!;
  const use = (config: typeof stock): void => {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(config);
  };

  const time = (s: Shape, a: InstanceType<typeof tf.Tensor>, b: InstanceType<typeof tf.Tensor>) => {
    const once = () => tf.matMul(a, b, s.transposeA, s.transposeB).dispose();
    const w0 = performance.now();
    once(); // warm-up (and V8's tier-up of the wasm code)
    const slow = performance.now() - w0 > seconds * 1000;
    let reps = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    do {
      once();
      reps++;
    } while (!slow && performance.now() - t0 < seconds * 1000 && reps < 1000);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      gflops: (flopsOf(s) * reps) / wall / 1e9,
      cpuMs: (cpu.user + cpu.system) / 1000 / reps,
      slow,
    };
  };

  const results: Measurement[] = [];
  for (const s of SHAPES) {
    const a = tf.randomUniform(s.a, -1, 1);
    const b = tf.randomUniform(s.b, -1, 1);
    use(stock);
    const stock1 = time(s, a, b);
    use(studio);
    const studio1 = time(s, a, b);
    // A second round where the stock kernel is fast enough to afford one.
    use(stock);
    const stock2 = stock1.slow ? stock1 : time(s, a, b);
    use(studio);
    const studio2 = stock1.slow ? studio1 : time(s, a, b);
    const best = (x: typeof stock1, y: typeof stock1) => (x.gflops >= y.gflops ? x : y);
    results.push({
      shape: `${s.name} [${s.a}]${s.transposeA ? 'T' : ''}x[${s.b}]${s.transposeB ? 'T' : ''}`,
      gflop: flopsOf(s) / 1e9,
      stock: best(stock1, stock2),
      studio: best(studio1, studio2),
    });
    tf.dispose([a, b]);
  }
  process.stdout.write(`RESULT ${JSON.stringify({ threads, simd: status.simd, results })}\n`);
  process.exit(0);
}

/** PyTorch's CPU ms and GFLOP/s per shape at `threads`, or a sentence why there are none. */
function peer(
  threads: number,
  seconds: number,
): { torch: string; results: { cpuMs: number; wallS: number }[] } | string {
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  const run = spawnSync(PYTHON, [fileURLToPath(new URL('./bench_peer.py', import.meta.url))], {
    input: JSON.stringify({ threads, seconds, shapes: SHAPES }),
    encoding: 'utf8',
  });
  const line = run.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (run.status !== 0 || line === undefined) {
    const why = (run.stderr ?? '').trim().split('\n').at(-1) ?? `exit ${run.status}`;
    return `the PyTorch peer did not run (${why}; Debian: apt-get install python3-torch)`;
  }
  return JSON.parse(line) as { torch: string; results: { cpuMs: number; wallS: number }[] };
}

function parent(): void {
  const threadCounts = argValue('--threads', '1,2').split(',').map(Number);
  const seconds = argValue('--seconds', '0.3');
  const simd = argValue('--simd', 'auto');
  const script = fileURLToPath(import.meta.url);
  for (const threads of threadCounts) {
    const run = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        script,
        '--child',
        String(threads),
        '--seconds',
        seconds,
        '--simd',
        simd,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (line === undefined) {
      console.error(`the ${threads}-thread run failed:\n${run.stdout}`);
      process.exitCode = 1;
      continue;
    }
    const { simd: level, results } = JSON.parse(line.slice(7)) as {
      simd: string;
      results: Measurement[];
    };
    const torch = process.argv.includes('--no-peer')
      ? 'turned off (--no-peer)'
      : peer(threads, Number(seconds));
    console.log(
      `\n${threads} thread(s), studio kernels with ${level} SIMD; GFLOP/s (wall), CPU ms per product` +
        (typeof torch === 'string'
          ? `; PyTorch: ${torch}`
          : `; PyTorch ${torch.torch} torch.matmul`),
    );
    const torchHead =
      typeof torch === 'string'
        ? ''
        : ` ${'torch'.padStart(7)} ${'torchCPU'.padStart(9)} ${'CPU studio/torch'.padStart(16)}`;
    console.log(
      `${'product'.padEnd(52)} ${'GFLOP'.padStart(6)} ${'stock'.padStart(7)} ${'studio'.padStart(7)} ${'ratio'.padStart(6)} ${'stockCPU'.padStart(9)} ${'studioCPU'.padStart(9)}${torchHead}`,
    );
    results.forEach((r, i) => {
      const t = typeof torch === 'string' ? undefined : torch.results[i];
      const torchCols =
        t === undefined
          ? ''
          : ` ${(r.gflop / t.wallS).toFixed(1).padStart(7)} ${t.cpuMs.toFixed(2).padStart(9)} ${(r.studio.cpuMs / t.cpuMs).toFixed(2).padStart(15)}x`;
      console.log(
        `${r.shape.padEnd(52)} ${r.gflop.toFixed(3).padStart(6)} ${r.stock.gflops.toFixed(1).padStart(7)} ${r.studio.gflops.toFixed(1).padStart(7)} ${(r.studio.gflops / r.stock.gflops).toFixed(1).padStart(5)}x ${r.stock.cpuMs.toFixed(2).padStart(9)} ${r.studio.cpuMs.toFixed(2).padStart(9)}${torchCols}`,
      );
    });
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  await child(
    Number(process.argv[childIndex + 1]),
    Number(argValue('--seconds', '0.3')),
    argValue('--simd', 'auto') === 'simd' ? 'simd' : 'auto',
  );
} else {
  parent();
}
