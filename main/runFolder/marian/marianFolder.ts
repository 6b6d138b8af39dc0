/**
 * A Hugging Face MarianMT folder on disk: written from a studio checkpoint's plain tensors
 * (no tfjs: the weights are renamed, transposed and renumbered as typed arrays), and read
 * back into the studio's config, weights and tokenizer, refusing with a sentence anything
 * the studio's model would not compute exactly.
 *
 *   config.json  model.safetensors  tokenizer.json  tokenizer_config.json
 *   special_tokens_map.json  generation_config.json  README.md
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { NamedTensor } from '../../../shared/namedTensor';
import type { ModelConfig } from '../../../shared/types';
import { fsyncDir, randomSuffix, TEMP_PREFIX } from '../atomicFs';
import {
  readSafetensorsFile,
  unreadableFile,
  unwritableFile,
  writeSafetensorsFile,
} from '../checkpointFormat';
import { fromMarianConfig, toMarianConfig, toMarianGenerationConfig } from './marianConfig';
import { marianReadme, type ReadmeFacts } from './marianReadme';
import {
  MARIAN_LOGITS_BIAS,
  MARIAN_SHARED,
  MARIAN_TIED_ALIASES,
  fromMarianTensors,
  marianTensorSpecs,
  toMarianTensors,
} from './marianTensors';
import {
  fromHfTokenizerJson,
  hfSpecialTokensMap,
  hfTokenizerConfig,
  toHfTokenizerJson,
} from './marianTokenizer';
import { renumberFiles, renumberTensors, vocabularyOrder } from './vocabularyOrder';

export const HF_CONFIG = 'config.json';
export const HF_WEIGHTS = 'model.safetensors';
export const HF_TOKENIZER = 'tokenizer.json';
export const HF_TOKENIZER_CONFIG = 'tokenizer_config.json';
export const HF_SPECIAL_TOKENS = 'special_tokens_map.json';
export const HF_GENERATION_CONFIG = 'generation_config.json';
export const HF_README = 'README.md';

/** What an export writes, as plain data (tests compare it without touching the disk). */
export interface MarianFolderContent {
  config: Record<string, unknown>;
  tensors: NamedTensor[];
  tokenizerJson: string;
  textFiles: Record<string, string>;
}

/**
 * Everything a MarianMT folder holds for a studio checkpoint. Throws InvalidArgument with
 * the reason when the model has no Marian equivalent (pre-LN, learned positions, untied).
 */
export function marianFolderContent(
  weights: readonly NamedTensor[],
  studioTokenizerJson: string,
  facts: ReadmeFacts,
): MarianFolderContent {
  const config = toMarianConfig(facts.model);
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return {
    config: { ...config },
    tensors: toMarianTensors(weights, facts.model),
    tokenizerJson: toHfTokenizerJson(studioTokenizerJson),
    textFiles: {
      [HF_TOKENIZER_CONFIG]: json(hfTokenizerConfig(facts.model.maxPositions)),
      [HF_SPECIAL_TOKENS]: json(hfSpecialTokensMap()),
      [HF_GENERATION_CONFIG]: json(toMarianGenerationConfig(facts.model)),
      [HF_README]: marianReadme(facts),
    },
  };
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(dir)).length === 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT') return true;
    if (code === 'ENOTDIR') {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `${dir} is a file; name a new or empty folder to export into.`,
      );
    }
    throw unwritableFile(dir, err);
  }
}

/**
 * Writes `content` as the folder `outDir`, which must be new or empty (a folder holding
 * something else is refused, never overwritten). Built under a temporary name beside it
 * and renamed into place, so a failed export leaves nothing.
 * @returns the bytes written
 */
