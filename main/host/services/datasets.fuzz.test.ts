/**
 * Fuzz: random malformed corpora (truncated or corrupted gzip, binary noise, mixed
 * encodings, huge lines, wrong columns, bad JSON, misaligned files, stray quotes, control
 * characters) must each either import completely or fail with a named AppError: never a
 * crash, a hang, or a half-written dataset.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../shared/errors';
import { BpeTokenizer } from '../../text/tokenizer';
import { DatasetService } from './datasets';
import type { ImportOptions } from './datasets';
import { seededRandom } from '../../../shared/random';

const CASES = 1000;
const CONCURRENCY = 4;
const CASE_TIMEOUT_MS = 20_000;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'datasets-fuzz-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface FuzzFile {
  name: string;
  bytes: Uint8Array;
}

interface FuzzCase {
  kind: string;
  files: FuzzFile[];
  options: ImportOptions;
}

const WORDS = [
  'Haus',
  'dog',
  'ça',
  'naïve',
  'über',
  '日本',
  'the',
  'a',
  '"quoted"',
  'x,y',
  'tab\there',
  'emoji😀',
  '',
];

function makeCase(i: number): FuzzCase {
  const r = seededRandom(i * 7919 + 13);
  const int = (k: number): number => Math.floor(r() * k);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const sentence = (): string =>
    Array.from({ length: 1 + int(6) }, () => pick(WORDS))
      .join(' ')
      .replaceAll('\t', int(2) === 0 ? '\t' : ' ');
  const count = int(40);
  const src = Array.from({ length: count }, sentence);
  const tgt = Array.from({ length: count }, sentence);
  const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
  const joinLines = (xs: string[]): string =>
    xs.join(pick(['\n', '\r\n'])) + (int(2) === 0 ? '\n' : '');
  const noise = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));

  const format = pick(['aligned', 'tsv', 'csv', 'jsonl'] as const);
  let files: FuzzFile[];
  if (format === 'aligned') {
    files = [
      { name: 'c.en', bytes: enc(joinLines(src)) },
      { name: 'c.de', bytes: enc(joinLines(tgt)) },
    ];
  } else if (format === 'jsonl') {
    files = [
      {
        name: 'c.jsonl',
        bytes: enc(joinLines(src.map((s, k) => JSON.stringify({ en: s, de: tgt[k] })))),
      },
    ];
  } else {
    const d = format === 'tsv' ? '\t' : ',';
    const q = (s: string): string =>
      format === 'csv' ? `"${s.replaceAll('"', '""')}"` : s.replaceAll('\t', ' ');
    files = [
      { name: `c.${format}`, bytes: enc(joinLines(src.map((s, k) => `${q(s)}${d}${q(tgt[k]!)}`))) },
    ];
  }

  // One or two mutations per case.
  const mutations = [
    'truncateGzip',
    'corruptGzip',
    'noise',
    'latin1',
    'utf16',
    'hugeLine',
    'wrongColumns',
    'badJson',
    'dropLine',
    'strayQuote',
    'controls',
    'empty',
    'splice',
    'none',
  ] as const;
  const applied: string[] = [];
  for (let m = 0, n = 1 + int(2); m < n; m++) {
    const kind = pick(mutations);
    applied.push(kind);
    const f = pick(files);
    const at = (len: number): number => int(len + 1);
    switch (kind) {
      case 'truncateGzip': {
        const gz = gzipSync(f.bytes);
        f.bytes = gz.subarray(0, at(gz.length));
        f.name += '.gz';
        break;
      }
      case 'corruptGzip': {
        const gz = new Uint8Array(gzipSync(f.bytes));
        for (let k = 0; k < 1 + int(4); k++) gz[10 + int(Math.max(1, gz.length - 10))] = int(256);
        f.bytes = gz;
        break;
      }
      case 'noise':
        f.bytes = noise(int(5000));
        break;
      case 'latin1': {
        const b = new Uint8Array(f.bytes);
        if (b.length > 0) b[int(b.length)] = pick([0xe9, 0xfc, 0x80, 0xc3, 0xff, 0xed]);
        f.bytes = b;
        break;
      }
      case 'utf16':
        f.bytes = new Uint8Array(
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(Buffer.from(f.bytes).toString('utf8'), 'utf16le'),
          ]),
        );
        break;
      case 'hugeLine': {
        const pos = at(f.bytes.length);
        f.bytes = Buffer.concat([
          f.bytes.subarray(0, pos),
          Buffer.from('w'.repeat(3000 + int(5000))),
          f.bytes.subarray(pos),
        ]);
        break;
      }
      case 'wrongColumns':
        f.bytes = Buffer.concat([
          f.bytes,
          Buffer.from(pick(['\nonly one\n', '\na\tb\tc\n', '\n,,,\n', '\n"x"\n'])),
        ]);
        break;
      case 'badJson':
        f.bytes = Buffer.concat([
          f.bytes,
          Buffer.from(
            pick([
              '\n{"en": "a", "de": \n',
              '\n[1,2]\n',
              '\nnull\n',
              '\n{"en": 1}\n',
              '\n{"en":{"x":1},"de":"b"}\n',
            ]),
          ),
        ]);
        break;
      case 'dropLine': {
        const text = Buffer.from(f.bytes).toString('latin1').split('\n');
        text.splice(int(text.length), 1);
        f.bytes = Buffer.from(text.join('\n'), 'latin1');
        break;
      }
      case 'strayQuote': {
        const pos = at(f.bytes.length);
        f.bytes = Buffer.concat([
          f.bytes.subarray(0, pos),
          Buffer.from('"'),
          f.bytes.subarray(pos),
        ]);
        break;
      }
      case 'controls': {
        const b = Buffer.from(f.bytes);
        for (let k = 0; k < 1 + int(30); k++) if (b.length > 0) b[int(b.length)] = int(32);
        f.bytes = b;
        break;
      }
      case 'empty':
        f.bytes = pick([
          new Uint8Array(0),
          enc('\n\n\n'),
          enc('\uFEFF'),
          gzipSync(new Uint8Array(0)),
        ]);
        break;
      case 'splice':
        f.bytes = Buffer.concat([f.bytes.subarray(0, at(f.bytes.length)), noise(int(64))]);
        break;
      case 'none':
        break;
    }
  }
  const options: ImportOptions = {
    name: `fuzz ${i}`,
    vocabSize: 20,
    maxLineBytes: 2048,
    validation: { fraction: r() * 0.3, seed: i },
  };
  if (int(5) === 0) options.format = pick(['aligned', 'tsv', 'csv', 'jsonl'] as const);
  if (int(6) === 0)
    options.columns = pick([
      { src: 0, tgt: 3 },
      { src: 'en', tgt: 'de' },
      { src: 1, tgt: 0 },
    ]);
  if (int(4) === 0)
    options.cleaning = { dedupe: int(2) === 0, maxLength: 1 + int(5), dropIdentical: false };
  return { kind: `${format}+${applied.join('+')}`, files, options };
}

const NAMED_CODES = new Set<string>([
  ErrorCode.CorpusInvalid,
  ErrorCode.CorpusLineCountMismatch,
  ErrorCode.CorpusEncoding,
  ErrorCode.CorpusEmpty,
  ErrorCode.InvalidArgument,
  ErrorCode.FileUnreadable,
]);

it(`imports or cleanly rejects ${CASES} random malformed corpora`, async () => {
  const svc = new DatasetService(join(root, 'home'));
  const outcomes = new Map<string, number>();
  let imported = 0;

  async function runCase(i: number): Promise<void> {
    const c = makeCase(i);
    const dir = join(root, `case${i}`);
    await mkdir(dir, { recursive: true });
    const paths: string[] = [];
    for (const f of c.files) {
      const p = join(dir, f.name);
      await writeFile(p, f.bytes);
      paths.push(p);
    }
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`case ${i} (${c.kind}) hung`)), CASE_TIMEOUT_MS);
    });
    try {
      const meta = await Promise.race([svc.import(paths, c.options), hang]);
      // A success is a whole dataset: listed, both splits aligned, tokenizer loadable.
      const train = await svc.readPairs(meta.id, 'train');
      const valid = await svc.readPairs(meta.id, 'valid');
      expect(train.src.length, `case ${i}`).toBe(meta.trainPairs);
      expect(valid.tgt.length, `case ${i}`).toBe(meta.validPairs);
      expect(meta.trainPairs).toBeGreaterThan(0);
      const tok = await svc.loadTokenizer(meta.id);
      expect(BpeTokenizer.fromJSON(tok.shared ? tok.json : tok.src).vocabSize).toBeLessThanOrEqual(
        20,
      );
      await svc.delete(meta.id);
      imported++;
      outcomes.set('imported', (outcomes.get('imported') ?? 0) + 1);
    } catch (err) {
      if (!(err instanceof AppError))
        throw new Error(`case ${i} (${c.kind}) crashed: ${String(err)}`, { cause: err });
      expect(NAMED_CODES.has(err.code), `case ${i} (${c.kind}): ${err.code} ${err.message}`).toBe(
        true,
      );
      expect(err.message, `case ${i}`).toMatch(/[.!)]$/);
      if (err.code !== ErrorCode.InvalidArgument) {
        // Corpus errors name the file they are about.
        const names = c.files.map((f) => f.name);
        expect(
          names.some((n) => err.message.includes(n)),
          `case ${i} (${c.kind}): ${err.message}`,
        ).toBe(true);
      }
      outcomes.set(err.code, (outcomes.get(err.code) ?? 0) + 1);
    } finally {
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    }
  }

  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES) await runCase(next++);
    }),
  );
  // Nothing half-written anywhere: every success was deleted, every failure left nothing.
  expect(await svc.list()).toEqual([]);
  expect(await readdir(svc.dir)).toEqual([]);
  expect(imported).toBeGreaterThan(50);
  expect(outcomes.size).toBeGreaterThan(4);
  console.log('fuzz outcomes', Object.fromEntries(outcomes));
});
