import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { NamedTensor } from '../../../shared/namedTensor';
import type { ModelConfig, RunInfo } from '../../../shared/types';
import { sha256 } from '../../runFolder/atomicFs';
import { TEST_TRAIN } from '../../runFolder/checkpoint.fixture';
import { readSafetensorsFile } from '../../runFolder/checkpointFormat';
import { readCheckpoint, writeCheckpoint } from '../../runFolder/checkpointStore';
import { encodeSafetensors } from '../../runFolder/safetensors';
import {
  fixtureModel,
  fixtureTokenizer,
  randomStudioWeights,
} from '../../runFolder/marian/marian.fixture';
import { marianTensorSpecs } from '../../runFolder/marian/marianTensors';
import { runCheckpointsCommand } from '../cli/checkpoints';
import { runImportHfCommand } from '../cli/importHf';
import { RunsService } from './runs';

const tokenizer = fixtureTokenizer();
const tokenizerJson = tokenizer.toJSON();
const model = fixtureModel(tokenizer.vocabSize);
const weights = randomStudioWeights(model, 21);

let home: string;
let runs: RunsService;
let out: string[];

async function seedRun(config: ModelConfig = model, w: NamedTensor[] = weights): Promise<RunInfo> {
  const run = await runs.create({
    name: 'hf source',
    datasetId: 'ds-1',
    preset: 'tiny',
    model: config,
    train: TEST_TRAIN,
  });
  await writeCheckpoint(runs.runDir(run.id), {
    weights: w,
    optimizer: [],
    state: {
      step: 100,
      model: config,
      train: TEST_TRAIN,
      tokenizer: { datasetId: 'ds-1', sha256: sha256(tokenizerJson) },
      validLoss: 2.5,
      bleu: 12.34,
      bleuSentences: 100,
      bleuWholeSet: false,
    },
  });
  return run;
}

async function exportFolder(): Promise<string> {
  const run = await seedRun();
  const dir = path.join(home, 'exported');
  expect(await runCheckpointsCommand(['export-hf', run.id, '100', dir, '--home', home])).toBe(0);
  return dir;
}

async function refusal(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).message;
  }
  throw new Error('expected a refusal');
}

beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'marian-'));
  await fsp.mkdir(path.join(home, 'datasets', 'ds-1'), { recursive: true });
  await fsp.writeFile(path.join(home, 'datasets', 'ds-1', 'tokenizer.json'), tokenizerJson);
  runs = new RunsService(home);
  out = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fsp.rm(home, { recursive: true, force: true });
});

