// Test-only reader for ../shared/data/multi30k. A fixture file, because main/text itself
// must stay free of Node built-ins (lint); the data is read in place, never copied.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dataDir = fileURLToPath(new URL('../../../shared/data/multi30k/', import.meta.url));

/** The first `count` non-empty lines of a gzipped Multi30k file, e.g. "train.de.gz". */
export function readMulti30k(name: string, count: number): string[] {
  return gunzipSync(readFileSync(dataDir + name))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .slice(0, count);
}
