/**
 * `npm run bench`: every benchmark, each in its own process (a fresh engine, a clean heap),
 * one after the other so they do not share the CPU. Figures are printed, never asserted:
 * these machines are shared and noisy.
 *
 *   npm run bench                 # all
 *   npm run bench -- train decode # some
 */
import { spawnSync } from 'node:child_process';

const BENCHES: Record<string, string[]> = {
  tokenizer: ['scripts/bench/tokenizer.ts'],
  train: ['scripts/bench/train.ts', '--preset', 'all'],
  decode: ['scripts/bench/decode.ts'],
  import: ['scripts/bench/import.ts'],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
let failed = 0;
for (const name of names) {
  const args = BENCHES[name];
  if (!args) {
    console.error(`No benchmark named ${name}; have ${Object.keys(BENCHES).join(', ')}.`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit' });
  console.log(
    `=== ${name}: ${r.status === 0 ? 'done' : `failed (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (r.status !== 0) failed++;
}
if (failed > 0) process.exitCode = 1;
