// Benchmark of the BPE tokenizer on Multi30k (train, both sides): training time for a
// shared vocabulary, encode throughput (cold and cached), and the round-trip check.
// Run: npx tsx scripts/bench/tokenizer.ts [vocabSize=8000]

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { WordCounter, trainBpeFromCounts } from '../../main/text/bpeTrainer';
import { BpeTokenizer } from '../../main/text/tokenizer';

const dataDir = fileURLToPath(new URL('../../../shared/data/multi30k/', import.meta.url));
const readLines = (name: string): string[] =>
  gunzipSync(readFileSync(dataDir + name))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);

const vocabSize = Number(process.argv[2] ?? 8000);
const en = readLines('train.en.gz');
const de = readLines('train.de.gz');
const lines = [...en, ...de];
const chars = lines.reduce((n, l) => n + l.length, 0);

let t = performance.now();
// Streamed as the importer will: one line at a time into per-side counters.
const source = new WordCounter();
const target = new WordCounter();
for (const line of en) source.add(line);
for (const line of de) target.add(line);
const countMs = performance.now() - t;
t = performance.now();
const tokenizer = trainBpeFromCounts([source, target], { vocabSize });
const trainMs = performance.now() - t;

const encodeAll = (tok: BpeTokenizer): { ms: number; tokens: number } => {
  const start = performance.now();
  let tokens = 0;
  for (const line of lines) tokens += tok.encode(line).length;
  return { ms: performance.now() - start, tokens };
};
// A fresh instance (loaded from its own JSON) has an empty word cache: the cold figure.
const fresh = BpeTokenizer.fromJSON(tokenizer.toJSON());
const cold = encodeAll(fresh);
const warm = encodeAll(fresh);

t = performance.now();
let mismatches = 0;
for (const line of lines) {
  const ids = tokenizer.encode(line);
  if (tokenizer.decode(ids) !== line) mismatches++;
}
const decodeMs = performance.now() - t;
const unk = lines.reduce((n, l) => n + tokenizer.encode(l).filter((id) => id === 3).length, 0);

const mb = (chars / 1e6).toFixed(2);
console.log(`corpus: ${lines.length} lines (${en.length} en + ${de.length} de), ${mb}M chars`);
console.log(
  `words: ${source.size} distinct en, ${target.size} distinct de; counted in ${countMs.toFixed(0)} ms`,
);
console.log(
  `train (shared, vocabSize ${vocabSize}): ${trainMs.toFixed(0)} ms -> ${tokenizer.vocabSize} tokens, ${tokenizer.merges.length} merges`,
);
for (const [name, r] of [
  ['cold', cold],
  ['cached', warm],
] as const) {
  console.log(
    `encode ${name}: ${r.ms.toFixed(0)} ms, ${((lines.length / r.ms) * 1000).toFixed(0)} lines/s, ${(chars / r.ms / 1000).toFixed(2)} M chars/s, ${r.tokens} tokens (${(r.tokens / lines.length).toFixed(1)}/line)`,
  );
}
console.log(
  `encode+decode round trip: ${lines.length - mismatches}/${lines.length} exact, ${unk} <unk>, ${decodeMs.toFixed(0)} ms`,
);
console.log(`tokenizer.json: ${(tokenizer.toJSON().length / 1024).toFixed(0)} KiB`);
