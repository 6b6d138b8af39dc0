/**
 * `npm run bench`: every benchmark, each in its own process (a fresh engine, a clean heap),
 * one after the other so they do not share the CPU. Figures are printed, never asserted:
 * these machines are shared and noisy.
 *
 *   npm run bench                      # all
 *   npm run bench -- train decode      # some
 *   npm run bench -- --quick           # the engine next to PyTorch, short (under 3 minutes)
 *   npm run bench -- --help
 */
import { spawnSync } from 'node:child_process';

interface Bench {
  args: string[];
  /** Arguments of a short run for --quick; undefined: not part of a quick run unless named. */
  quick?: string[];
  /** Takes the flags all.ts does not know itself (only compare has a real flag set). */
  takesFlags?: boolean;
  what: string;
}

const BENCHES: Record<string, Bench> = {
  tokenizer: {
    args: ['scripts/bench/tokenizer.ts'],
    what: 'BPE training and encoding on Multi30k',
  },
  train: {
    args: ['scripts/bench/train.ts', '--preset', 'all'],
    what: 'training tokens/s of tiny, small and the reference model',
  },
  decode: {
    args: ['scripts/bench/decode.ts'],
    what: 'greedy and beam-4 ms/sentence, cached and uncached, tiny and small',
  },
  import: { args: ['scripts/bench/import.ts'], what: 'importing a corpus' },
  compare: {
    args: ['scripts/bench/compare.ts'],
    quick: ['scripts/bench/compare.ts', '--quick'],
    takesFlags: true,
    what: 'the engine next to PyTorch at 1 and 2 threads: tokens/s, MFU, CPU-s/1k tokens, decoding, largest batch (writes bench-results/compare.json)',
  },
};

const HELP = `npm run bench -- [names...] [--quick] [flags]

Runs benchmarks one after the other, each in its own process; figures are printed, never
asserted. Benchmarks (all when none is named):
${Object.entries(BENCHES)
  .map(([name, b]) => `  ${name.padEnd(10)} ${b.what}`)
  .join('\n')}

  --quick    a short run: only 'compare --quick' (under 3 minutes on an idle 2-core machine)
             unless names are given; named benchmarks without a short form run as usual
  --help     this text; \`npm run bench -- compare --help\` lists compare's flags
Any other flag (e.g. --threads 2, --no-peer) is passed to compare.`;

const argv = process.argv.slice(2);
const askedHelp = argv.includes('--help') || argv.includes('-h');
// `npm run bench -- compare --help` is compare's help; a bare --help is this one.
if (askedHelp && !argv.some((a) => BENCHES[a]?.takesFlags === true)) {
  console.log(HELP);
  process.exit(0);
}
const quick = argv.includes('--quick');
// Flags and their values go to compare; a value never names a benchmark.
const flags: string[] = [];
const wanted: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i] as string;
  if (a === '--quick') continue;
  if (a.startsWith('-')) {
    flags.push(a);
    const next = argv[i + 1];
    if (!a.includes('=') && next !== undefined && !next.startsWith('-') && !(next in BENCHES)) {
      flags.push(next);
      i++;
    }
  } else wanted.push(a);
}
const names =
  wanted.length > 0
    ? wanted
    : quick
      ? Object.keys(BENCHES).filter((n) => BENCHES[n]?.quick !== undefined)
      : Object.keys(BENCHES);
let failed = 0;
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`No benchmark named ${name}; have ${Object.keys(BENCHES).join(', ')}.`);
    process.exitCode = 2;
    continue;
  }
  const args = [...(quick ? (bench.quick ?? bench.args) : bench.args)];
  if (bench.takesFlags === true) args.push(...flags);
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit' });
  console.log(
    `=== ${name}: ${r.status === 0 ? 'done' : `failed (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (r.status !== 0) failed++;
}
if (flags.length > 0 && !names.some((n) => BENCHES[n]?.takesFlags === true)) {
  console.error(`Flags ${flags.join(' ')} were not used: only compare takes flags.`);
}
if (failed > 0) process.exitCode = 1;
