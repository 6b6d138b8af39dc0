import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import {
  Cleaner,
  DEFAULT_CLEANING,
  HashSet64,
  countWords,
  hash64,
  isValidationPair,
  normalizeSentence,
} from './cleaning';
import { describeColumns } from './columns';
import { RecordParser, lineCountMismatch } from './corpus';
import {
  guessLanguageFromName,
  guessLanguagePairFromName,
  parseDelimitedLine,
  sniffSingleFileFormat,
} from './corpusFormats';
import { LineDecoder, findInvalidUtf8 } from './lineDecoder';
import { SideStatsAccumulator } from './sideStats';

const enc = new TextEncoder();

/** Feeds bytes in chunks of `size` and returns every line, or the AppError thrown. */
function decodeAll(bytes: Uint8Array, size = 7, maxLineBytes?: number): string[] {
  const d = new LineDecoder({
    file: 'f.txt',
    ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
  });
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += size)
    out.push(...d.push(bytes.subarray(i, i + size)).lines);
  out.push(...d.end().lines);
  return out;
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('LineDecoder', () => {
  it('splits LF and CRLF lines across chunk boundaries, skips a BOM, keeps a last unterminated line', () => {
    const bytes = enc.encode('\uFEFFeins\r\nzwei\n\ndrei ä€😀');
    for (const size of [1, 2, 3, 5, 64])
      expect(decodeAll(bytes, size)).toEqual(['eins', 'zwei', '', 'drei ä€😀']);
  });

  it('counts a final newline as the end of the last line, not a new one', () => {
    expect(decodeAll(enc.encode('a\nb\n'))).toEqual(['a', 'b']);
    expect(decodeAll(new Uint8Array(0))).toEqual([]);
    expect(decodeAll(enc.encode('\uFEFF'))).toEqual([]);
  });

  it('names the line and byte of invalid UTF-8', () => {
    const bytes = new Uint8Array([...enc.encode('ok\nalso ok\nbad '), 0xe9, ...enc.encode('t\n')]);
    for (const size of [1, 4, 100]) {
      const err = thrown(() => decodeAll(bytes, size));
      expect(err.code).toBe(ErrorCode.CorpusEncoding);
      expect(err.details).toMatchObject({ file: 'f.txt', line: 3, byte: 15 });
      expect(err.message).toContain('line 3 has the byte 0xE9 at byte 4 of the line');
    }
  });

  it('rejects a UTF-8 sequence cut at the end of the file', () => {
    const err = thrown(() => decodeAll(new Uint8Array([0x61, 0x0a, 0xe2, 0x82])));
    expect(err.details).toMatchObject({ line: 2, byte: 2 });
  });

  it('calls NUL bytes and control-heavy files binary, and UTF-16 by its BOM', () => {
    expect(thrown(() => decodeAll(new Uint8Array([0x61, 0x0a, 0x62, 0, 0x63]))).message).toMatch(
      /binary.*line 2 contains a NUL/,
    );
    const noise = new Uint8Array(200).map((_, i) => (i * 7) % 32);
    expect(
      thrown(() =>
        decodeAll(
          noise.map((b) => (b === 0 ? 1 : b)),
          50,
        ),
      ).code,
    ).toBe(ErrorCode.CorpusEncoding);
    expect(thrown(() => decodeAll(new Uint8Array([0xff, 0xfe, 0x61, 0x00]))).message).toContain(
      'UTF-16',
    );
  });

  it('stops a line over the size limit without buffering the rest', () => {
    const big = enc.encode(`short\n${'x'.repeat(5000)}\nafter\n`);
    for (const size of [100, 10_000]) {
      const err = thrown(() => decodeAll(big, size, 1000));
      expect(err.code).toBe(ErrorCode.CorpusInvalid);
      expect(err.details).toMatchObject({ line: 2 });
      expect(err.message).toContain('longer than the limit');
    }
    expect(decodeAll(enc.encode(`${'y'.repeat(1000)}\r\n`), 64, 1000)).toHaveLength(1);
  });

  it('agrees with TextDecoder on random bytes', () => {
    let s = 7;
    const rnd = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
    const dec = new TextDecoder('utf-8', { fatal: true });
    for (let t = 0; t < 2000; t++) {
      const b = new Uint8Array(1 + (t % 9)).map(() =>
        rnd() < 128 ? 0xc0 + (rnd() & 0x3f) : 0x80 + (rnd() & 0x7f),
      );
      let valid = true;
      try {
        dec.decode(b);
      } catch {
        valid = false;
      }
      expect(findInvalidUtf8(b) < 0).toBe(valid);
    }
  });
});

