/**
 * Watch it learn: the pinned sentences are recorded at validation points only, with the
 * greedy translation and the last layer's cross-attention averaged over heads; the log
 * survives a torn last line.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPY_CONFIG, COPY_TOKENIZER } from '../../decoding/copyTask.testUtil';
import { greedyDecode } from '../../decoding/greedy';
import { createTransformer, type Transformer } from '../../model/transformer';
import { readPins, readWatch, WATCH_FILE, writePins } from '../../runFolder/watchLog';
import { useTestBackend } from '../../testing/tfBackend';
import { meanOverHeads, WatchRecorder, watchTranslations } from './watchRecorder';

const TOKENIZERS = { src: COPY_TOKENIZER, tgt: COPY_TOKENIZER };
let model: Transformer;
let dir: string;

beforeAll(async () => {
  await useTestBackend();
  model = createTransformer(COPY_CONFIG, 3);
  dir = await mkdtemp(join(tmpdir(), 'watch-'));
});

afterAll(async () => {
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('watch it learn', () => {
  it('averages heads', () => {
    expect(meanOverHeads([[[1, 0]], [[0, 1]], [[0.5, 0.5]]])).toEqual([[0.5, 0.5]]);
  });

  it('records the greedy translation and a cross-attention map whose rows sum to 1', () => {
    const [t] = watchTranslations(model, TOKENIZERS, ['c d e']);
    const greedy = greedyDecode(model, [[6, 7, 8]])[0]!;
    expect(t!.srcTokens).toEqual(['▁c', '▁d', '▁e', '</s>']);
    expect(t!.tokens).toEqual(greedy.ids.map((id) => COPY_TOKENIZER.idToToken(id)));
    expect(t!.cross).toHaveLength(greedy.ids.length);
    for (const row of t!.cross) {
      expect(row).toHaveLength(4);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3); // rounded to 4 decimals
    }
  });

  it('appends a record at validation points only, and only with pins', async () => {
    const warnings: string[] = [];
    const recorder = new WatchRecorder(dir, TOKENIZERS, (m) => warnings.push(m));
    await recorder.afterStep(10, 10, model); // no pins yet
    expect(await readWatch(dir)).toEqual([]);
    await writePins(dir, ['c d', 'e f g']);
    expect(await readPins(dir)).toEqual(['c d', 'e f g']);
    await recorder.afterStep(15, 10, model); // not a validation point
    await recorder.afterStep(20, 10, model);
    await recorder.afterStep(30, 0, model); // validation off
    await appendFile(join(dir, WATCH_FILE), '{"step": 40, "transl'); // torn by a crash
    const records = await readWatch(dir);
    expect(records.map((r) => r.step)).toEqual([20]);
    expect(records[0]!.translations.map((t) => t.text)).toEqual(['c d', 'e f g']);
    expect(warnings).toEqual([]);
  });
});
