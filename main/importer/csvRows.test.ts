import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import { seededRandom } from '../../shared/random';
import { describeRows } from '../text/columns';
import { CsvRowReader, MAX_RECORD_LINES, csvSampleRows } from './csvRows';
import type { CsvRow } from './csvRows';

/** Every row of `lines` fed in pushes of `sizes` lines (cycled), or the AppError that stopped it. */
async function rowsOf(lines: string[], sizes: number[] = [lines.length]): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  const reader = new CsvRowReader('a.csv', (row) => rows.push(row));
  try {
    for (let i = 0, k = 0; i < lines.length; k++) {
      const n = Math.max(1, sizes[k % sizes.length]!);
      await reader.push(lines.slice(i, i + n));
      i += n;
    }
    await reader.end();
  } finally {
    reader.close();
  }
  return rows;
}

async function failure(lines: string[], sizes?: number[]): Promise<AppError> {
  try {
    await rowsOf(lines, sizes);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the CSV to be refused');
}

describe('CsvRowReader', () => {
  it('parses RFC 4180 quoting: commas, doubled quotes, a field over two lines', async () => {
    expect(await rowsOf(['"a, ""q"" b",c', 'x,"a, b",', '"two', 'lines",zwei'])).toEqual([
      { fields: ['a, "q" b', 'c'], line: 1 },
      { fields: ['x', 'a, b', ''], line: 2 },
      { fields: ['two\nlines', 'zwei'], line: 3 },
    ]);
  });

  it('keeps quotes that do not quote a field as text', async () => {
    expect(await rowsOf(['He said "hi",Er sagte "hallo"', '5",6', '"Hi," he said.,Hallo'])).toEqual(
      [
        { fields: ['He said "hi"', 'Er sagte "hallo"'], line: 1 },
        { fields: ['5"', '6'], line: 2 },
        { fields: ['"Hi," he said.', 'Hallo'], line: 3 },
      ],
    );
  });

  it('gives blank lines as blank rows and skips Anki header lines, keeping file line numbers', async () => {
    const rows = await rowsOf([
      '#separator:comma',
      '',
      '#html:false',
      'a,b',
      '   ',
      '#not:a header',
      'c,d',
    ]);
    expect(rows).toEqual([
      { fields: null, line: 2 },
      { fields: ['a', 'b'], line: 4 },
      { fields: null, line: 5 },
      { fields: ['#not:a header'], line: 6 },
      { fields: ['c', 'd'], line: 7 },
    ]);
  });

  it('keeps a lone carriage return inside a field as text', async () => {
    expect(await rowsOf(['a\rb,c'])).toEqual([{ fields: ['a\rb', 'c'], line: 1 }]);
  });

  it('accepts a field over lines that starts with a doubled quote', async () => {
    expect(await rowsOf(['"""Hi"" she said', 'twice",x', 'y,z'])).toEqual([
      { fields: ['"Hi" she said\ntwice', 'x'], line: 1 },
      { fields: ['y', 'z'], line: 3 },
    ]);
  });

  it('refuses an unbalanced quote that would join rows, naming the line it opens on (regression)', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `"src ${i + 1}","tgt ${i + 1}"`);
    lines[30] = '"src 31,tgt 31'; // line 31: the closing quote is missing
    for (const sizes of [[40], [7], [1], [30, 10]]) {
      const err = await failure(lines, sizes);
      expect(err.code).toBe(ErrorCode.CorpusInvalid);
      expect(err.details).toEqual({ file: 'a.csv', line: 31, byte: null });
      expect(err.message).toBe(
        'a.csv line 31 opens a quoted field (") that is never closed properly: the next quote, on line 32, is followed by text instead of a comma or the end of the line, so lines 31 to 32 would be read as one row. Close the quote on line 31, or double a quote that is part of the text ("").',
      );
    }
  });

  it('names the line of the quote, not of the row, when an earlier field spans lines', async () => {
    const err = await failure(['"one', 'two","open', '"x",y', 'z,w']);
    expect(err.details).toMatchObject({ line: 2 });
  });

  it('refuses a quote never closed: at the end of the file, and past 100 lines', async () => {
    const end = await failure(['a,b', 'c,d', '"never closed,x']);
    expect(end.details).toMatchObject({ file: 'a.csv', line: 3 });
    expect(end.message).toContain('is not closed by the end of the file');
    const lines = ['a,b', '"open', ...Array.from({ length: 300 }, (_, i) => `row ${i},x`)];
    const long = await failure(lines, [50]);
    expect(long.details).toMatchObject({ line: 2 });
    expect(long.message).toContain(`is not closed after ${MAX_RECORD_LINES} lines`);
    // A quoted field of exactly 100 lines is still a row.
    const hundred = ['"1', ...Array.from({ length: 98 }, (_, i) => `${i + 2}`), '100",x'];
    expect((await rowsOf(hundred))[0]?.fields?.[1]).toBe('x');
  });

  it('gives the same rows however the lines are split into pushes', async () => {
    const r = seededRandom(7);
    const pick = (xs: readonly string[]): string => xs[Math.floor(r() * xs.length)]!;
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(
        pick([
          `plain ${i},text ${i}`,
          `"quoted, ${i}",x`,
          `"""doubled"" ${i}",y`,
          '',
          `"multi ${i}`,
          `He said "hi" ${i},z`,
        ]),
      );
      if (lines[lines.length - 1]!.startsWith('"multi')) lines.push(`line", ${i}`);
    }
    const whole = await rowsOf(lines);
    expect(whole.length).toBeGreaterThan(250);
    for (const sizes of [[1], [2, 3], [17], [100, 1]])
      expect(await rowsOf(lines, sizes)).toEqual(whole);
  });

  it('passes on an error thrown for a row, in file order', async () => {
    const reader = new CsvRowReader('a.csv', (row) => {
      if (row.line === 2) throw new AppError(ErrorCode.CorpusInvalid, 'row 2 is bad.');
    });
    await expect(reader.push(['a,b', 'c', '"open'])).rejects.toMatchObject({
      message: 'row 2 is bad.',
    });
    reader.close();
  });
});

describe('csvSampleRows', () => {
  it('takes language-named header columns (the column overview)', async () => {
    const csv = describeRows(
      await csvSampleRows('a.csv', ['note,en,de', 'x,Hi,Hallo', 'y,Yes,Ja']),
    );
    expect(csv.header).toBe(true);
    expect(csv.suggested).toEqual({ src: 1, tgt: 2 });
  });

  it('leaves out blank rows, and rows from an error on (a sample may also end inside a record)', async () => {
    expect(await csvSampleRows('a.csv', ['a,b', '', 'c,d', '"cut off'])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(await csvSampleRows('a.csv', ['a,b', '"x', '"y",z', 'c,d'])).toEqual([['a', 'b']]);
  });
});
