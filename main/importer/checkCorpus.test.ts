import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { checkCorpus } from './checkCorpus';
import { importDataset } from './importDataset';
import { lines, pairs, scratch, writeCorpus } from './importFixtures.testUtil';
import { previewCorpus } from './preview';

const dir = scratch('check-');

describe('checkCorpus', () => {
  it('names a line-count mismatch the 20-pair preview does not reach', async () => {
    const d = dir.next();
    const ps = pairs(300);
    const en = await writeCorpus(d, 'talk.en', lines(ps.map((p) => p[0])));
    const de = await writeCorpus(d, 'talk.de', lines(ps.slice(0, 299).map((p) => p[1])));
    expect((await previewCorpus([en, de])).problems).toEqual([]);
    const check = await checkCorpus([en, de]);
    expect(check.problem).toMatchObject({ code: ErrorCode.CorpusLineCountMismatch });
    expect(check.problem?.message).toMatch(/299/);
    expect(check.problem?.message).toMatch(/300/);
    expect(check.trainPairs).toBeUndefined();
  });

  it('names the JSONL line past the sniffed sample that lacks a field', async () => {
    const d = dir.next();
    const rows = pairs(400).map(([en, de]) => JSON.stringify({ en, de }));
    rows[349] = JSON.stringify({ en: 'only one side' });
    const file = await writeCorpus(d, 'talk.jsonl', lines(rows));
    const check = await checkCorpus([file]);
    expect(check.problem).toMatchObject({
      code: ErrorCode.CorpusInvalid,
      details: { file: 'talk.jsonl', line: 350 },
    });
  });

  it('names the TSV row with too few columns, as the import does', async () => {
    const d = dir.next();
    const rows = pairs(300).map(([en, de]) => `${en}\t${de}`);
    rows[250] = 'no tab here';
    const file = await writeCorpus(d, 'talk.tsv', lines(rows));
    const check = await checkCorpus([file]);
    expect(check.problem).toMatchObject({ details: { file: 'talk.tsv', line: 251 } });
    const home = await mkdtemp(join(d, 'home-'));
    await expect(importDataset(home, [file])).rejects.toMatchObject({
      message: check.problem?.message,
    });
  });

  it('counts the pairs the import keeps and says how large the vocabulary can be', async () => {
    const d = dir.next();
    const ps = pairs(120);
    const en = await writeCorpus(d, 'small.en', lines(ps.map((p) => p[0])));
    const de = await writeCorpus(d, 'small.de', lines(ps.map((p) => p[1])));
    const options = { vocabSize: 2000, validation: { fraction: 0.1, seed: 3 } };
    const check = await checkCorpus([en, de], options);
    expect(check.problem).toBeUndefined();
    const meta = await importDataset(await mkdtemp(join(d, 'home-')), [en, de], options);
    expect(check.trainPairs).toBe(meta.trainPairs);
    expect(check.validPairs).toBe(meta.validPairs);
    expect(check.cleaning?.read).toBe(120);
    expect(check.vocab).toEqual({ requested: 2000, possible: meta.vocabSize });
    expect(meta.vocabSize).toBeLessThan(2000);
  });

  it('reports a corpus that cleaning empties, with the reasons', async () => {
    const d = dir.next();
    const file = await writeCorpus(d, 'same.tsv', lines(['a\ta', 'b\tb', 'c\tc']));
    const check = await checkCorpus([file], {
      cleaning: { dropIdentical: true },
    });
    expect(check.problem).toMatchObject({ code: ErrorCode.CorpusEmpty });
    expect(check.problem?.message).toMatch(/3 were the same on both sides/);
  });
});