export async function writeMarianFolder(
  outDir: string,
  content: MarianFolderContent,
): Promise<number> {
  if (!(await isEmptyOrMissing(outDir))) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `${outDir} already holds files; name a new or empty folder to export into.`,
    );
  }
  const parent = path.dirname(outDir);
  try {
    await fsp.mkdir(parent, { recursive: true });
  } catch (err) {
    throw unwritableFile(parent, err);
  }
  const tmp = path.join(parent, `${TEMP_PREFIX}${path.basename(outDir)}-${randomSuffix()}`);
  try {
    await fsp.mkdir(tmp).catch((err: unknown) => {
      throw unwritableFile(tmp, err);
    });
    const digest = await writeSafetensorsFile(
      path.join(tmp, HF_WEIGHTS),
      content.tensors,
      { format: 'pt' },
      path.join(outDir, HF_WEIGHTS),
    );
    let bytes = digest.bytes;
    const files: Record<string, string> = {
      [HF_CONFIG]: `${JSON.stringify(content.config, null, 2)}\n`,
      [HF_TOKENIZER]: content.tokenizerJson,
      ...content.textFiles,
    };
    for (const [name, text] of Object.entries(files)) {
      await fsp.writeFile(path.join(tmp, name), text).catch((err: unknown) => {
        throw unwritableFile(path.join(outDir, name), err);
      });
      bytes += Buffer.byteLength(text);
    }
    await fsp.rm(outDir, { recursive: true, force: true });
    await fsp.rename(tmp, outDir).catch((err: unknown) => {
      throw unwritableFile(outDir, err);
    });
    await fsyncDir(parent);
    return bytes;
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** What an imported folder becomes: the studio's config, weights and tokenizer.json. */
export interface ImportedMarian {
  model: ModelConfig;
  weights: NamedTensor[];
  /** The studio's tokenizer.json text (post-processor stripped, canonical form). */
  tokenizerJson: string;
  /** The folder's config.json as read, for provenance. */
  config: Record<string, unknown>;
  /** True when token ids were renumbered to put <pad> <s> </s> <unk> at 0..3. */
  renumbered: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object, or CheckpointInvalid "<what> is not a JSON object / not JSON (...)". */
function parseObject(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `${what} is not JSON (${(err as Error).message}).`,
    );
  }
  if (!isObject(v))
    throw new AppError(ErrorCode.CheckpointInvalid, `${what} is not a JSON object.`);
  return v;
}

/** Marian's position table, as Transformers recomputes it: sines in the first half, cosines in the second. */
export function marianPositionTable(positions: number, dModel: number): Float32Array {
  const half = dModel / 2;
  const out = new Float32Array(positions * dModel);
  for (let pos = 0; pos < positions; pos++) {
    for (let i = 0; i < half; i++) {
      const angle = pos / Math.pow(10000, (2 * i) / dModel);
      out[pos * dModel + i] = Math.sin(angle);
      out[pos * dModel + half + i] = Math.cos(angle);
    }
  }
  return out;
}

const POSITION_TENSORS = [
  'model.encoder.embed_positions.weight',
  'model.decoder.embed_positions.weight',
];

async function readText(file: string, missing: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') {
      throw new AppError(ErrorCode.NotFound, missing, { file });
    }
    throw unreadableFile(file, err);
  }
}

