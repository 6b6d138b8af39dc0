import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { DatasetMeta } from '../../../shared/types';
import { normalizeSentence } from '../../text/cleaning';
import { BpeTokenizer } from '../../text/tokenizer';
import { DatasetService } from './datasets';
import type { ImportOptions } from './datasets';

const here = dirname(fileURLToPath(import.meta.url));
const MULTI30K = join(here, '../../../../shared/data/multi30k');

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'datasets-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh studio home. */
async function home(): Promise<DatasetService> {
  return new DatasetService(join(root, `home${n++}`));
}

/** Writes a fixture file (gzipped when `gz`) and returns its path. */
async function fixture(name: string, content: string | Uint8Array, gz = false): Promise<string> {
  const dir = join(root, `f${n++}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  await writeFile(path, gz ? gzipSync(bytes) : bytes);
  return path;
}

const WORDS_EN = [
  'the',
  'dog',
  'cat',
  'runs',
  'sees',
  'a',
  'red',
  'big',
  'ball',
  'man',
  'woman',
  'park',
  'in',
  'with',
];
const WORDS_DE = [
  'der',
  'Hund',
  'Katze',
  'läuft',
  'sieht',
  'ein',
  'roter',
  'großer',
  'Ball',
  'Mann',
  'Frau',
  'Park',
  'im',
  'mit',
];

/** `count` distinct sentence pairs, deterministic. */
function pairs(count: number, seed = 1): [string, string][] {
  let s = seed;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const len = 2 + rnd(6);
    const idx = Array.from({ length: len }, () => rnd(WORDS_EN.length));
    out.push([
      `${idx.map((j) => WORDS_EN[j]).join(' ')} ${i}.`,
      `${idx.map((j) => WORDS_DE[j]).join(' ')} ${i}.`,
    ]);
  }
  return out;
}

const lines = (xs: string[]): string => xs.map((x) => `${x}\n`).join('');

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the import to fail');
}

const small: ImportOptions = { vocabSize: 60, validation: { fraction: 0.1, seed: 3 } };

/** Entries of datasets/ (including hidden ones). */
async function entries(svc: DatasetService): Promise<string[]> {
  return existsSync(svc.dir) ? (await readdir(svc.dir)).sort() : [];
}

describe('import: formats', () => {
  it('imports two aligned text files (BOM, CRLF, one gzipped), guesses languages, round-trips pairs and tokenizer', async () => {
    const svc = await home();
    const ps = pairs(300);
    const en = await fixture('train.en', `\uFEFF${ps.map((p) => `${p[0]}\r\n`).join('')}`);
    const de = await fixture('train.de.gz', lines(ps.map((p) => p[1])), true);
    const progress: number[] = [];
    const meta = await svc.import([en, de], small, { onProgress: (p) => progress.push(p.percent) });
    expect(meta).toMatchObject({
      srcLang: 'en',
      tgtLang: 'de',
      sharedVocab: true,
      vocabSize: 60,
      format: 'aligned',
    });
    expect(meta.trainPairs + meta.validPairs).toBe(300);
    expect(meta.validPairs).toBeGreaterThan(10);
    expect(progress[progress.length - 1]).toBe(100);
    expect(await svc.list()).toEqual([meta]);
    expect(await svc.get(meta.id)).toEqual(meta);
    expect((await readdir(join(svc.dir, meta.id))).sort()).toEqual(
      [
        'meta.json',
        'stats.json',
        'tokenizer.json',
        'train.src',
        'train.tgt',
        'valid.src',
        'valid.tgt',
      ].sort(),
    );

    const train = await svc.readPairs(meta.id, 'train');
    const valid = await svc.readPairs(meta.id, 'valid');
    const stored = [
      ...train.src.map((s, i) => `${s}|${train.tgt[i]}`),
      ...valid.src.map((s, i) => `${s}|${valid.tgt[i]}`),
    ];
    expect(stored.sort()).toEqual(ps.map((p) => `${p[0]}|${p[1]}`).sort());

    const tok = await svc.loadTokenizer(meta.id);
    if (!tok.shared) throw new Error('expected a shared tokenizer');
    const bpe = BpeTokenizer.fromJSON(tok.json);
    expect(bpe.vocabSize).toBe(60);
    expect(bpe.decode(bpe.encode(train.tgt[0]!))).toBe(train.tgt[0]);

    const stats = await svc.stats(meta.id);
    expect(stats.trainPairs).toBe(meta.trainPairs);
    expect(stats.cleaning).toMatchObject({ read: 300, kept: 300 });
    expect(stats.src.tokens).toBe(train.src.reduce((s, x) => s + bpe.encode(x).length, 0));
    expect(stats.src.histogram.counts.reduce((a, b) => a + b, 0)).toBe(meta.trainPairs);
    expect(stats.tgt.topTokens.length).toBeGreaterThan(5);
    expect(stats.src.vocabulary).toBeGreaterThan(WORDS_EN.length);
  });

  it('imports a Tatoeba-style TSV: numeric id columns skipped, quotes kept as text, languages from the name', async () => {
    const svc = await home();
    const rows = pairs(80).map((p, i) => `${i}\t"${p[0]}," he said.\t${1000 + i}\t${p[1]}`);
    const file = await fixture('eng-deu.tsv', lines(rows));
    const preview = await svc.preview([file]);
    expect(preview).toMatchObject({
      format: 'tsv',
      picked: { src: 1, tgt: 3 },
      srcLang: 'eng',
      tgtLang: 'deu',
      header: false,
    });
    expect(preview.pairs[0]).toEqual({
      src: `"${pairs(1)[0]![0]}," he said.`,
      tgt: pairs(1)[0]![1],
    });
    expect(preview.problems).toEqual([]);
    const meta = await svc.import([file], { ...small, cleaning: { dedupe: false } });
    expect(meta.trainPairs + meta.validPairs).toBe(80);
    const all = await svc.readPairs(meta.id, 'train');
    expect(all.src.every((s) => s.startsWith('"') && s.endsWith('," he said.'))).toBe(true);
  });

  it('imports a CSV with a header, quoted commas, doubled quotes and a field over two lines', async () => {
    const svc = await home();
    const body = pairs(40).map((p) => `"${p[0]}, ""quoted""","${p[1]}"`);
    body.push('"first line\nsecond line",zweizeilig ok');
    const file = await fixture('data.csv', `en,de\n${lines(body)}`);
    const meta = await svc.import([file], { ...small, validation: { fraction: 0 } });
    expect(meta).toMatchObject({ srcLang: 'en', tgtLang: 'de', trainPairs: 41, validPairs: 0 });
    const { src, tgt } = await svc.readPairs(meta.id, 'train');
    expect(src[0]).toBe(`${pairs(1)[0]![0]}, "quoted"`);
    expect(src[40]).toBe('first line second line');
    expect(tgt[40]).toBe('zweizeilig ok');
  });

  it('imports gzipped JSONL with nested picked fields, and an Anki export with # headers', async () => {
    const svc = await home();
    const ps = pairs(60);
    const jsonl = await fixture(
      'corpus.jsonl.gz',
      lines(ps.map((p, i) => JSON.stringify({ id: i, translation: { en: p[0], de: p[1] } }))),
      true,
    );
    const meta = await svc.import([jsonl], { ...small, name: 'json' });
    expect(meta).toMatchObject({ srcLang: 'en', tgtLang: 'de', format: 'jsonl' });
    expect(meta.trainPairs + meta.validPairs).toBe(60);
    const picked = await svc.import([jsonl], {
      ...small,
      name: 'json swapped',
      columns: { src: 'translation.de', tgt: 'translation.en' },
    });
    expect(picked).toMatchObject({ srcLang: 'de', tgtLang: 'en' });

    const anki = await fixture(
      'deck.txt',
      `#separator:tab\n#html:false\n${lines(ps.map((p) => `${p[0]}\t${p[1]}\tmytag`))}`,
    );
    const a = await svc.import([anki], { ...small, name: 'anki', srcLang: 'en', tgtLang: 'de' });
    expect(a.trainPairs + a.validPairs).toBe(60);
    expect(a.format).toBe('tsv');
  });

  it('trains separate vocabularies on request and records it', async () => {
    const svc = await home();
    const ps = pairs(120);
    const meta = await svc.import(
      [
        await fixture('x.en-de.en', lines(ps.map((p) => p[0]))),
        await fixture('x.en-de.de', lines(ps.map((p) => p[1]))),
      ],
      { ...small, sharedVocab: false },
    );
    expect(meta).toMatchObject({
      srcLang: 'en',
      tgtLang: 'de',
      sharedVocab: false,
      vocabSize: 60,
      tgtVocabSize: 60,
    });
    expect(existsSync(join(svc.dir, meta.id, 'tokenizer.src.json'))).toBe(true);
    const tok = await svc.loadTokenizer(meta.id);
    if (tok.shared) throw new Error('expected two tokenizers');
    expect(BpeTokenizer.fromJSON(tok.src).tokenToId('▁dog')).toBeDefined();
    expect(BpeTokenizer.fromJSON(tok.tgt).tokenToId('▁dog')).toBeUndefined();
  });

  it('splits reproducibly by seed, cleans with counts, and keeps at least one validation pair', async () => {
    const svc = await home();
    const ps = pairs(200);
    const src = ps.map((p) => p[0]);
    const tgt = ps.map((p) => p[1]);
    src.push('', 'same', src[0]!, 'a b c d e f g h i j k l m n o p q r s t u v w x y z');
    tgt.push('leer', 'same', tgt[0]!, 'kurz');
    const files = [await fixture('c.en', lines(src)), await fixture('c.de', lines(tgt))];
    const a = await svc.import(files, { ...small, name: 'a' });
    const b = await svc.import(files, { ...small, name: 'b' });
    const c = await svc.import(files, {
      ...small,
      name: 'c',
      validation: { fraction: 0.1, seed: 4 },
    });
    expect((await svc.readPairs(a.id, 'valid')).src).toEqual(
      (await svc.readPairs(b.id, 'valid')).src,
    );
    expect((await svc.readPairs(a.id, 'valid')).src).not.toEqual(
      (await svc.readPairs(c.id, 'valid')).src,
    );
    expect((await svc.stats(a.id)).cleaning).toEqual({
      read: 204,
      kept: 200,
      droppedEmpty: 1,
      droppedTooShort: 0,
      droppedTooLong: 0,
      droppedRatio: 1,
      droppedDuplicate: 1,
      droppedIdentical: 1,
    });
    const tiny = await svc.import(
      [await fixture('t.en', 'one\ntwo\nthree\n'), await fixture('t.de', 'eins\nzwei\ndrei\n')],
      {
        vocabSize: 20,
        validation: { fraction: 0.01 },
      },
    );
    expect(tiny).toMatchObject({ trainPairs: 2, validPairs: 1 });
  });
});

