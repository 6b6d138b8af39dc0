/**
 * The exported folder computes the studio's function: an independent Python reference of
 * MarianMT's forward pass (marianReference.py, from Transformers' modeling_marian semantics,
 * its own safetensors parsing, PyTorch) gives the studio's logits on a padded batch; and an
 * export -> import round trip gives the same weights bit for bit and the same greedy and
 * beam translations.
 */
import { spawnSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedTensor } from '../../../shared/namedTensor';
import { beamSearch } from '../../decoding/beam';
import { greedyDecode } from '../../decoding/greedy';
import { paddingMask } from '../../model/masks';
import { maxAbsDiff } from '../../model/testUtil';
import { createTransformer, type Transformer } from '../../model/transformer';
import { useTestBackend } from '../../testing/tfBackend';
import { PRESETS } from '../../../shared/types';
import { seededRandom } from '../../../shared/random';
import { fixtureModel, fixtureTokenizer, FIXTURE_SENTENCES } from './marian.fixture';
import { marianFolderContent, readMarianFolder, writeMarianFolder } from './marianFolder';

const REFERENCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'marianReference.py');
/** The bound the issue sets for the logits of the studio and the reference. */
const LOGITS_TOLERANCE = 1e-4;

/** A python3 that imports torch (PYTHON, then python3 on PATH, then Debian's), or why there is none. */
function findTorchPython(): { python?: string; why: string } {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python, why: '' };
  }
  return {
    why: `no python3 with torch was found (tried ${candidates.join(', ')}); install python3-torch (Debian) or set PYTHON`,
  };
}
const torchPython = findTorchPython();

/** Replaces every weight with seeded values so biases and LayerNorms are not the identity. */
function randomise(model: Transformer, seed: number): void {
  const next = seededRandom(seed);
  const tensors: NamedTensor[] = model.exportWeights().map((t) => {
    const gain = t.name.endsWith('.gamma');
    const data = t.data.map(() => (gain ? 1 + (next() - 0.5) * 0.4 : (next() * 2 - 1) * 0.3));
    return { ...t, data };
  });
  model.loadWeights(tensors);
}

let home: string;
let folder: string;
let model: Transformer;
let sources: number[][];
const tokenizer = fixtureTokenizer();
const config = fixtureModel(tokenizer.vocabSize);

beforeAll(async () => {
  await useTestBackend();
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'marian-parity-'));
  folder = path.join(home, 'hf');
  model = createTransformer(config, 11);
  randomise(model, 12);
  const content = marianFolderContent(model.exportWeights(), tokenizer.toJSON(), {
    runName: 'parity',
    runId: 'parity-run',
    datasetId: 'ds',
    preset: 'tiny',
    checkpoint: '0',
    step: 0,
    model: config,
    train: PRESETS.tiny.train,
  });
  await writeMarianFolder(folder, content);
  sources = FIXTURE_SENTENCES.slice(0, 3).map((s) => [...tokenizer.encode(s), 2]);
});

afterAll(async () => {
  model.dispose();
  await fsp.rm(home, { recursive: true, force: true });
});

/** Pads rows with id 0 to one length. */
function pad(rows: number[][]): number[][] {
  const len = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...new Array<number>(len - r.length).fill(0)]);
}

describe('the exported folder and the studio compute the same function', () => {
  it.skipIf(torchPython.python === undefined)(
    `the Python MarianMT reference gives the studio's logits on a padded batch (<= ${LOGITS_TOLERANCE})${torchPython.python === undefined ? ` [skipped: ${torchPython.why}]` : ''}`,
    () => {
      const src = pad(sources);
      // Decoder inputs start from <s> (1), as the studio and the exported config do.
      const tgt = pad([
        [1, 5, 9, 12],
        [1, 7],
        [1, 20, 21, 22, 23],
      ]);
      const studio = tf.tidy(() => {
        const s = tf.tensor2d(src, undefined, 'int32');
        const mask = paddingMask(s);
        const memory = model.encode(s, mask);
        return model.decode(tf.tensor2d(tgt, undefined, 'int32'), memory, mask).logits.arraySync();
      });
      const r = spawnSync(torchPython.python!, [REFERENCE, folder], {
        input: JSON.stringify({ src, tgt }),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const reference = (JSON.parse(r.stdout) as { logits: number[][][] }).logits;
      const diff = maxAbsDiff(studio.flat(2), reference.flat(2));
      console.log(
        `MarianMT reference vs studio logits: max abs difference ${diff.toExponential(2)}`,
      );
      expect(diff).toBeLessThanOrEqual(LOGITS_TOLERANCE);
      // The logits are not trivially small: the comparison means something.
      expect(Math.max(...studio.flat(2).map(Math.abs))).toBeGreaterThan(1);
    },
  );

  it('export -> import gives the same weights bit for bit and the same greedy and beam translations', async () => {
    const imported = await readMarianFolder(folder);
    expect(imported.model).toEqual(config);
    expect(imported.tokenizerJson).toBe(tokenizer.toJSON());
    const original = model.exportWeights();
    const back = new Map(imported.weights.map((t) => [t.name, t]));
    expect([...back.keys()].sort()).toEqual(original.map((t) => t.name).sort());
    for (const t of original) {
      const b = back.get(t.name)!;
      expect(b.shape).toEqual(t.shape);
      expect(Buffer.from(b.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    }
    const copy = createTransformer(imported.model, 99);
    copy.loadWeights(imported.weights);
    try {
      const ids = (m: Transformer) => greedyDecode(m, sources, { margin: 8 }).map((d) => d.ids);
      expect(ids(copy)).toEqual(ids(model));
      const beams = (m: Transformer) =>
        beamSearch(m, sources, { beamSize: 3, nbest: 3, margin: 8 }).map((r) =>
          r.hypotheses.map((h) => [h.ids, h.score]),
        );
      expect(beams(copy)).toEqual(beams(model));
    } finally {
      copy.dispose();
    }
  });
});
