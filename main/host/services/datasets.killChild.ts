/**
 * Child process for the "import killed midway" test: starts an import and prints
 * "progress" on its first progress event, so the parent can SIGKILL it mid-stream.
 * Usage: node --import tsx datasets.killChild.ts HOME SRC TGT
 */
import { DatasetService } from './datasets';

const [home, src, tgt] = process.argv.slice(2);
if (home === undefined || src === undefined || tgt === undefined) {
  process.stderr.write('usage: datasets.killChild.ts HOME SRC TGT\n');
  process.exit(2);
}
let told = false;
await new DatasetService(home).import(
  [src, tgt],
  { name: 'killed', vocabSize: 50 },
  {
    onProgress: () => {
      if (!told) process.stdout.write('progress\n');
      told = true;
    },
  },
);
process.stdout.write('finished\n');