describe('import: bad input', () => {
  /** Imports `files` into a home that already holds one dataset; asserts the error and that nothing changed. */
  async function rejects(
    files: string[],
    options: ImportOptions,
    code: string,
    message: RegExp,
  ): Promise<AppError> {
    const svc = await home();
    const ok = pairs(20);
    const keep = await svc.import(
      [
        await fixture('ok.en', lines(ok.map((p) => p[0]))),
        await fixture('ok.de', lines(ok.map((p) => p[1]))),
      ],
      {
        ...small,
        name: 'existing',
      },
    );
    const before = await entries(svc);
    const err = await caught(svc.import(files, { ...small, ...options }));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(await entries(svc)).toEqual(before);
    expect(await svc.list()).toEqual([keep]);
    return err;
  }

  it('line counts differ: both counts and where the short file ends', async () => {
    const ps = pairs(30);
    const err = await rejects(
      [
        await fixture('train.en', lines(ps.map((p) => p[0]))),
        await fixture('train.de', lines(ps.slice(1).map((p) => p[1]))),
      ],
      {},
      ErrorCode.CorpusLineCountMismatch,
      /^train\.de has 29 lines but train\.en has 30; train\.de ends after line 29\./,
    );
    expect(err.details).toMatchObject({ file: 'train.de', line: 29 });
  });

  it('invalid UTF-8: line and byte offset', async () => {
    const bad = Buffer.concat([
      Buffer.from('fine\nalso fine\ncaf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const err = await rejects(
      [await fixture('l1.en', bad), await fixture('l1.de', 'a\nb\nc\n')],
      {},
      ErrorCode.CorpusEncoding,
      /^l1\.en is not valid UTF-8: line 3 has the byte 0xE9 at byte 3 of the line \(byte 18 of the file\)/,
    );
    expect(err.details).toEqual({ file: 'l1.en', line: 3, byte: 18 });
  });

  it('a binary file', async () => {
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 131 + 7) % 256));
    await rejects(
      [await fixture('img.en', noise), await fixture('img.de', 'a\n')],
      {},
      ErrorCode.CorpusEncoding,
      /^img\.en looks like a binary file/,
    );
  });

  it('an empty file', async () => {
    await rejects(
      [await fixture('e.en', 'a\nb\n'), await fixture('e.de', '')],
      {},
      ErrorCode.CorpusEmpty,
      /^e\.de is empty/,
    );
    await rejects([await fixture('e.tsv', '')], {}, ErrorCode.CorpusEmpty, /^e\.tsv is empty/);
  });

  it('a TSV row with too few columns', async () => {
    const rows = pairs(10).map((p) => `${p[0]}\t${p[1]}`);
    rows.splice(6, 0, 'no tab here');
    const err = await rejects(
      [await fixture('rows.tsv', lines(rows))],
      {},
      ErrorCode.CorpusInvalid,
      /^rows\.tsv line 7 has 1 column, but column 2 was picked/,
    );
    expect(err.details).toMatchObject({ file: 'rows.tsv', line: 7 });
  });

  it('a JSONL syntax error', async () => {
    const rows = pairs(10).map((p) => JSON.stringify({ en: p[0], de: p[1] }));
    rows[4] = '{"en": "broken", "de": ';
    await rejects(
      [await fixture('j.jsonl', lines(rows))],
      {},
      ErrorCode.CorpusInvalid,
      /^j\.jsonl line 5 is not valid JSON/,
    );
  });

  it('a line over the size limit', async () => {
    await rejects(
      [await fixture('long.en', `ok\n${'x'.repeat(3000)}\n`), await fixture('long.de', 'ok\nok\n')],
      { maxLineBytes: 1024 },
      ErrorCode.CorpusInvalid,
      /^long\.en line 2 is longer than the limit of 1 KiB/,
    );
  });

  it('zero usable pairs after cleaning', async () => {
    await rejects(
      [await fixture('z.en', 'same\n\nx\n'), await fixture('z.de', 'same\ny\n\n')],
      {},
      ErrorCode.CorpusEmpty,
      /^No usable pairs are left in z\.en and z\.de after cleaning: of 3 read, 2 had an empty side, 1 were the same on both sides\./,
    );
  });

  it('a name that already exists (case-insensitively)', async () => {
    const ps = pairs(20);
    await rejects(
      [
        await fixture('n.en', lines(ps.map((p) => p[0]))),
        await fixture('n.de', lines(ps.map((p) => p[1]))),
      ],
      { name: ' Existing ' },
      ErrorCode.AlreadyExists,
      /^A dataset named "existing" already exists/,
    );
  });

  it('a truncated gzip file, a missing file, a single plain-text file', async () => {
    const gz = gzipSync(Buffer.from(lines(pairs(2000).map((p) => p[0]))));
    await rejects(
      [await fixture('t.en.gz', gz.subarray(0, gz.length >> 1)), await fixture('t.de', 'x\n')],
      {},
      ErrorCode.CorpusInvalid,
      /^t\.en\.gz is a damaged or truncated gzip file/,
    );
    await rejects(
      [join(root, 'nope.en'), await fixture('m.de', 'x\n')],
      {},
      ErrorCode.FileUnreadable,
      /^nope\.en cannot be read: it does not exist/,
    );
    await rejects(
      [await fixture('single.en', 'one\ntwo\n')],
      {},
      ErrorCode.InvalidArgument,
      /^single\.en looks like plain text/,
    );
  });
});

