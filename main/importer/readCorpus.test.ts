import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import { corpusFile, lines, pairs, scratch } from './importFixtures.testUtil';
import { forEachPair, readPairBatches } from './readCorpus';
import type { SourcePlan } from './sources';

const dir = scratch('read-corpus-');

async function all(plan: SourcePlan): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [src, tgt] of readPairBatches(plan))
    src.forEach((s, i) => out.push([s, tgt[i]!]));
  return out;
}

async function failure(plan: SourcePlan): Promise<AppError> {
  try {
    await all(plan);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the read to fail');
}

describe('readPairBatches', () => {
  it('reads two aligned files in lockstep (one gzipped), reporting bytes read', async () => {
    const ps = pairs(5000);
    const d = dir.next();
    const a = await corpusFile(d, 'c.en', lines(ps.map((p) => p[0])));
    const b = await corpusFile(d, 'c.de.gz', lines(ps.map((p) => p[1])), true);
    const plan: SourcePlan = {
      format: 'aligned',
      files: [a, b],
      columns: undefined,
      header: false,
    };
    let bytes = 0;
    const out: [string, string][] = [];
    for await (const [src, tgt] of readPairBatches(plan, { onBytes: (n) => (bytes = n) }))
      src.forEach((s, i) => out.push([s, tgt[i]!]));
    expect(out).toEqual(ps);
    expect(bytes).toBe(a.bytes + b.bytes);
  });

  it('names both counts when aligned files differ in length', async () => {
    const d = dir.next();
    const plan: SourcePlan = {
      format: 'aligned',
      files: [await corpusFile(d, 'x.en', 'a\nb\nc\n'), await corpusFile(d, 'x.de', 'a\nb\n')],
      columns: undefined,
      header: false,
    };
    const err = await failure(plan);
    expect(err.code).toBe(ErrorCode.CorpusLineCountMismatch);
    expect(err.details).toMatchObject({ file: 'x.de', line: 2, otherFile: 'x.en', otherLines: 3 });
  });

  it('picks TSV and JSONL columns line by line', async () => {
    const d = dir.next();
    const tsv = await corpusFile(d, 't.tsv', lines(['1\tHi\t2\tHallo', '', '3\tYes\t4\tJa']));
    expect(
      await all({ format: 'tsv', files: [tsv], columns: { src: 1, tgt: 3 }, header: false }),
    ).toEqual([
      ['Hi', 'Hallo'],
      ['', ''],
      ['Yes', 'Ja'],
    ]);
    const jsonl = await corpusFile(d, 'j.jsonl', lines(['{"en":"Hi","de":"Hallo"}']));
    expect(
      await all({
        format: 'jsonl',
        files: [jsonl],
        columns: { src: 'de', tgt: 'en' },
        header: false,
      }),
    ).toEqual([['Hallo', 'Hi']]);
  });

  it('reads CSV records with csv-parse: header row, a field over lines, too few columns named by line', async () => {
    const d = dir.next();
    const csv = await corpusFile(d, 'c.csv', lines(['en,de', '"two', 'lines",zwei', 'Hi,Hallo']));
    expect(
      await all({ format: 'csv', files: [csv], columns: { src: 0, tgt: 1 }, header: true }),
    ).toEqual([
      ['two\nlines', 'zwei'],
      ['Hi', 'Hallo'],
    ]);
    const short = await corpusFile(d, 's.csv', lines(['a,b', '"x,\ny"', 'c,d']));
    const err = await failure({
      format: 'csv',
      files: [short],
      columns: { src: 0, tgt: 1 },
      header: false,
    });
    expect(err.message).toMatch(/^s\.csv line 2 has 1 column, but column 2 was picked/);
  });

  it('calls an empty file empty', async () => {
    const d = dir.next();
    for (const format of ['tsv', 'csv', 'jsonl'] as const) {
      const f = await corpusFile(d, `e.${format}`, '\uFEFF');
      const columns = format === 'jsonl' ? { src: 'en', tgt: 'de' } : { src: 0, tgt: 1 };
      const err = await failure({ format, files: [f], columns, header: false });
      expect(err.code).toBe(ErrorCode.CorpusEmpty);
    }
  });
});

describe('forEachPair', () => {
  it('normalises whitespace on both sides and reports each batch', async () => {
    const d = dir.next();
    const plan: SourcePlan = {
      format: 'aligned',
      files: [
        await corpusFile(d, 'w.en', ' a  b \nc\td\n'),
        await corpusFile(d, 'w.de', 'x\ny  z\n'),
      ],
      columns: undefined,
      header: false,
    };
    const seen: string[] = [];
    const batches: number[] = [];
    await forEachPair(
      plan,
      {},
      (s, t) => seen.push(`${s}|${t}`),
      async (n) => {
        batches.push(n);
      },
    );
    expect(seen).toEqual(['a b|x', 'c d|y z']);
    expect(batches).toEqual([2]);
  });
});
