/**
 * A dataset folder as the engine worker reads it: the tokenizer(s) a run trains and
 * translates with, and the stored train/valid splits, tokenized.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';
import type { TokenizerRef } from '../runFolder/checkpointFormat';
import { BpeTokenizer } from '../text/tokenizer';
import type { TokenizedPair } from '../training/batching';

/** A run's tokenizers (the same object twice when the vocabulary is shared) and their reference. */
export interface Tokenizers {
  src: BpeTokenizer;
  tgt: BpeTokenizer;
  ref: TokenizerRef;
}

/** One split of a dataset as aligned lines. */
export interface SplitLines {
  src: string[];
  tgt: string[];
}

/** Reads the run's tokenizer(s): one shared tokenizer.json, or tokenizer.src.json + tokenizer.tgt.json. */
export async function loadTokenizers(
  tokenizerPath: string,
  datasetId: string,
): Promise<Tokenizers> {
  const read = async (file: string): Promise<string | undefined> => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const shared = await read(tokenizerPath);
  if (shared !== undefined) {
    const tokenizer = BpeTokenizer.fromJSON(shared);
    return { src: tokenizer, tgt: tokenizer, ref: { datasetId, sha256: sha256(shared) } };
  }
  const dir = tokenizerPath.replace(/tokenizer\.json$/, '');
  const [src, tgt] = await Promise.all([
    read(join(dir, 'tokenizer.src.json')),
    read(join(dir, 'tokenizer.tgt.json')),
  ]);
  if (src === undefined || tgt === undefined) {
    throw new AppError(
      ErrorCode.NotFound,
      `No tokenizer was found at ${tokenizerPath} (nor a source/target pair beside it).`,
    );
  }
  return {
    src: BpeTokenizer.fromJSON(src),
    tgt: BpeTokenizer.fromJSON(tgt),
    ref: { datasetId, sha256: sha256(src + tgt) },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Reads `<split>.src` and `<split>.tgt` of a dataset folder; throws if their line counts differ. */
export async function readSplit(datasetDir: string, split: 'train' | 'valid'): Promise<SplitLines> {
  const [src, tgt] = await Promise.all([
    readLines(join(datasetDir, `${split}.src`)),
    readLines(join(datasetDir, `${split}.tgt`)),
  ]);
  if (src.length !== tgt.length) {
    throw new AppError(
      ErrorCode.CorpusLineCountMismatch,
      `The stored ${split} split of ${datasetDir} is damaged: ${src.length} source lines but ${tgt.length} target lines.`,
    );
  }
  return { src, tgt };
}

/** Token ids of every pair of a split. */
export function tokenize(split: SplitLines, tk: Tokenizers): TokenizedPair[] {
  return split.src.map((s, i) => ({
    src: tk.src.encode(s),
    tgt: tk.tgt.encode(split.tgt[i] ?? ''),
  }));
}
