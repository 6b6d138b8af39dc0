import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import type { ErrorData } from '../../shared/errors';
import { corpusFile, lines, scratch, writeCorpus } from './importFixtures.testUtil';
import { describeSample, guessLanguages, inspectCorpusFiles, resolveSource } from './sources';
import type { SourcePlan } from './sources';

const dir = scratch('sources-');

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('inspectCorpusFiles', () => {
  it('takes one or two distinct files and tells gzip by its magic bytes', async () => {
    const d = dir.next();
    const a = await writeCorpus(d, 'a.en', 'x\n', true);
    const [info] = await inspectCorpusFiles([a]);
    expect(info).toMatchObject({ name: 'a.en', gzip: true });
    expect((await failure(inspectCorpusFiles([]))).message).toMatch(/got 0 files\.$/);
    expect((await failure(inspectCorpusFiles([a, a, a]))).code).toBe(ErrorCode.InvalidArgument);
    expect((await failure(inspectCorpusFiles([a, a]))).message).toMatch(
      /^The same file, a\.en, was given for both languages/,
    );
  });
});

describe('resolveSource', () => {
  it('reads two files as aligned text, and refuses them as one-file formats', async () => {
    const d = dir.next();
    const infos = [await corpusFile(d, 'a.en', 'x\n'), await corpusFile(d, 'a.de', 'y\n')];
    expect(await resolveSource(infos, {}, 'training')).toMatchObject({ format: 'aligned' });
    const err = await failure(resolveSource(infos, { format: 'csv' }, 'validation'));
    expect(err.message).toMatch(/^Two validation files were given as CSV/);
  });

  it('sniffs a single file and suggests its text columns', async () => {
    const d = dir.next();
    const tsv = await corpusFile(d, 'data.txt', lines(['1\tHi.\t2\tHallo.', '3\tYes.\t4\tJa.']));
    expect(await resolveSource([tsv], {}, 'training')).toMatchObject({
      format: 'tsv',
      columns: { src: 1, tgt: 3 },
      header: false,
    });
    const csv = await corpusFile(d, 'c.csv', lines(['id,en,de', '1,"Hi, you",Hallo', '2,Yes,Ja']));
    const plan = await resolveSource([csv], {}, 'training');
    expect(plan).toMatchObject({ format: 'csv', columns: { src: 1, tgt: 2 }, header: true });
    expect(plan.headerLangs).toEqual({ src: 'en', tgt: 'de' });
  });

  it('throws for the import, and collects for the preview, what is wrong', async () => {
    const d = dir.next();
    const text = await corpusFile(d, 'one.en', 'just a sentence\n');
    expect((await failure(resolveSource([text], {}, 'training'))).message).toMatch(
      /^one\.en looks like plain text/,
    );
    const problems: ErrorData[] = [];
    expect(await resolveSource([text], {}, 'training', problems)).toMatchObject({
      format: 'tsv',
      columns: undefined,
    });
    expect(problems.map((p) => p.code)).toEqual([ErrorCode.InvalidArgument]);
    const narrow = await corpusFile(d, 'n.tsv', 'only\none\n');
    expect((await failure(resolveSource([narrow], {}, 'training'))).message).toMatch(
      /^n\.tsv has fewer than two columns in its first lines/,
    );
    expect(
      (await failure(resolveSource([narrow], { format: 'xml' as never }, 'training'))).code,
    ).toBe(ErrorCode.InvalidArgument);
  });
});

describe('describeSample', () => {
  it('splits CSV rows with csv-parse and TSV/JSONL lines in main/text', async () => {
    const csv = await describeSample('csv', 'a.csv', ['"Hi, you",Hallo', '"Yes, sir",Ja'], false);
    expect(csv.columns.map((c) => c.samples)).toEqual([
      ['Hi, you', 'Yes, sir'],
      ['Hallo', 'Ja'],
    ]);
    const tsv = await describeSample('tsv', 'a.tsv', ['Hi, you\tHallo'], undefined);
    expect(tsv.columns).toHaveLength(2);
  });
});

describe('guessLanguages', () => {
  const plan = (names: string[], headerLangs?: SourcePlan['headerLangs']): SourcePlan => ({
    format: names.length === 2 ? 'aligned' : 'tsv',
    files: names.map((name) => ({ path: name, name, bytes: 0, gzip: false })),
    columns: undefined,
    header: false,
    ...(headerLangs !== undefined ? { headerLangs } : {}),
  });

  it('takes given codes first, then header names, then file names', () => {
    expect(guessLanguages(plan(['train.en', 'train.de.gz']), {})).toEqual({ src: 'en', tgt: 'de' });
    expect(guessLanguages(plan(['deu-eng.tsv']), {})).toEqual({ src: 'deu', tgt: 'eng' });
    expect(guessLanguages(plan(['deu-eng.tsv'], { src: 'fr' }), { tgtLang: 'it' })).toEqual({
      src: 'fr',
      tgt: 'it',
    });
    expect(guessLanguages(plan(['data.tsv']), {})).toEqual({});
  });

  it('refuses a code that is not one', () => {
    expect(() => guessLanguages(plan(['a.tsv']), { srcLang: 'en de' })).toThrow(
      /^"en de" is not a language code/,
    );
  });
});