describe('formats', () => {
  it('parses TSV/CSV with RFC 4180 quotes only where a field is quoted', () => {
    expect(parseDelimitedLine('a\tb\tc', '\t', false).fields).toEqual(['a', 'b', 'c']);
    expect(parseDelimitedLine('"Hi," he said.\tHallo', '\t', false).fields).toEqual([
      '"Hi," he said.',
      'Hallo',
    ]);
    expect(parseDelimitedLine('"a ""q"" b",c', ',', true).fields).toEqual(['a "q" b', 'c']);
    expect(parseDelimitedLine('x,"a, b",', ',', true).fields).toEqual(['x', 'a, b', '']);
    expect(parseDelimitedLine('5",6', ',', true).fields).toEqual(['5"', '6']);
    expect(parseDelimitedLine('"open, still', ',', true).complete).toBe(false);
    expect(parseDelimitedLine('"open\tstill', '\t', false)).toEqual({
      fields: ['"open', 'still'],
      complete: true,
    });
  });

  it('guesses languages from file names', () => {
    expect(guessLanguageFromName('train.en')).toBe('en');
    expect(guessLanguageFromName('/x/train.de.gz')).toBe('de');
    expect(guessLanguageFromName('x.en-de.en')).toBe('en');
    expect(guessLanguageFromName('europarl-v7.de-en.de')).toBe('de');
    expect(guessLanguageFromName('news_fr.txt')).toBe('fr');
    expect(guessLanguageFromName('corpus.txt')).toBeUndefined();
    expect(guessLanguagePairFromName('deu-eng.tsv')).toEqual(['deu', 'eng']);
    expect(guessLanguagePairFromName('data.tsv')).toBeUndefined();
  });

  it('sniffs a single file', () => {
    expect(sniffSingleFileFormat('a.dat', ['{"en":"a","de":"b"}'])).toBe('jsonl');
    expect(sniffSingleFileFormat('a.dat', ['1\tHi\t2\tHallo', '3\tYes\t4\tJa'])).toBe('tsv');
    expect(sniffSingleFileFormat('a.dat', ['Hi,Hallo', '"Yes, sir",Ja'])).toBe('csv');
    expect(sniffSingleFileFormat('a.dat', ['Just a sentence.'])).toBe('aligned');
    expect(sniffSingleFileFormat('a.csv', ['whatever'])).toBe('csv');
  });
});

describe('RecordParser', () => {
  it('picks TSV columns, skips Anki headers and a header row, gives blank lines as empty pairs', () => {
    const p = new RecordParser({
      format: 'tsv',
      file: 'a.tsv',
      columns: { src: 1, tgt: 3 },
      header: true,
    });
    expect(p.push('#separator:tab', 1)).toBeNull();
    expect(p.push('id\ten\tid\tde', 2)).toBeNull();
    expect(p.headerNames).toEqual(['id', 'en', 'id', 'de']);
    expect(p.push('1\tHi.\t2\tHallo.', 3)).toEqual(['Hi.', 'Hallo.']);
    expect(p.push('', 4)).toEqual(['', '']);
    const err = thrown(() => p.push('5\tonly two', 5));
    expect(err.code).toBe(ErrorCode.CorpusInvalid);
    expect(err.message).toBe(
      'a.tsv line 5 has 2 columns, but column 4 was picked for the target; every row needs at least 4 tab-separated columns. Fix that row, or pick other columns.',
    );
  });

  it('reads JSONL fields by dotted path and names syntax errors and missing fields', () => {
    const p = new RecordParser({
      format: 'jsonl',
      file: 'a.jsonl',
      columns: { src: 'translation.en', tgt: 'translation.de' },
    });
    expect(p.push('{"translation":{"en":"Hi","de":"Hallo"}}', 1)).toEqual(['Hi', 'Hallo']);
    const bad = thrown(() => p.push('{"translation": {"en": "Hi"', 2));
    expect(bad.message).toMatch(/^a\.jsonl line 2 is not valid JSON/);
    const missing = thrown(() => p.push('{"translation":{"en":"Hi"}}', 3));
    expect(missing.message).toContain('a.jsonl line 3 has no field "translation.de"');
    expect(thrown(() => p.push('[1,2]', 4)).message).toContain('not an object');
  });

  it('rejects picks that cannot work', () => {
    expect(
      thrown(() => new RecordParser({ format: 'tsv', file: 'a', columns: { src: 1, tgt: 1 } }))
        .code,
    ).toBe(ErrorCode.InvalidArgument);
    expect(
      thrown(() => new RecordParser({ format: 'jsonl', file: 'a', columns: { src: 0, tgt: 1 } }))
        .code,
    ).toBe(ErrorCode.InvalidArgument);
  });
});

