/**
 * The CLI's setting flags come from the schema fields: each flag is checked against its
 * field's range with a sentence naming the flag, switches set their value, the defaults come
 * from the schema, and translate and evaluate share one declaration of --beam.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DECODE_FIELDS } from '../../../shared/schema/decode';
import { CLEANING_FIELDS } from '../../../shared/schema/importOptions';
import { TRAIN_FIELDS } from '../../../shared/schema/train';
import { parseEvaluateArgs } from './evaluate';
import { runImportCommand } from './import';
import { asFlag, flagFields, flagHelp, flagOptions, parseFlags } from './settingFlags';
import { runTrainCommand } from './train';
import { parseTranslateArgs } from './translate';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('setting flags', () => {
  const flags = flagFields(TRAIN_FIELDS.batchTokens, TRAIN_FIELDS.lrFactor, DECODE_FIELDS.cache);

  it('are parseArgs options: text for numbers, a switch for on/off settings', () => {
    expect(flagOptions(flags)).toEqual({
      'batch-tokens': { type: 'string' },
      'lr-factor': { type: 'string' },
      'no-cache': { type: 'boolean' },
    });
  });

  it('parse what was given, by setting, and leave the rest to the defaults', () => {
    expect(parseFlags(flags, { 'batch-tokens': '2048', 'no-cache': true })).toEqual({
      batchTokens: 2048,
      cache: false,
    });
    expect(parseFlags(flags, {})).toEqual({});
  });

  it("refuse a value out of the field's range with a sentence naming the flag", () => {
    expect(() => parseFlags(flags, { 'batch-tokens': '8' })).toThrow(
      '--batch-tokens must be a whole number of at least 16; got 8.',
    );
    expect(() => parseFlags(flags, { 'lr-factor': 'fast' })).toThrow(
      '--lr-factor must be between 0.000001 and 100; got "fast".',
    );
  });

  it('write help with the default and the range of the schema', () => {
    const help = flagHelp(flagFields(DECODE_FIELDS.beamSize));
    expect(help).toMatch(/^ {2}--beam N {14}beam width B/);
    expect(help).toContain('(default 4; 1 to 64)');
    const steps = flagHelp([asFlag(TRAIN_FIELDS.maxSteps, 'steps')], {
      defaultNote: "the preset's",
    });
    expect(steps.replace(/\s+/g, ' ')).toContain("(default: the preset's; 1 to 10,000,000)");
  });
});

describe('translate and evaluate', () => {
  it('share one declaration of the decoding flags and their defaults', () => {
    const t = parseTranslateArgs(['--run', 'r']);
    const e = parseEvaluateArgs(['--run', 'r', '--src', 'a', '--ref', 'b']);
    expect(t === 'help' ? undefined : t.settings).toEqual({
      mode: 'beam',
      beamSize: 4,
      alpha: 0.6,
      nbest: 1,
      margin: 50,
      cache: true,
    });
    expect(e === 'help' ? undefined : e.settings).toEqual(t === 'help' ? undefined : t.settings);
    for (const parse of [
      () => parseTranslateArgs(['--run', 'r', '--beam', '65']),
      () => parseEvaluateArgs(['--run', 'r', '--src', 'a', '--ref', 'b', '--beam', '65']),
    ]) {
      expect(parse).toThrow('--beam must be a whole number of at most 64; got 65.');
    }
  });

  it('decode greedily with a beam of 1, and refuse more hypotheses than the beam holds', () => {
    const greedy = parseTranslateArgs(['--run', 'r', '--beam', '1', '--no-cache']);
    expect(greedy === 'help' ? undefined : greedy.settings).toMatchObject({
      mode: 'greedy',
      beamSize: 1,
      cache: false,
    });
    expect(() => parseTranslateArgs(['--run', 'r', '--beam', '2', '--nbest', '3'])).toThrow(
      'nbest (3) cannot exceed the beam size (2); raise the beam size or ask for fewer hypotheses.',
    );
  });
});

describe('train and import', () => {
  it('check their setting flags before anything is read or written', async () => {
    await expect(runTrainCommand(['--batch-tokens', '8'])).rejects.toThrow(
      '--batch-tokens must be a whole number of at least 16; got 8.',
    );
    await expect(runTrainCommand(['--lr-factor', '0'])).rejects.toThrow(
      '--lr-factor must be between 0.000001 and 100; got 0.',
    );
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      errors.push(String(chunk));
      return true;
    });
    expect(await runImportCommand(['a.tsv', '--max-ratio', '0.5'])).toBe(2);
    expect(errors[0]).toBe(`--max-ratio must be between 1 and 1000 (or 0 for off); got 0.5.\n`);
    expect(CLEANING_FIELDS.maxRatio.flag).toBe('max-ratio');
  });
});

describe('train early-stopping flags (issue 14)', () => {
  const flags = flagFields(TRAIN_FIELDS.patience, TRAIN_FIELDS.earlyStoppingMetric);

  it('--patience and --early-stop-on set patience and the metric, like the UI', () => {
    expect(flags.map((f) => f.flag)).toEqual(['patience', 'early-stop-on']);
    expect(parseFlags(flags, { patience: '3', 'early-stop-on': 'valid_loss' })).toEqual({
      patience: 3,
      earlyStoppingMetric: 'valid_loss',
    });
  });

  it('train refuses a value out of range and lists both flags in its help', async () => {
    await expect(runTrainCommand(['--patience', '-1'])).rejects.toThrow('--patience');
    await expect(runTrainCommand(['--early-stop-on', 'chrf'])).rejects.toThrow('--early-stop-on');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    expect(await runTrainCommand(['--help'])).toBe(0);
    expect(lines.join('\n')).toMatch(/--patience N/);
    expect(lines.join('\n')).toMatch(/--early-stop-on bleu\|valid_loss/);
  });
});
