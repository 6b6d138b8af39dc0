import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { lines, pairs, scratch, writeCorpus } from './importFixtures.testUtil';
import { previewCorpus } from './preview';

const dir = scratch('preview-');

describe('previewCorpus', () => {
  it('shows a CSV’s columns and first pairs, read by csv-parse, up to the limit', async () => {
    const rows = [
      'en,de',
      '"Hi, you",Hallo',
      '"two',
      'lines",zwei',
      ...pairs(30).map((p) => p.join(',')),
    ];
    const p = await previewCorpus([await writeCorpus(dir.next(), 'x.csv', lines(rows))], {
      limit: 5,
    });
    expect(p).toMatchObject({
      format: 'csv',
      header: true,
      picked: { src: 0, tgt: 1 },
      srcLang: 'en',
      tgtLang: 'de',
      problems: [],
    });
    expect(p.columns?.columns.map((c) => c.name)).toEqual(['en', 'de']);
    expect(p.pairs.slice(0, 2)).toEqual([
      { src: 'Hi, you', tgt: 'Hallo' },
      { src: 'two\nlines', tgt: 'zwei' },
    ]);
    expect(p.pairs).toHaveLength(5);
  });

  it('shows the pairs before an unbalanced quote and names its line', async () => {
    const rows = pairs(40).map(([s, t]) => `"${s}","${t}"`);
    rows[30] = '"broken,"x"';
    const p = await previewCorpus([await writeCorpus(dir.next(), 'b.csv', lines(rows))], {
      limit: 100,
    });
    expect(p.pairs).toHaveLength(30);
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatchObject({
      code: ErrorCode.CorpusInvalid,
      details: { file: 'b.csv', line: 31 },
    });
    // Past the limit, the problem is the import's to name.
    const first = await previewCorpus([await writeCorpus(dir.next(), 'b.csv', lines(rows))], {
      limit: 10,
    });
    expect(first.problems).toEqual([]);
  });
});
