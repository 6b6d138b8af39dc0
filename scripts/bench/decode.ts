// Benchmark of decoding: ms per sentence for greedy and beam 4, with and without the
// key/value cache, on the tiny and small presets (random weights, vocabulary 8000), one
// sentence at a time and batched. Sources have 20 tokens (19 + </s>); the margin is 0, so
// every hypothesis runs exactly 20 decoder steps (random weights rarely choose </s>) and
// the configurations do the same amount of search (see decodeBench.ts).
// Run: npx tsx scripts/bench/decode.ts [--backend wasm|cpu|tensorflow] [--threads N] [--batch 16] [--single 3]

import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PRESETS, type BackendName, type PresetName } from '../../shared/types';
import { chooseBackend } from '../../main/worker/backend';
import { defaultWasmThreads } from '../../main/host/EngineHost';
import { createTransformer } from '../../main/model/transformer';
import { DECODE_SRC_LEN, DECODE_VOCAB, decodeSources } from './benchData';
import { SEARCHES, timeDecoding } from './decodeBench';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: String(defaultWasmThreads()) },
    batch: { type: 'string', default: '16' },
    single: { type: 'string', default: '3' },
  },
});
const BATCH = Number(values.batch);
const SINGLE = Number(values.single);

const engine = await chooseBackend(values.backend as BackendName, {
  wasmThreads: Number(values.threads),
});
console.log(
  `backend ${engine.backend}, ${engine.threads} thread(s), load ${loadavg()[0]?.toFixed(2)}`,
);

console.log(
  `backend ${tf.getBackend()}, vocabulary ${DECODE_VOCAB}, sources ${DECODE_SRC_LEN + 1} tokens, 20 target tokens, batch ${BATCH}`,
);
console.log('preset  search  batch   cached ms/sent  uncached ms/sent  speed-up');
for (const preset of ['tiny', 'small'] as PresetName[]) {
  const model = createTransformer(
    {
      ...PRESETS[preset].model,
      dropout: 0,
      srcVocabSize: DECODE_VOCAB,
      tgtVocabSize: DECODE_VOCAB,
    },
    1,
  );
  for (const search of SEARCHES) {
    for (const batched of [false, true]) {
      const src = decodeSources(batched ? BATCH : SINGLE);
      const cached = timeDecoding(model, search, true, src, batched).msPerSentence;
      const uncached = timeDecoding(model, search, false, src, batched).msPerSentence;
      console.log(
        `${preset.padEnd(7)} ${search.padEnd(7)} ${(batched ? String(BATCH) : '1').padEnd(7)} ${cached.toFixed(1).padStart(14)}  ${uncached.toFixed(1).padStart(16)}  ${(uncached / cached).toFixed(1).padStart(7)}x`,
      );
    }
  }
  model.dispose();
}
