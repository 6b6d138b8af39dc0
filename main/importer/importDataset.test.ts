import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import { IMPORT_DEFAULTS } from '../../shared/schema/importOptions';
import type { ImportPhase } from '../../shared/types';
import { BpeTokenizer } from '../text/tokenizer';
import { DATASET_FILES, listDatasets, nameKey } from './datasetFolder';
import { importDataset } from './importDataset';
import { lines, pairs, scratch, writeCorpus } from './importFixtures.testUtil';

const dir = scratch('import-dataset-');

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the import to fail');
}

/** A 40-row CSV of quoted pairs with a header, each row on its own line. */
function csvRows(): string[] {
  return ['en,de', ...pairs(39).map(([s, t]) => `"${s}","${t}"`)];
}

describe('importDataset', () => {
  it('refuses a CSV with an unbalanced quote on line 31, naming the file and line; nothing is imported', async () => {
    const rows = csvRows();
    const [src31, tgt31] = pairs(30)[29]!;
    rows[30] = `"${src31},${tgt31}`; // line 31: a quote opens and is never closed
    const file = await writeCorpus(dir.next(), 'pairs.csv', lines(rows));
    const datasets = dir.next();
    const err = await failure(importDataset(datasets, [file], { vocabSize: 40 }));
    expect(err.code).toBe(ErrorCode.CorpusInvalid);
    expect(err.details).toEqual({ file: 'pairs.csv', line: 31, byte: null });
    expect(err.message).toMatch(
      /^pairs\.csv line 31 opens a quoted field \("\) that is never closed properly/,
    );
    expect(existsSync(datasets) ? await readdir(datasets) : []).toEqual([]);
    // The same file with the quote closed imports every row.
    rows[30] = `"${src31}","${tgt31}"`;
    const meta = await importDataset(
      datasets,
      [await writeCorpus(dir.next(), 'pairs.csv', lines(rows))],
      { vocabSize: 40, validation: { fraction: 0 } },
    );
    expect(meta).toMatchObject({ format: 'csv', srcLang: 'en', tgtLang: 'de', trainPairs: 39 });
  });

  it('reports the phases in order and ends at 100%', async () => {
    const ps = pairs(200);
    const d = dir.next();
    const files = [
      await writeCorpus(d, 'p.en', lines(ps.map((p) => p[0]))),
      await writeCorpus(d, 'p.de', lines(ps.map((p) => p[1]))),
    ];
    const phases: ImportPhase[] = [];
    let last = -1;
    const meta = await importDataset(
      dir.next(),
      files,
      { vocabSize: 50 },
      {
        onProgress: (p) => {
          if (phases.at(-1) !== p.phase) phases.push(p.phase);
          expect(p.percent).toBeGreaterThanOrEqual(last);
          last = p.percent;
        },
      },
    );
    expect(phases).toEqual(['reading', 'tokenizer', 'stats', 'saving', 'done']);
    expect(last).toBe(100);
    expect(meta.trainPairs + meta.validPairs).toBe(200);
  });

  it('holds a name while its import runs: another import of it is refused, a default name moves on', async () => {
    const ps = pairs(20);
    const d = dir.next();
    const files = [
      await writeCorpus(d, 'c.en', lines(ps.map((p) => p[0]))),
      await writeCorpus(d, 'c.de', lines(ps.map((p) => p[1]))),
    ];
    const datasets = dir.next();
    const pending = new Set([nameKey('Busy'), nameKey('c en-de')]);
    const err = await failure(
      importDataset(datasets, files, { name: 'busy', vocabSize: 30 }, {}, pending),
    );
    expect(err.code).toBe(ErrorCode.AlreadyExists);
    expect(err.message).toBe(
      'A dataset named "busy" is being imported right now; choose another name.',
    );
    const meta = await importDataset(datasets, files, { vocabSize: 30 }, {}, pending);
    expect(meta.name).toBe('c en-de (2)');
    expect([...pending].sort()).toEqual([nameKey('Busy'), nameKey('c en-de')].sort());
    expect((await listDatasets(datasets)).map((m) => m.name)).toEqual(['c en-de (2)']);
  });

  it('trains tokenizers that isolate punctuation, as `tokenizers` reads them, and records it', async () => {
    const ps: [string, string][] = pairs(60).map(([s, t]) => [`${s}.`, `${t}, ja!`]);
    const d = dir.next();
    const files = [
      await writeCorpus(d, 'p.en', lines(ps.map((p) => p[0]))),
      await writeCorpus(d, 'p.de', lines(ps.map((p) => p[1]))),
    ];
    const datasets = dir.next();
    const meta = await importDataset(datasets, files, { vocabSize: 60 });
    expect(meta.punctuation).toBe(IMPORT_DEFAULTS.punctuation);
    expect(meta.punctuation).toBe('isolated');
    const json = await readFile(join(datasets, meta.id, DATASET_FILES.tokenizer), 'utf8');
    const tok = BpeTokenizer.fromJSON(json);
    expect(tok.punctuation).toBe('isolated');
    const hf = Tokenizer.fromString(json);
    for (const text of [...ps[0]!, 'ein Satz, noch einer.']) {
      const ids = tok.encode(text);
      expect(ids).toEqual((await hf.encode(text, null, { addSpecialTokens: false })).getIds());
      // No token joins a word and its punctuation.
      expect(tok.tokens(text).filter((t) => t.length > 1 && /[.,!]/.test(t))).toEqual([]);
    }
  });

  it('checks the options before reading a file', async () => {
    const missing = [`${dir.root}/nope.en`, `${dir.root}/nope.de`];
    expect((await failure(importDataset(dir.next(), missing, { vocabSize: 3 }))).message).toMatch(
      /^The vocabulary size must be a whole number of at least 5/,
    );
    const ctl = new AbortController();
    ctl.abort();
    expect(
      (await failure(importDataset(dir.next(), missing, {}, { signal: ctl.signal }))).code,
    ).toBe(ErrorCode.Cancelled);
  });
});
