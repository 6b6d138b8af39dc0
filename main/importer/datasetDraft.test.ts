import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetMeta, DatasetStats } from '../../shared/types';
import { WordCounter } from '../text/bpeTrainer';
import { DatasetDraft } from './datasetDraft';
import { scratch } from './importFixtures.testUtil';
import { trainTokenizers } from './trainBpe';

const dir = scratch('draft-');

describe('DatasetDraft', () => {
  it('writes the splits, tokenizers, stats and meta, and appears only on commit', async () => {
    const datasets = dir.next();
    const draft = await DatasetDraft.create(datasets);
    expect(draft.path.startsWith(join(datasets, `.import-${process.pid}-`))).toBe(true);
    draft.train.write('a b', 'x y');
    draft.train.write('c', 'z');
    draft.valid.write('v', 'w');
    await draft.flushFull();
    await draft.closeSplits();
    expect([draft.train.pairs, draft.valid.pairs]).toEqual([2, 1]);
    const words = new WordCounter();
    words.add('a b c x y z');
    const separate = trainTokenizers(words, words, { vocabSize: 20, shared: false });
    await draft.writeTokenizers(separate);
    await draft.writeStats({ trainPairs: 2 } as DatasetStats);
    await draft.writeMeta({ id: 'd-1', name: 'd' } as DatasetMeta);
    expect(await readdir(datasets)).toEqual([draft.path.slice(datasets.length + 1)]);
    await draft.commit('d-1');
    expect(await readdir(datasets)).toEqual(['d-1']);
    const folder = join(datasets, 'd-1');
    expect((await readdir(folder)).sort()).toEqual(
      [
        'meta.json',
        'stats.json',
        'tokenizer.src.json',
        'tokenizer.tgt.json',
        'train.src',
        'train.tgt',
        'valid.src',
        'valid.tgt',
      ].sort(),
    );
    expect(await readFile(join(folder, 'train.src'), 'utf8')).toBe('a b\nc\n');
    expect(await readFile(join(folder, 'valid.tgt'), 'utf8')).toBe('w\n');
  });

  it('leaves nothing behind when discarded, open files and all', async () => {
    const datasets = dir.next();
    const draft = await DatasetDraft.create(datasets);
    draft.train.write('a', 'b');
    await draft.discard();
    expect(existsSync(draft.path)).toBe(false);
    expect(await readdir(datasets)).toEqual([]);
  });
});