describe('preview', () => {
  it('shows format, columns with samples, languages, first pairs and problems so far', async () => {
    const svc = await home();
    const rows = pairs(30).map((p, i) => `${i}\t${p[0]}\t${p[1]}`);
    rows[3] = 'broken row';
    const p = await svc.preview([await fixture('deu-eng.tsv.gz', lines(rows), true)], {
      limit: 10,
    });
    expect(p.format).toBe('tsv');
    expect(p.files[0]).toMatchObject({ name: 'deu-eng.tsv.gz', gzip: true });
    expect(p.columns?.columns).toHaveLength(3);
    expect(p.columns?.columns[1]?.samples[0]).toBe(pairs(1)[0]![0]);
    expect(p.picked).toEqual({ src: 1, tgt: 2 });
    expect(p.pairs).toHaveLength(3);
    expect(p.problems[0]).toMatchObject({
      code: ErrorCode.CorpusInvalid,
      details: { file: 'deu-eng.tsv.gz', line: 4 },
    });

    const text = await svc.preview([
      await fixture('a.fr', 'Bonjour\n'),
      await fixture('a.en', 'Hello\n'),
    ]);
    expect(text).toMatchObject({
      format: 'aligned',
      srcLang: 'fr',
      tgtLang: 'en',
      pairs: [{ src: 'Bonjour', tgt: 'Hello' }],
      problems: [],
    });
  });
});

