import { describe, expect, it } from 'vitest';
import { fileStem, toCsv } from './chartExport';

describe('toCsv', () => {
  it('writes a header and one line per row, blanks for missing values, quoting what needs it', () => {
    const rows = [
      { step: 10, a: 5.25, b: undefined },
      { step: 20, a: 4.5, b: 3 },
    ];
    const csv = toCsv(rows, [
      { header: 'step', value: (r) => r.step },
      { header: 'run "one", loss', value: (r) => r.a },
      { header: 'run two', value: (r) => r.b },
    ]);
    expect(csv).toBe('step,"run ""one"", loss",run two\r\n10,5.25,\r\n20,4.5,3\r\n');
  });

  it('leaves non-finite values blank', () => {
    expect(toCsv([{ v: NaN }], [{ header: 'v', value: (r) => r.v }])).toBe('v\r\n\r\n');
  });
});

describe('fileStem', () => {
  it('makes a file name of a title', () => {
    expect(fileStem('BLEU and chrF')).toBe('bleu-and-chrf');
    expect(fileStem('???')).toBe('chart');
  });
});