async function present(file: string): Promise<boolean> {
  return fsp.stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Reads a MarianMT folder. Refused with a sentence (nothing is changed anywhere): a folder
 * that is not there, no config.json, weights only as pytorch_model.bin (with how to
 * convert) or sharded, no tokenizer.json, a config or tensors the studio's model cannot
 * compute exactly (marianConfig.ts, marianTensors.ts), a truncated or invalid safetensors
 * file, learned position tables, and tensors the studio's model has no place for.
 */
export async function readMarianFolder(dir: string): Promise<ImportedMarian> {
  const stat = await fsp.stat(dir).catch(() => undefined);
  if (stat === undefined || !stat.isDirectory()) {
    throw new AppError(
      ErrorCode.NotFound,
      `${dir} is not a folder; name the folder that holds config.json and model.safetensors.`,
    );
  }
  const label = dir;
  const configText = await readText(
    path.join(dir, HF_CONFIG),
    `${dir} cannot be imported: it has no ${HF_CONFIG}, so it is not a Hugging Face model folder.`,
  );
  const configJson = parseObject(configText, `${dir} cannot be imported: its ${HF_CONFIG}`);
  const weightsFile = path.join(dir, HF_WEIGHTS);
  if (!(await present(weightsFile))) {
    if (await present(path.join(dir, 'pytorch_model.bin'))) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `${dir} has its weights only as pytorch_model.bin (a pickle the studio does not run); convert it in Python with MarianMTModel.from_pretrained(DIR).save_pretrained(DIR, safe_serialization=True), which writes model.safetensors, and import again.`,
      );
    }
    if (await present(path.join(dir, `${HF_WEIGHTS}.index.json`))) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `${dir} has sharded weights (model.safetensors.index.json); save it as one file with save_pretrained(DIR, max_shard_size="100GB") and import again.`,
      );
    }
    throw new AppError(ErrorCode.NotFound, `${dir} cannot be imported: it has no ${HF_WEIGHTS}.`);
  }
  const tokenizerText = await readText(
    path.join(dir, HF_TOKENIZER),
    `${dir} cannot be imported: it has no ${HF_TOKENIZER}; the studio needs a fast tokenizer's tokenizer.json (tokenizer.save_pretrained(DIR) writes one for a PreTrainedTokenizerFast; SentencePiece .spm files are not supported).`,
  );
  // The special tokens get the studio's ids (vocabularyOrder.ts); a non-BPE tokenizer is
  // refused by fromHfTokenizerJson below, with the reason.
  const hfTokenizer = parseObject(tokenizerText, `${dir} cannot be imported: its ${HF_TOKENIZER}`);
  const bpe = isObject(hfTokenizer.model) && hfTokenizer.model.type === 'BPE';
  const order = bpe
    ? vocabularyOrder(hfTokenizer, configJson, label)
    : { fileId: new Int32Array(0), identity: true };
  const renumbered = renumberFiles(hfTokenizer, configJson, order);
  const model = fromMarianConfig(renumbered.config, label);
  const tokenizerJson = fromHfTokenizerJson(JSON.stringify(renumbered.tokenizer), label);
  const vocab = (JSON.parse(tokenizerJson) as { model: { vocab: Record<string, number> } }).model
    .vocab;
  const tokens = Object.keys(vocab).length;
  if (tokens !== model.srcVocabSize) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `${label} cannot be imported: its tokenizer has ${tokens} tokens but config.json's vocab_size is ${model.srcVocabSize}.`,
    );
  }
  const read = await readSafetensorsFile(weightsFile);
  const tensors = renumberTensors(
    read.tensors,
    order,
    new Set([MARIAN_SHARED, ...MARIAN_TIED_ALIASES, MARIAN_LOGITS_BIAS]),
  );
  checkTensorNames(tensors, model, label);
  checkPositions(tensors, model, label);
  const weights = fromMarianTensors(tensors, model, label);
  return { model, weights, tokenizerJson, config: configJson, renumbered: !order.identity };
}

function checkTensorNames(
  tensors: readonly NamedTensor[],
  model: ModelConfig,
  label: string,
): void {
  const known = new Set<string>([
    ...marianTensorSpecs(model).map((s) => s.name),
    MARIAN_LOGITS_BIAS,
    ...MARIAN_TIED_ALIASES,
    ...POSITION_TENSORS,
  ]);
  const extra = tensors.map((t) => t.name).filter((n) => !known.has(n));
  if (extra.length > 0) {
    throw new AppError(
      ErrorCode.CheckpointInvalid,
      `${label} cannot be imported: it has tensors the studio's model has no place for (${extra.slice(0, 4).join(', ')}${extra.length > 4 ? ` and ${extra.length - 4} more` : ''}), e.g. a LayerNorm or layer its config.json does not describe.`,
    );
  }
}

/** A stored position table must be Marian's sinusoid: learned positions are refused. */
function checkPositions(tensors: readonly NamedTensor[], model: ModelConfig, label: string): void {
  for (const t of tensors) {
    if (!POSITION_TENSORS.includes(t.name)) continue;
    const [rows, cols] = t.shape;
    const expected = marianPositionTable(rows ?? 0, model.dModel);
    const same =
      t.shape.length === 2 &&
      cols === model.dModel &&
      t.data.every((x, i) => Math.abs(x - expected[i]!) <= 1e-5);
    if (!same) {
      throw new AppError(
        ErrorCode.CheckpointInvalid,
        `${label} cannot be imported: its ${t.name} is not Marian's sinusoidal table (learned positions), and the studio's model would compute different positions.`,
      );
    }
  }
}