describe('npm run checkpoints -- export-hf', () => {
  it('writes a MarianMT folder: config, weights by Marian name, tokenizer files and README', async () => {
    const dir = await exportFolder();
    expect(out.at(-1)).toMatch(
      /Exported checkpoint 100 of run .* as a Hugging Face MarianMT model/,
    );
    expect((await fsp.readdir(dir)).sort()).toEqual([
      'README.md',
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const { tensors, metadata } = await readSafetensorsFile(path.join(dir, 'model.safetensors'));
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype }))).toEqual(
      marianTensorSpecs(model),
    );
    const config = JSON.parse(await fsp.readFile(path.join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'marian', vocab_size: tokenizer.vocabSize });
    const tokConfig = JSON.parse(
      await fsp.readFile(path.join(dir, 'tokenizer_config.json'), 'utf8'),
    );
    expect(tokConfig).toMatchObject({
      tokenizer_class: 'PreTrainedTokenizerFast',
      pad_token: '<pad>',
      bos_token: '<s>',
      eos_token: '</s>',
      unk_token: '<unk>',
    });
    const readme = await fsp.readFile(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/after 100 optimiser steps/);
    expect(readme).toMatch(
      /BLEU 12\.34 on 100 validation sentences \(a fixed sample\), greedy decoding, signature `nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:/,
    );
    expect(readme).toMatch(/decoder_start_token_id: 1/);
    expect(readme).toMatch(/MarianMTModel\.from_pretrained\("DIR"\)/);
    expect(readme).toMatch(/Seq2SeqTrainer\(/);
  });

  it("gives a tokenizer.json that Hugging Face's tokenizers encodes as the studio's encoder input", async () => {
    const dir = await exportFolder();
    const hf = Tokenizer.fromString(await fsp.readFile(path.join(dir, 'tokenizer.json'), 'utf8'));
    for (const text of ['a dog runs in the park', 'die Katze spielt Fußball', 'xyz unknown Ω']) {
      const encoding = await hf.encode(text);
      // The studio appends </s> (2) to every source (main/training/batching.ts).
      expect(encoding.getIds()).toEqual([...tokenizer.encode(text), 2]);
      expect(await hf.decode(encoding.getIds(), true)).toBe(
        tokenizer.decode(tokenizer.encode(text)),
      );
    }
  });

  it('refuses a pre-LN run and a folder that already holds files, writing nothing', async () => {
    const pre = { ...model, normPosition: 'pre' as const };
    const names = [...weights.map((t) => t.name)];
    const preWeights = [
      ...weights,
      ...['encoder.norm', 'decoder.norm'].flatMap((n): NamedTensor[] => [
        {
          name: `${n}.gamma`,
          dtype: 'float32',
          shape: [model.dModel],
          data: new Float32Array(model.dModel).fill(1),
        },
        {
          name: `${n}.beta`,
          dtype: 'float32',
          shape: [model.dModel],
          data: new Float32Array(model.dModel),
        },
      ]),
    ];
    expect(names.length).toBeLessThan(preWeights.length);
    const run = await seedRun(pre, preWeights);
    const dir = path.join(home, 'pre');
    expect(
      await refusal(() => runCheckpointsCommand(['export-hf', run.id, '100', dir, '--home', home])),
    ).toMatch(/cannot be exported for Hugging Face: it is a pre-LN model/);
    await expect(fsp.stat(dir)).rejects.toThrow();
    const busy = path.join(home, 'busy');
    await fsp.mkdir(busy);
    await fsp.writeFile(path.join(busy, 'keep.txt'), 'mine');
    const good = await seedRun();
    expect(
      await refusal(() =>
        runCheckpointsCommand(['export-hf', good.id, '100', busy, '--home', home]),
      ),
    ).toMatch(/already holds files; name a new or empty folder/);
    expect(await fsp.readdir(busy)).toEqual(['keep.txt']);
    expect((await fsp.readdir(home)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});

describe('npm run import-hf', () => {
  it('turns an exported folder back into a run at step 0 with the same weights bit for bit', async () => {
    const dir = await exportFolder();
    expect(await runImportHfCommand([dir, '--home', home, '--name', 'back'])).toBe(0);
    expect(out.at(-1)).toMatch(/as run "back" \(.*\) at step 0/);
    const run = (await runs.list()).find((r) => r.name === 'back')!;
    expect(run).toMatchObject({ step: 0, status: 'stopped', model });
    const ck = await readCheckpoint(runs.runDir(run.id), 0, { optimizer: false });
    const back = new Map(ck.weights.map((t) => [t.name, t]));
    for (const t of weights) {
      expect(Buffer.from(back.get(t.name)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(
        true,
      );
    }
    expect(ck.weights.length).toBe(weights.length);
    const own = await fsp.readFile(path.join(runs.runDir(run.id), 'tokenizer.json'), 'utf8');
    expect(own).toBe(tokenizerJson);
    expect(ck.state.tokenizer.sha256).toBe(sha256(own));
  });

  it('renumbers a vocabulary whose special tokens sit elsewhere, exactly', async () => {
    const dir = await exportFolder();
    const v = tokenizer.vocabSize;
    // <pad> <s> </s> <unk> move to the end; every other token keeps its relative order.
    const moved = (id: number): number => (id < 4 ? v - 4 + id : id - 4);
    const tokFile = path.join(dir, 'tokenizer.json');
    const t = JSON.parse(await fsp.readFile(tokFile, 'utf8'));
    t.model.vocab = Object.fromEntries(
      Object.entries(t.model.vocab as Record<string, number>).map(([k, id]) => [k, moved(id)]),
    );
    t.added_tokens = t.added_tokens.map((a: { id: number }) => ({ ...a, id: moved(a.id) }));
    t.post_processor.special_tokens['</s>'].ids = [moved(2)];
    await fsp.writeFile(tokFile, JSON.stringify(t));
    const cfgFile = path.join(dir, 'config.json');
    const c = JSON.parse(await fsp.readFile(cfgFile, 'utf8'));
    await fsp.writeFile(
      cfgFile,
      JSON.stringify({
        ...c,
        pad_token_id: moved(0),
        bos_token_id: moved(1),
        decoder_start_token_id: moved(1),
        eos_token_id: moved(2),
      }),
    );
    const stFile = path.join(dir, 'model.safetensors');
    const { tensors, metadata } = await readSafetensorsFile(stFile);
    const rows = tensors.map((x) => {
      if (x.name !== 'model.shared.weight') return x;
      const d = x.shape[1]!;
      const data = new Float32Array(x.data.length);
      for (let id = 0; id < v; id++) data.set(x.data.subarray(id * d, id * d + d), moved(id) * d);
      return { ...x, data };
    });
    await fsp.writeFile(stFile, encodeSafetensors(rows, metadata));

    expect(await runImportHfCommand([dir, '--home', home, '--name', 'renumbered'])).toBe(0);
    const run = (await runs.list()).find((r) => r.name === 'renumbered')!;
    expect(run.history?.[0]?.note).toMatch(/token ids were renumbered/);
    const ck = await readCheckpoint(runs.runDir(run.id), 0, { optimizer: false });
    const back = new Map(ck.weights.map((x) => [x.name, x]));
    for (const w of weights) {
      expect(Buffer.from(back.get(w.name)!.data.buffer).equals(Buffer.from(w.data.buffer))).toBe(
        true,
      );
    }
    expect(await fsp.readFile(path.join(runs.runDir(run.id), 'tokenizer.json'), 'utf8')).toBe(
      tokenizerJson,
    );
  });

  it("refuses Marian's start-from-pad convention without an <s> token, and ids that disagree", async () => {
    const dir = await exportFolder();
    const tokFile = path.join(dir, 'tokenizer.json');
    const cfgFile = path.join(dir, 'config.json');
    const original = await fsp.readFile(tokFile, 'utf8');
    const c = JSON.parse(await fsp.readFile(cfgFile, 'utf8'));
    await fsp.writeFile(cfgFile, JSON.stringify({ ...c, eos_token_id: 3 }));
    expect(await refusal(() => runImportHfCommand([dir, '--home', home]))).toMatch(
      /config\.json's eos_token_id is 3 but its tokenizer has <\/s> at 2/,
    );
    const t = JSON.parse(original);
    t.model.vocab['<bos>'] = t.model.vocab['<s>'];
    delete t.model.vocab['<s>'];
    await fsp.writeFile(tokFile, JSON.stringify(t));
    await fsp.writeFile(cfgFile, JSON.stringify({ ...c, decoder_start_token_id: 0 }));
    expect(await refusal(() => runImportHfCommand([dir, '--home', home]))).toMatch(
      /its vocabulary has no <s> \(it starts decoding from its pad token, as Marian models usually do/,
    );
    expect((await runs.list()).length).toBe(1);
  });

  it('refuses a dataset to fine-tune on that does not exist', async () => {
    const dir = await exportFolder();
    expect(
      await refusal(() => runImportHfCommand([dir, '--home', home, '--dataset', 'nope'])),
    ).toMatch(/There is no dataset nope to fine-tune on/);
    expect((await runs.list()).length).toBe(1);
  });

  describe('refuses a bad folder with a sentence and creates nothing', () => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
      [
        'missing config',
        (d) => fsp.rm(path.join(d, 'config.json')),
        /it has no config\.json, so it is not a Hugging Face model folder/,
      ],
      [
        'unsupported activation',
        async (d) => {
          const file = path.join(d, 'config.json');
          const c = JSON.parse(await fsp.readFile(file, 'utf8'));
          await fsp.writeFile(file, JSON.stringify({ ...c, activation_function: 'swish' }));
        },
        /activation_function is "swish"; the studio's feed-forward network uses ReLU only/,
      ],
      [
        'wrong shapes',
        async (d) => {
          const file = path.join(d, 'model.safetensors');
          const { tensors } = await readSafetensorsFile(file);
          const bad = tensors.map((t) =>
            t.name === 'model.decoder.layers.0.fc1.weight'
              ? { ...t, shape: [model.dModel, model.dFF] }
              : t,
          );
          await fsp.writeFile(file, encodeSafetensors(bad, { format: 'pt' }));
        },
        /fc1\.weight has shape \[16, 32\] but config\.json implies \[32, 16\]/,
      ],
      [
        'truncated safetensors',
        async (d) => {
          const file = path.join(d, 'model.safetensors');
          const bytes = await fsp.readFile(file);
          await fsp.writeFile(file, bytes.subarray(0, bytes.length - 100));
        },
        /model\.safetensors is not valid: .*(ends at data byte|cover)/,
      ],
      [
        'pytorch_model.bin only',
        async (d) => {
          await fsp.rename(path.join(d, 'model.safetensors'), path.join(d, 'pytorch_model.bin'));
        },
        /only as pytorch_model\.bin .*save_pretrained\(DIR, safe_serialization=True\)/,
      ],
      [
        'no tokenizer.json',
        (d) => fsp.rm(path.join(d, 'tokenizer.json')),
        /it has no tokenizer\.json/,
      ],
      [
        'a tokenizer with added tokens',
        async (d) => {
          const file = path.join(d, 'tokenizer.json');
          const t = JSON.parse(await fsp.readFile(file, 'utf8'));
          t.added_tokens.push({ id: 10, content: '>>de<<', special: true });
          await fsp.writeFile(file, JSON.stringify(t));
        },
        /adds tokens the studio's encoder does not split out \(">>de<<"\)/,
      ],
      [
        'a Unigram tokenizer',
        async (d) => {
          const file = path.join(d, 'tokenizer.json');
          const t = JSON.parse(await fsp.readFile(file, 'utf8'));
          await fsp.writeFile(
            file,
            JSON.stringify({ ...t, model: { type: 'Unigram', vocab: [] } }),
          );
        },
        /is a "Unigram" model; the studio runs BPE tokenizers/,
      ],
      [
        'a tokenizer that adds no </s>',
        async (d) => {
          const file = path.join(d, 'tokenizer.json');
          const t = JSON.parse(await fsp.readFile(file, 'utf8'));
          await fsp.writeFile(file, JSON.stringify({ ...t, post_processor: null }));
        },
        /adds no <\/s> to a sentence, but the studio always ends the source with <\/s>/,
      ],
      [
        'an extra LayerNorm',
        async (d) => {
          const file = path.join(d, 'model.safetensors');
          const { tensors } = await readSafetensorsFile(file);
          const extra: NamedTensor = {
            name: 'model.encoder.layernorm_embedding.weight',
            dtype: 'float32',
            shape: [model.dModel],
            data: new Float32Array(model.dModel).fill(1),
          };
          await fsp.writeFile(file, encodeSafetensors([...tensors, extra], { format: 'pt' }));
        },
        /tensors the studio's model has no place for \(model\.encoder\.layernorm_embedding\.weight\)/,
      ],
    ];
    for (const [what, damage, message] of cases) {
      it(what, async () => {
        const dir = await exportFolder();
        await damage(dir);
        const before = (await fsp.readdir(dir)).sort();
        const runsBefore = (await runs.list()).length;
        expect(await refusal(() => runImportHfCommand([dir, '--home', home]))).toMatch(message);
        expect((await runs.list()).length).toBe(runsBefore);
        expect(
          (await fsp.readdir(path.join(home, 'runs'))).filter((n) => n.startsWith('.tmp')),
        ).toEqual([]);
        expect((await fsp.readdir(dir)).sort()).toEqual(before);
      });
    }
  });
});
