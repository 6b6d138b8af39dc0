// Benchmark of decoding: ms per sentence for greedy and beam 4, with and without the
// key/value cache, on the tiny and small presets (random weights, vocabulary 8000), one
// sentence at a time and batched. Sources have 20 tokens (19 + </s>); the margin is 0, so
// every hypothesis runs exactly 20 decoder steps (random weights rarely choose </s>) and
// the configurations do the same amount of search.
// Run: npx tsx scripts/bench/decode.ts [--backend wasm|cpu|tensorflow] [--batch 16]

import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PRESETS, type BackendName, type PresetName } from '../../shared/types';
import { chooseBackend } from '../../main/worker/backend';
import { defaultWasmThreads } from '../../main/host/EngineHost';
import { beamSearch } from '../../main/decoding/beam';
import { greedyDecode } from '../../main/decoding/greedy';
import { createTransformer } from '../../main/model/transformer';
import type { Transformer } from '../../main/model/transformer';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: String(defaultWasmThreads()) },
    batch: { type: 'string', default: '16' },
    single: { type: 'string', default: '3' },
  },
});
const VOCAB = 8000;
const SRC_LEN = 19; // + </s> = 20
const BATCH = Number(values.batch);
const SINGLE = Number(values.single);

const engine = await chooseBackend(values.backend as BackendName, {
  wasmThreads: Number(values.threads),
});
console.log(
  `backend ${engine.backend}, ${engine.threads} thread(s), load ${loadavg()[0]?.toFixed(2)}`,
);

function sentences(count: number, seed: number): number[][] {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: SRC_LEN }, () => 4 + (next() % (VOCAB - 4))),
  );
}

type Search = 'greedy' | 'beam 4';

function run(model: Transformer, search: Search, cache: boolean, src: number[][]): void {
  if (search === 'greedy') greedyDecode(model, src, { cache, margin: 0 });
  else beamSearch(model, src, { cache, beamSize: 4, alpha: 0.6, margin: 0 });
}

/** ms per sentence: `single` sentences one by one, or one batch of `batch`. */
function time(model: Transformer, search: Search, cache: boolean, batched: boolean): number {
  const src = sentences(batched ? BATCH : SINGLE, 7);
  run(model, search, cache, src.slice(0, 1)); // warm-up: kernels, shapes
  const t = performance.now();
  if (batched) run(model, search, cache, src);
  else for (const s of src) run(model, search, cache, [s]);
  return (performance.now() - t) / src.length;
}

console.log(
  `backend ${tf.getBackend()}, vocabulary ${VOCAB}, sources ${SRC_LEN + 1} tokens, 20 target tokens, batch ${BATCH}`,
);
console.log('preset  search  batch   cached ms/sent  uncached ms/sent  speed-up');
for (const preset of ['tiny', 'small'] as PresetName[]) {
  const model = createTransformer(
    { ...PRESETS[preset].model, dropout: 0, srcVocabSize: VOCAB, tgtVocabSize: VOCAB },
    1,
  );
  for (const search of ['greedy', 'beam 4'] as Search[]) {
    for (const batched of [false, true]) {
      const cached = time(model, search, true, batched);
      const uncached = time(model, search, false, batched);
      console.log(
        `${preset.padEnd(7)} ${search.padEnd(7)} ${(batched ? String(BATCH) : '1').padEnd(7)} ${cached.toFixed(1).padStart(14)}  ${uncached.toFixed(1).padStart(16)}  ${(uncached / cached).toFixed(1).padStart(7)}x`,
      );
    }
  }
  model.dispose();
}
