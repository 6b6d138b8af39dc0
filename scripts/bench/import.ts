/**
 * Dataset import benchmark: time and peak RSS of importing
 *   1. Multi30k train + validation (../shared/data/multi30k, gzipped), and
 *   2. a generated 1,000,000-pair corpus (two aligned files in os.tmpdir()).
 * Each import runs in a fresh child process, so its peak RSS is its own.
 *
 *   npx tsx scripts/bench/import.ts [--pairs N] [--vocab V] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DatasetService } from '../../main/host/services/datasets';
import type { ImportOptions } from '../../main/host/services/datasets';

const here = dirname(fileURLToPath(import.meta.url));
const MULTI30K = join(here, '../../../shared/data/multi30k');

interface Result {
  name: string;
  seconds: number;
  /** user + system CPU seconds: on a shared machine, wall time also counts waiting for a core. */
  cpuSeconds: number;
  peakRssMB: number;
  trainPairs: number;
  validPairs: number;
  phases: Record<string, number>;
}

/** Child mode: one import, then one JSON line on stdout. */
async function child(home: string, files: string[], options: ImportOptions): Promise<void> {
  const svc = new DatasetService(home);
  const phases: Record<string, number> = {};
  let phase = '';
  let since = performance.now();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const meta = await svc.import(files, options, {
    onProgress: (p) => {
      if (p.phase !== phase) {
        const now = performance.now();
        if (phase !== '') phases[phase] = (now - since) / 1000;
        phase = p.phase;
        since = now;
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const result: Result = {
    name: meta.name,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    trainPairs: meta.trainPairs,
    validPairs: meta.validPairs,
    phases,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** A Zipf-ish synthetic parallel corpus: the target is a word-by-word "translation" with noise. */
async function generate(dir: string, pairs: number): Promise<[string, string]> {
  const vocab = 30_000;
  const word = (lang: string, id: number): string => {
    // Pronounceable words, distinct per id and language.
    const syl = [
      'ka',
      'to',
      'ri',
      'me',
      'su',
      'no',
      'la',
      'vi',
      'de',
      'go',
      'pa',
      'zu',
      'be',
      'xi',
      'mo',
      'ne',
    ];
    let s = lang === 'de' ? 'e' : '';
    let x = id + 1;
    while (x > 0) {
      s += syl[x % 16];
      x = Math.floor(x / 16);
    }
    return s;
  };
  let seed = 42;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const zipf = (): number => Math.min(vocab - 1, Math.floor(Math.exp(rnd() * Math.log(vocab)) - 1));
  const src = join(dir, 'bench.en');
  const tgt = join(dir, 'bench.de');
  const ws = createWriteStream(src);
  const wt = createWriteStream(tgt);
  let bs: string[] = [];
  let bt: string[] = [];
  const flush = async (): Promise<void> => {
    const a = ws.write(bs.join(''));
    const b = wt.write(bt.join(''));
    bs = [];
    bt = [];
    // Both listeners at once: a drain that fires while waiting for the other is not missed.
    await Promise.all([a ? undefined : once(ws, 'drain'), b ? undefined : once(wt, 'drain')]);
  };
  for (let i = 0; i < pairs; i++) {
    const len = 4 + Math.floor(rnd() * 22);
    const ids = Array.from({ length: len }, zipf);
    const en = ids.map((id) => word('en', id));
    const de = ids.map((id) => (rnd() < 0.1 ? word('de', zipf()) : word('de', id)));
    en[0] = en[0]!.charAt(0).toUpperCase() + en[0]!.slice(1);
    bs.push(`${en.join(' ')} .\n`);
    bt.push(`${de.join(' ')} .\n`);
    if (bs.length >= 10_000) await flush();
  }
  await flush();
  await Promise.all([new Promise((r) => ws.end(r)), new Promise((r) => wt.end(r))]);
  return [src, tgt];
}

function runChild(home: string, files: string[], options: ImportOptions): Result {
  const res = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      JSON.stringify({ home, files, options }),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (res.status !== 0) throw new Error(`benchmark child failed (exit ${res.status})`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as Result;
}

function report(label: string, r: Result, inputMB: number): void {
  const phases = Object.entries(r.phases)
    .map(([p, s]) => `${p} ${s.toFixed(1)} s`)
    .join(', ');
  console.log(
    `${label}: ${r.trainPairs.toLocaleString('en-US')} train + ${r.validPairs.toLocaleString('en-US')} valid pairs, ` +
      `${inputMB.toFixed(1)} MB input, ${r.seconds.toFixed(1)} s wall (${r.cpuSeconds.toFixed(1)} s CPU), peak RSS ${r.peakRssMB.toFixed(0)} MB (${phases})`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      pairs: { type: 'string', default: '1000000' },
      vocab: { type: 'string', default: '8000' },
      keep: { type: 'boolean', default: false },
    },
  });
  if (values.child !== undefined) {
    const { home, files, options } = JSON.parse(values.child) as {
      home: string;
      files: string[];
      options: ImportOptions;
    };
    await child(home, files, options);
    return;
  }
  const pairs = Number(values.pairs);
  const vocabSize = Number(values.vocab);
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'));
  try {
    console.log(`node ${process.version}, vocabulary ${vocabSize}, work dir ${dir}`);
    if (existsSync(MULTI30K)) {
      const gz = (f: string): string => join(MULTI30K, f);
      const files = [gz('train.en.gz'), gz('train.de.gz')];
      const valid = [gz('val.en.gz'), gz('val.de.gz')];
      let mb = 0;
      for (const f of [...files, ...valid]) mb += (await stat(f)).size / 1e6;
      report(
        'Multi30k',
        runChild(join(dir, 'home-m30k'), files, { vocabSize, validation: { files: valid } }),
        mb,
      );
    }
    const t0 = performance.now();
    const files = await generate(dir, pairs);
    let mb = 0;
    for (const f of files) mb += (await stat(f)).size / 1e6;
    console.log(
      `generated ${pairs.toLocaleString('en-US')} pairs (${mb.toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    report(
      `${pairs.toLocaleString('en-US')} pairs`,
      runChild(join(dir, 'home-big'), files, { vocabSize }),
      mb,
    );
  } finally {
    if (values.keep !== true) await rm(dir, { recursive: true, force: true });
  }
}

await main();
