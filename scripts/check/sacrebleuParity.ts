// Parity check: main/eval's BLEU, chrF and 13a tokenizer against the real sacreBLEU.
//
// Not a unit test: it needs Python with sacreBLEU installed, which CI need not have.
// It takes N sentences of a corpus file as the first reference stream, makes two seeded
// perturbed copies (the hypotheses and a second reference stream), runs the same inputs
// through scripts/check/sacrebleu_parity.py and through our code, and reports the largest
// differences. Exit code 1 when any score differs by more than 1e-9 or any token,
// count or signature differs.
//
//   npx tsx scripts/check/sacrebleuParity.ts [--file ../shared/data/multi30k/val.de.gz]
//       [--n 500] [--seed 1] [--python python3]
//
// Setup: a Python with sacreBLEU, e.g. `python3 -m venv /tmp/sb && /tmp/sb/bin/pip install
// sacrebleu`, then `--python /tmp/sb/bin/python` (or SACREBLEU_PYTHON=/tmp/sb/bin/python).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { corpusBleu, sentenceBleu } from '../../main/eval/bleu';
import type { BleuOptions, BleuScore } from '../../main/eval/bleu';
import { corpusChrf, sentenceChrf } from '../../main/eval/chrf';
import type { ChrfOptions } from '../../main/eval/chrf';
import { pyRstrip } from '../../main/eval/compat';
import { tokenize13a } from '../../main/eval/tokenizer13a';
import { seededRandom } from '../../shared/random';

// Keep in sync with sacrebleu_parity.py (same names, same options).
const CORPUS_BLEU: [string, BleuOptions][] = [
  ['default', {}],
  ['lowercase', { lowercase: true }],
  ['tok-none', { tokenize: 'none' }],
  ['tok-char', { tokenize: 'char' }],
  ['smooth-none', { smoothMethod: 'none' }],
  ['smooth-floor', { smoothMethod: 'floor' }],
  ['smooth-add-k', { smoothMethod: 'add-k', smoothValue: 2 }],
  ['eff', { effectiveOrder: true }],
  ['order-6', { maxNgramOrder: 6 }],
];
const CORPUS_CHRF: [string, ChrfOptions][] = [
  ['chrF', {}],
  ['chrF++', { wordOrder: 2 }],
  ['chrF-eps', { epsSmoothing: true }],
  ['chrF-lc-space', { lowercase: true, whitespace: true }],
];

interface PythonResult {
  version: string;
  tokens13a: string[];
  sentenceBleu: number[];
  sentenceChrf: number[];
  sentenceChrfpp: number[];
  corpusBleu: Record<string, Omit<BleuScore, 'signature'> & { signature: string }>;
  corpusChrf: Record<string, { score: number; signature: string }>;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

// Material that exercises the tokenizer's special cases and Python/JS string differences.
const INSERTS = [
  '3.5',
  '1,000',
  '5-6',
  '10-15 km',
  'e-mail',
  '&quot;',
  '&amp;',
  '&lt;b&gt;',
  '<skipped>',
  '(35)',
  '[x]',
  '{y}',
  '50%',
  '$5',
  '#1',
  '@a',
  'a/b',
  'U.S.A.',
  '...',
  '…',
  '—',
  '«z»',
  '😀',
  '日本語。',
  'Σ',
  'ΣΑΣ',
  'İ',
  '\u00a0',
  '\u2009',
  '\u3000',
  '\u0085',
  '\ufeff',
  '\r',
  '\t',
  '-\n',
  '\n',
  ' ',
  "don't",
  'x,5',
  '5,x',
  '.5',
  '1.',
];

/** A noisy copy of a sentence: dropped, swapped, repeated and re-cased words, inserts. */
function perturb(line: string, rand: () => number): string {
  const words = line.split(' ');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    const r = rand();
    if (r < 0.1) continue; // drop
    if (r < 0.15 && i + 1 < words.length) {
      out.push(words[i + 1] ?? '', w); // swap with next
      i++;
      continue;
    }
    if (r < 0.2) out.push(w); // repeat
    if (r < 0.25) out.push(w.toUpperCase());
    else if (r < 0.3) out.push(w.toLowerCase());
    else out.push(w);
    if (rand() < 0.12) out.push(INSERTS[Math.floor(rand() * INSERTS.length)] ?? '');
  }
  // Sometimes glue punctuation to a word or add trailing whitespace.
  let s = out.join(rand() < 0.1 ? '  ' : ' ');
  if (rand() < 0.1) s += ' ';
  if (rand() < 0.05) s = s.replace(/ /, '');
  return s;
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = arg('file', join(here, '../../../shared/data/multi30k/val.de.gz'));
  const n = Number(arg('n', '500'));
  const seed = Number(arg('seed', '1'));
  const python = arg('python', process.env['SACREBLEU_PYTHON'] ?? 'python3');

  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const rand = seededRandom(seed);
  const ref1 = text
    .split('\n')
    .filter((l) => l.length > 0)
    .slice(0, n);
  const hyps = ref1.map((l) => perturb(l, rand));
  const ref2 = ref1.map((l) => perturb(l, rand));
  const refs = [ref1, ref2];

