/**
 * The settings schemas: presets lie within every range, each field's sentence says which
 * bound was crossed, defaults are filled in once by parsing, and "n-best <= beam" is one rule.
 */
import { describe, expect, it } from 'vitest';
import { DECODE_DEFAULTS, decodeSettingsSchema, translateRequestSchema } from './decode';
import { numberIssue, type NumberMeta } from './field';
import {
  DEFAULT_CLEANING,
  DEFAULT_SPLIT,
  IMPORT_DEFAULTS,
  importOptionsSchema,
} from './importOptions';
import { MODEL_FIELDS, MODEL_SHAPE_TABLE, modelConfigIssues, modelConfigSchema } from './model';
import { PRESET_NAMES, PRESETS } from './presets';
import { trainConfigIssues, trainConfigSchema } from './train';

const counts: NumberMeta = {
  kind: 'number',
  integer: true,
  min: 1,
  max: 64,
  step: 1,
  label: 'Count',
  noun: 'The count',
  help: 'A count.',
};

describe('numberIssue', () => {
  it('names the bound that was crossed, or that the value is not whole', () => {
    expect(numberIssue(counts, 0)).toBe('The count must be a whole number of at least 1; got 0.');
    expect(numberIssue(counts, 65)).toBe('The count must be a whole number of at most 64; got 65.');
    expect(numberIssue(counts, 2.5)).toBe('The count must be a whole number; got 2.5.');
    expect(numberIssue(counts, NaN)).toBe(
      'The count must be a whole number of at least 1; got nothing.',
    );
    expect(numberIssue(counts, '3')).toBe(
      'The count must be a whole number of at least 1; got "3".',
    );
    expect(numberIssue(counts, 1)).toBeUndefined();
    expect(numberIssue(counts, 64)).toBeUndefined();
  });

  it('gives a real number its range, and accepts 0 for "off" where the field says so', () => {
    const ratio: NumberMeta = { ...counts, integer: false, min: 1, max: 1000, zeroOff: true };
    expect(numberIssue(ratio, 0)).toBeUndefined();
    expect(numberIssue(ratio, 0.5)).toBe(
      'The count must be between 1 and 1000 (or 0 for off); got 0.5.',
    );
    expect(numberIssue(ratio, 2.5)).toBeUndefined();
  });

  it('lets the CLI name the flag instead', () => {
    expect(numberIssue(counts, 0, '--count')).toBe(
      '--count must be a whole number of at least 1; got 0.',
    );
  });
});

describe('presets', () => {
  it.each(PRESET_NAMES)('%s lies within every range of the model and training schemas', (name) => {
    const p = PRESETS[name];
    const model = { ...p.model, srcVocabSize: p.vocabSize, tgtVocabSize: p.vocabSize };
    expect(modelConfigIssues(model)).toEqual([]);
    expect(trainConfigIssues(p.train)).toEqual([]);
    // Parsing keeps every value: a preset is not changed by its schema.
    expect(modelConfigSchema.parse(model)).toEqual(model);
    expect(trainConfigSchema.parse(p.train)).toEqual(p.train);
  });

  it('keeps their values', () => {
    expect(PRESETS.tiny.model).toMatchObject({ dModel: 64, heads: 4, dFF: 256, encoderLayers: 2 });
    expect(PRESETS.tiny.train).toMatchObject({ batchTokens: 1024, maxSteps: 400, lrFactor: 2 });
    expect(PRESETS.base.model).toMatchObject({
      dModel: 512,
      heads: 8,
      dFF: 2048,
      encoderLayers: 6,
    });
    expect(PRESETS.base.train).toMatchObject({ batchTokens: 4096, warmupSteps: 4000, lrFactor: 1 });
  });
});

describe('model config', () => {
  const tiny = { ...PRESETS.tiny.model, srcVocabSize: 100, tgtVocabSize: 100 };

  it('has a real upper bound for every number', () => {
    expect(modelConfigIssues({ ...tiny, dModel: 1_000_000 })).toEqual([
      { field: 'dModel', message: 'd_model must be a whole number of at most 4096; got 1000000.' },
    ]);
    for (const f of MODEL_SHAPE_TABLE) {
      if (f.kind === 'number') expect(Number.isFinite(f.max)).toBe(true);
    }
  });

  it('keeps the whole-config sentences', () => {
    expect(modelConfigIssues({ ...tiny, dModel: 66 }).map((i) => i.message)).toEqual([
      'd_model 66 is not divisible by heads 4; d_k = d_model / h must be a whole number.',
    ]);
    expect(modelConfigIssues({ ...tiny, tgtVocabSize: 90 })[0]?.message).toMatch(
      /^Tied embeddings need one shared vocabulary, but the source has 100 tokens and the target 90/,
    );
  });

  it('reports the same problems through zod, each at its field', () => {
    const parsed = modelConfigSchema.safeParse({ ...tiny, heads: 0, dModel: 66 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'heads',
      'heads must be a whole number of at least 1; got 0.',
    ]);
    expect(MODEL_FIELDS.dModel.label).toBe('d_model');
  });
});

describe('decode settings', () => {
  it('declares the paper defaults once: beam 4, alpha 0.6, one hypothesis', () => {
    expect(DECODE_DEFAULTS).toEqual({
      mode: 'beam',
      beamSize: 4,
      alpha: 0.6,
      nbest: 1,
      margin: 50,
      cache: true,
      attention: false,
    });
  });

  it('checks n-best against the beam in beam mode only', () => {
    const bad = decodeSettingsSchema.safeParse({ beamSize: 2, nbest: 3 });
    expect(bad.error?.issues[0]?.message).toBe(
      'nbest (3) cannot exceed the beam size (2); raise the beam size or ask for fewer hypotheses.',
    );
    expect(decodeSettingsSchema.parse({ mode: 'greedy', beamSize: 2, nbest: 3 }).nbest).toBe(3);
  });

  it('fills a translate request in where it arrives', () => {
    expect(translateRequestSchema.parse({ runId: 'r', text: 'Hallo' })).toEqual({
      runId: 'r',
      text: 'Hallo',
      checkpoint: 'best',
      ...DECODE_DEFAULTS,
    });
  });
});

describe('import options', () => {
  it('has one default for each setting', () => {
    expect(DEFAULT_CLEANING).toEqual({
      lengthUnit: 'words',
      minLength: 1,
      maxLength: 250,
      maxRatio: 9,
      dedupe: true,
      dropIdentical: true,
    });
    expect(DEFAULT_SPLIT).toEqual({ fraction: 0.05, seed: 1, maxPairs: 5000 });
    expect(IMPORT_DEFAULTS).toMatchObject({
      vocabSize: 8000,
      sharedVocab: true,
      maxLineBytes: 1 << 20,
      punctuation: 'isolated',
    });
  });

  it('fills the defaults of what was given and accepts a ratio of 0 as off', () => {
    const parsed = importOptionsSchema.parse({
      cleaning: { maxRatio: 0 },
      validation: { fraction: 0.1 },
    });
    expect(parsed.cleaning).toEqual({ ...DEFAULT_CLEANING, maxRatio: 0 });
    expect(parsed.validation).toEqual({ ...DEFAULT_SPLIT, fraction: 0.1 });
    expect(parsed.vocabSize).toBe(8000);
  });
});