describe('list, rename, delete', () => {
  it('renames uniquely, refuses to delete a dataset in use unless forced, reports unknown ids', async () => {
    const svc = await home();
    const ps = pairs(30);
    const files = [
      await fixture('r.en', lines(ps.map((p) => p[0]))),
      await fixture('r.de', lines(ps.map((p) => p[1]))),
    ];
    const a = await svc.import(files, { ...small, name: 'A' });
    const b = await svc.import(files, { ...small, name: 'B' });
    expect((await svc.rename(a.id, 'A2')).name).toBe('A2');
    expect((await svc.get(a.id)).name).toBe('A2');
    expect((await caught(svc.rename(a.id, 'b'))).code).toBe(ErrorCode.AlreadyExists);
    const inUse = await caught(svc.delete(b.id, { inUseBy: ['run one'] }));
    expect(inUse.code).toBe(ErrorCode.InUse);
    expect(inUse.message).toContain('"B" is used by run "run one"');
    await svc.delete(b.id, { inUseBy: ['run one'], force: true });
    await svc.delete(a.id);
    expect(await svc.list()).toEqual([]);
    expect(await entries(svc)).toEqual([]);
    expect((await caught(svc.get(a.id))).code).toBe(ErrorCode.NotFound);
    expect((await caught(svc.get('../etc'))).code).toBe(ErrorCode.NotFound);
  });
});