  const proc = spawnSync(python, [join(here, 'sacrebleu_parity.py')], {
    input: JSON.stringify({ hyps, refs }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (proc.status !== 0) {
    console.error(
      `${python} sacrebleu_parity.py failed (is sacreBLEU installed?):\n${proc.stderr}`,
    );
    process.exit(2);
  }
  const py = JSON.parse(proc.stdout) as PythonResult;

  let failures = 0;
  const maxDiff: Record<string, number> = {};
  const note = (what: string, ours: number, theirs: number): void => {
    const d = Math.abs(ours - theirs);
    maxDiff[what] = Math.max(maxDiff[what] ?? 0, d);
    if (!(d <= 1e-9)) {
      failures++;
      if (failures <= 20) console.log(`DIFF ${what}: ours ${ours}, sacreBLEU ${theirs}`);
    }
  };
  const same = (what: string, ours: unknown, theirs: unknown): void => {
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      failures++;
      if (failures <= 20) {
        console.log(
          `MISMATCH ${what}: ours ${JSON.stringify(ours)}, sacreBLEU ${JSON.stringify(theirs)}`,
        );
      }
    }
  };
  // The version field names the release we emulate; compare everything else.
  const noVersion = (sig: string): string => sig.replace(/\|version:[^|]*$/, '');

  let tokenMismatches = 0;
  hyps.forEach((h, i) => {
    // sacreBLEU strips trailing whitespace before tokenizing; so does the Python helper.
    const ours = tokenize13a(pyRstrip(h));
    if (ours !== py.tokens13a[i]) {
      tokenMismatches++;
      same(`13a tokens of segment ${i + 1}`, ours, py.tokens13a[i]);
    }
    const segRefs = refs.map((stream) => stream[i] ?? '');
    note('sentence BLEU', sentenceBleu(h, segRefs).score, py.sentenceBleu[i] ?? NaN);
    note('sentence chrF', sentenceChrf(h, segRefs).score, py.sentenceChrf[i] ?? NaN);
    note(
      'sentence chrF++',
      sentenceChrf(h, segRefs, { wordOrder: 2 }).score,
      py.sentenceChrfpp[i] ?? NaN,
    );
  });

  for (const nrefs of [1, refs.length]) {
    for (const [name, options] of CORPUS_BLEU) {
      const key = `${name}/${nrefs}`;
      const ours = corpusBleu(hyps, refs.slice(0, nrefs), options);
      const theirs = py.corpusBleu[key];
      if (!theirs) throw new Error(`sacrebleu_parity.py did not return corpus BLEU "${key}".`);
      note(`corpus BLEU ${key}`, ours.score, theirs.score);
      ours.precisions.forEach((p, i) =>
        note(`corpus BLEU ${key} precisions`, p, theirs.precisions[i] ?? NaN),
      );
      note(`corpus BLEU ${key} bp`, ours.bp, theirs.bp);
      same(`corpus BLEU ${key} counts`, ours.counts, theirs.counts);
      same(`corpus BLEU ${key} totals`, ours.totals, theirs.totals);
      same(
        `corpus BLEU ${key} lengths`,
        [ours.sysLen, ours.refLen],
        [theirs.sysLen, theirs.refLen],
      );
      same(`corpus BLEU ${key} signature`, noVersion(ours.signature), noVersion(theirs.signature));
    }
    for (const [name, options] of CORPUS_CHRF) {
      const key = `${name}/${nrefs}`;
      const ours = corpusChrf(hyps, refs.slice(0, nrefs), options);
      const theirs = py.corpusChrf[key];
      if (!theirs) throw new Error(`sacrebleu_parity.py did not return corpus chrF "${key}".`);
      note(`corpus chrF ${key}`, ours.score, theirs.score);
      same(`corpus chrF ${key} signature`, noVersion(ours.signature), noVersion(theirs.signature));
    }
  }

  const t0 = performance.now();
  corpusBleu(hyps, refs);
  const tBleu = performance.now() - t0;
  const t1 = performance.now();
  corpusChrf(hyps, refs);
  const tChrf = performance.now() - t1;

  console.log(
    `sacreBLEU ${py.version} vs main/eval on ${hyps.length} segments (${file}, seed ${seed}), 2 reference streams`,
  );
  console.log(`13a tokenization: ${hyps.length - tokenMismatches}/${hyps.length} identical`);
  const worst = Object.entries(maxDiff).sort((a, b) => b[1] - a[1]);
  console.log(`largest absolute differences:`);
  for (const [what, d] of worst.slice(0, 8)) console.log(`  ${d.toExponential(2)}  ${what}`);
  console.log(
    `overall max |diff| = ${(worst[0]?.[1] ?? 0).toExponential(2)} over ${worst.length} quantities`,
  );
  console.log(
    `timing: corpus BLEU ${tBleu.toFixed(1)} ms, corpus chrF ${tChrf.toFixed(1)} ms (2 refs)`,
  );
  console.log(failures === 0 ? 'PARITY OK' : `PARITY FAILED: ${failures} differences`);
  process.exit(failures === 0 ? 0 : 1);
}

main();