describe('describeColumns', () => {
  it('skips numeric id columns (Tatoeba) and suggests the text ones', () => {
    const o = describeColumns('tsv', ['1\tHi.\t77\tHallo.', '2\tYes.\t78\tJa.']);
    expect(o.header).toBe(false);
    expect(o.columns.map((c) => c.samples[0])).toEqual(['1', 'Hi.', '77', 'Hallo.']);
    expect(o.suggested).toEqual({ src: 1, tgt: 3 });
  });

  it('takes language-named JSONL fields', () => {
    // (CSV header columns: main/importer/csvRows.test.ts, where csv-parse splits the rows.)
    const json = describeColumns('jsonl', [
      '{"id":1,"meta":"m","translation":{"en":"Hi","de":"Hallo"}}',
    ]);
    expect(json.columns.map((c) => c.name)).toEqual(['meta', 'translation.en', 'translation.de']);
    expect(json.suggested).toEqual({ src: 'translation.en', tgt: 'translation.de' });
  });
});

describe('cleaning', () => {
  it('normalises whitespace and counts words', () => {
    expect(normalizeSentence('  a\tb \n c  ')).toBe('a b c');
    expect(countWords('a b c')).toBe(3);
    expect(countWords('')).toBe(0);
  });

  it('counts each dropped pair under its first reason', () => {
    const c = new Cleaner({ ...DEFAULT_CLEANING, maxLength: 5, minLength: 2, maxRatio: 2 });
    const pairs: [string, string][] = [
      ['a b', 'c d'],
      ['', 'x'],
      ['a', 'b c'],
      ['a b c d e f', 'a b'],
      ['a b c d e', 'a b'],
      ['same text', 'same text'],
      ['a b', 'c d'],
      ['a b', 'c e'],
    ];
    expect(pairs.map(([s, t]) => c.keep(s, t))).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(c.report).toEqual({
      read: 8,
      kept: 2,
      droppedEmpty: 1,
      droppedTooShort: 1,
      droppedTooLong: 1,
      droppedRatio: 1,
      droppedDuplicate: 1,
      droppedIdentical: 1,
    });
  });

  it('keeps a 64-bit hash set exact through growth', () => {
    const set = new HashSet64(4);
    const h = new Uint32Array(2);
    for (let i = 0; i < 50_000; i++) {
      hash64(`s${i}`, 0, h);
      expect(set.add(h[0]!, h[1]!)).toBe(true);
    }
    for (let i = 0; i < 50_000; i += 97) {
      hash64(`s${i}`, 0, h);
      expect(set.add(h[0]!, h[1]!)).toBe(false);
    }
    expect(set.size).toBe(50_000);
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
  });

  it('splits near the asked fraction, reproducibly per seed', () => {
    const h = new Uint32Array(2);
    const pick = (seed: number): number[] => {
      const out: number[] = [];
      for (let i = 0; i < 20_000; i++)
        if (isValidationPair(hash64(`p${i}`, 0, h), seed, 0.1)) out.push(i);
      return out;
    };
    const a = pick(1);
    expect(a.length).toBeGreaterThan(1800);
    expect(a.length).toBeLessThan(2200);
    expect(pick(1)).toEqual(a);
    expect(pick(2)).not.toEqual(a);
  });
});

describe('stats', () => {
  it('builds histograms and top tokens', () => {
    const s = new SideStatsAccumulator('en');
    s.addIds([4, 5, 4]);
    s.addIds(new Array<number>(12).fill(6));
    s.addIds(new Array<number>(700).fill(7));
    const r = s.finish((id) => `t${id}`, 42);
    expect(r).toMatchObject({ lang: 'en', tokens: 715, vocabulary: 42, maxLength: 700 });
    expect(r.histogram.bounds).toEqual([
      5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500, 700,
    ]);
    expect(r.histogram.counts[0]).toBe(1);
    expect(r.histogram.counts[2]).toBe(1);
    expect(r.histogram.counts[15]).toBe(1);
    expect(r.topTokens[0]).toEqual({ token: 't7', count: 700 });
    const small = new SideStatsAccumulator('de');
    small.addIds([1, 2]);
    expect(small.finish(String, 2).histogram).toEqual({ bounds: [5], counts: [1] });
  });

  it('words the line-count error with both counts', () => {
    expect(lineCountMismatch('train.de', 28_999, 'train.en', 29_000).message).toMatch(
      /^train\.de has 28,999 lines but train\.en has 29,000; train\.de ends after line 28,999\./,
    );
  });
});
