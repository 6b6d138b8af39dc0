/**
 * compare.ts's command line: its flags, their --help text, and the settings they resolve to
 * (defaults, the --quick short forms, and a usage error with exit code 2 for a bad value).
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { parseArgs } from 'node:util';

/** compare.ts's usage text, printed by --help and after a malformed flag. */
export const HELP = `npx tsx scripts/bench/compare.ts [flags]      (also: npm run bench -- compare [flags])

Trains the reference model (vocabulary 8,000 tied, d_model 256, 4 heads, d_ff 1,024, 3+3
layers, post-LN) on the same synthetic ~4,096-token batches with the engine (wasm) and with
PyTorch (scripts/bench/peer/torch_transformer.py via /usr/bin/python3), for each thread count,
and prints: target tokens/s of both and their ratio; model-FLOPs utilisation of both against
the fp32 GEMM peak (torch.mm 2048^3) measured in the same run; CPU seconds per 1,000 target
tokens; greedy and beam-4 decoding ms/sentence on the key/value cache at batch 1 and 16; the
largest batch each side trains (doubling token budgets until out of memory or the cap, each in
its own process) and its peak memory. Writes every figure as JSON. Without torch it says so
and measures the engine alone.

  --threads LIST         thread counts to measure, comma-separated (default 1,2)
  --steps N              timed training steps per side and thread count (default 3; quick 1)
  --warmup N             untimed training steps before them (default 1)
  --single N             batch-1 decoding: sentences decoded one at a time (default 3; quick 1)
  --batch N              batched decoding: sentences in one batch (default 16)
  --max-batch-tokens N   cap of the largest-batch probe's doubling budgets (default 32768;
                         quick 8192); the probe starts at twice the training budget (4,096,
                         which the training run itself covers)
  --probe-threads N      threads of the largest-batch probe (default 1: the threaded wasm
                         build hangs instead of exiting when its heap runs out, the
                         single-threaded one aborts at once; memory does not depend on threads)
  --peer-mem-mb N        data-segment cap (RLIMIT_DATA) of every PyTorch process, so a too-large
                         batch fails with an error instead of waking the OOM killer on a shared
                         machine (default: 60% of the memory available at start)
  --python PATH          interpreter whose torch is the peer (default /usr/bin/python3)
  --no-peer              measure the engine alone
  --no-decode            skip decoding
  --no-probe             skip the largest-batch probe
  --out FILE             where the JSON goes (default bench-results/compare.json)
  --quick                short settings (1 timed step, 1 batch-1 sentence, cap 8192):
                         under 3 minutes on an idle 2-core machine
  --help                 this text

Figures are printed, never asserted. The machine may be shared: the 1-minute load average is
shown with every measurement, and CPU-s per 1,000 tokens counts this process's threads only.`;

/** MemAvailable from /proc/meminfo (what can be allocated without swapping others out). */
function availableMB(): number {
  try {
    const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m?.[1] !== undefined) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return totalmem() / 2 / 1024 / 1024;
}

const OPTIONS = {
  threads: { type: 'string', default: '1,2' },
  steps: { type: 'string' },
  warmup: { type: 'string', default: '1' },
  single: { type: 'string' },
  batch: { type: 'string', default: '16' },
  'max-batch-tokens': { type: 'string' },
  'probe-threads': { type: 'string' },
  'peer-mem-mb': { type: 'string' },
  python: { type: 'string', default: '/usr/bin/python3' },
  'no-peer': { type: 'boolean', default: false },
  'no-decode': { type: 'boolean', default: false },
  'no-probe': { type: 'boolean', default: false },
  out: { type: 'string', default: 'bench-results/compare.json' },
  quick: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/** The flags, or the usage and exit code 2 on an unknown or malformed one. */
export function parseFlags() {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    process.exit(2);
  }
}

/** The parsed flags, as parseFlags returns them. */
export type CompareFlags = ReturnType<typeof parseFlags>['values'];

/** What the flags ask for, with every default and --quick short form applied. */
export interface CompareSettings {
  quick: boolean;
  threadList: number[];
  steps: number;
  warmup: number;
  single: number;
  decodeBatch: number;
  capTokens: number;
  probeThreads: number;
  peerMemMB: number;
}

/** The numeric settings; a value that is not a whole number at its minimum exits with code 2. */
export function compareSettings(v: CompareFlags): CompareSettings {
  const quick = v.quick;
  const positive = (name: string, text: string | undefined, fallback: number, min = 1): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} must be a whole number of at least ${min}; got ${text}.`);
      process.exit(2);
    }
    return n;
  };
  const threadList = v.threads.split(',').map((t) => positive('threads', t.trim(), 1));
  const steps = positive('steps', v.steps, quick ? 1 : 3);
  const warmup = positive('warmup', v.warmup, 1, 0);
  const single = positive('single', v.single, quick ? 1 : 3);
  const decodeBatch = positive('batch', v.batch, 16);
  const capTokens = positive('max-batch-tokens', v['max-batch-tokens'], quick ? 8192 : 32768);
  const probeThreads = positive('probe-threads', v['probe-threads'], 1);
  const peerMemMB = positive('peer-mem-mb', v['peer-mem-mb'], Math.floor(availableMB() * 0.6));
  return {
    quick,
    threadList,
    steps,
    warmup,
    single,
    decodeBatch,
    capTokens,
    probeThreads,
    peerMemMB,
  };
}
