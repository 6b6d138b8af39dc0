// Prints how long main/eval takes to score 1,000 sentence pairs (BLEU, chrF, chrF++).
// Timing lives here, not in unit tests, because the test machines are shared and loaded.
//
//   npx tsx scripts/check/evalBench.ts

import { corpusBleu } from '../../main/eval/bleu';
import { corpusChrf } from '../../main/eval/chrf';

const hyps: string[] = [];
const refs: string[] = [];
for (let i = 0; i < 1000; i++) {
  hyps.push(`Ein Mann mit ${i} Hunden läuft am Strand, während die Sonne untergeht.`);
  refs.push(`Ein Mann läuft mit ${i % 7} Hunden am Strand entlang, als die Sonne unterging.`);
}

function median(run: () => void): number {
  const times: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[3] ?? NaN;
}

const bleu = median(() => corpusBleu(hyps, [refs]));
const chrf = median(() => corpusChrf(hyps, [refs]));
const chrfpp = median(() => corpusChrf(hyps, [refs], { wordOrder: 2 }));
console.log(`1,000 sentence pairs, median of 7 runs (includes warm-up in the first runs):`);
console.log(`  corpus BLEU (13a) ${bleu.toFixed(1)} ms`);
console.log(`  corpus chrF       ${chrf.toFixed(1)} ms`);
console.log(`  corpus chrF++     ${chrfpp.toFixed(1)} ms`);