describe('atomicity', () => {
  it('a cancelled import leaves nothing in datasets/', async () => {
    const svc = await home();
    const ps = pairs(60_000);
    const files = [
      await fixture('big.en', lines(ps.map((p) => p[0]))),
      await fixture('big.de', lines(ps.map((p) => p[1]))),
    ];
    const ctl = new AbortController();
    let phase = '';
    const err = await caught(
      svc.import(files, small, {
        signal: ctl.signal,
        onProgress: (p) => {
          phase = p.phase;
          ctl.abort();
        },
      }),
    );
    expect(phase).toBe('reading');
    expect(err.code).toBe(ErrorCode.Cancelled);
    expect(await entries(svc)).toEqual([]);
    expect(await svc.list()).toEqual([]);
  });

  it('an import killed midway (SIGKILL) is never listed and its folder is swept', async () => {
    const svc = await home();
    const ps = pairs(150_000);
    const files = [
      await fixture('kill.en', lines(ps.map((p) => p[0]))),
      await fixture('kill.de', lines(ps.map((p) => p[1]))),
    ];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'datasets.killChild.ts'), svc.home, ...files],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('progress')) {
          child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(out).not.toContain('finished');
    const left = await entries(svc);
    expect(left.every((e) => e.startsWith('.import-'))).toBe(true);
    expect(await svc.list()).toEqual([]);
    expect(await entries(svc)).toEqual([]);
  });
});

describe('Multi30k', () => {
  const gz = (f: string): string => join(MULTI30K, f);
  const read = async (f: string): Promise<string[]> =>
    gunzipSync(await readFile(gz(f)))
      .toString('utf8')
      .split('\n')
      .slice(0, -1);

  it('imports train (29,000) + own validation (1,014) and round-trips them; dedupe removes 3', async () => {
    const svc = await home();
    const validation = { files: [gz('val.en.gz'), gz('val.de.gz')] };
    const meta: DatasetMeta = await svc.import([gz('train.en.gz'), gz('train.de.gz')], {
      name: 'multi30k',
      vocabSize: 300,
      validation,
      cleaning: { dedupe: false, maxRatio: 0, maxLength: 1000 },
    });
    expect(meta).toMatchObject({
      srcLang: 'en',
      tgtLang: 'de',
      trainPairs: 29_000,
      validPairs: 1_014,
    });
    const train = await svc.readPairs(meta.id, 'train');
    // Stored text is whitespace-normalised ("a  free word  sign" has double spaces).
    expect(train.src).toEqual((await read('train.en.gz')).map(normalizeSentence));
    expect(train.tgt).toEqual((await read('train.de.gz')).map(normalizeSentence));
    const valid = await svc.readPairs(meta.id, 'valid');
    expect(valid.src).toEqual((await read('val.en.gz')).map(normalizeSentence));
    expect(valid.tgt).toHaveLength(1_014);

    const deduped = await svc.import([gz('train.en.gz'), gz('train.de.gz')], {
      name: 'multi30k dedupe',
      vocabSize: 100,
      validation,
    });
    expect(deduped.trainPairs).toBe(28_997);
    expect((await svc.stats(deduped.id)).cleaning).toMatchObject({
      read: 29_000,
      droppedDuplicate: 3,
    });
  });
});
