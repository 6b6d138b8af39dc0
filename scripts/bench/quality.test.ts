import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { budgetLearningRate } from '../../main/training/schedule';
import { lrFactorFor, parseQualityArgs, type QualitySettings } from './qualityArgs';
import { figuresTable, scoreLines } from './qualityReport';

describe('bench:quality arguments', () => {
  it('defaults to the reference model and recipe', () => {
    const s = parseQualityArgs([]) as QualitySettings;
    expect(s).toMatchObject({
      minutes: 10,
      vocab: 8000,
      preset: 'small',
      batchTokens: 4096,
      warmup: 300,
      peakLr: 2e-3,
      beam: 4,
      alpha: 0.6,
      peer: true,
      validLimit: 0,
      trainPassThrough: [],
    });
  });

  it('passes the interval flags to train only when given', () => {
    const s = parseQualityArgs(['--checkpoint-every', '2', '--bleu-every', '0']) as QualitySettings;
    expect(s.trainPassThrough).toEqual(['--checkpoint-every', '2', '--bleu-every', '0']);
  });

  it('refuses a bad value with a usage error naming the flag', () => {
    expect(() => parseQualityArgs(['--minutes', 'x'])).toThrow(/--minutes x/);
    expect(() => parseQualityArgs(['--preset', 'huge'])).toThrow(/--preset huge/);
    try {
      parseQualityArgs(['--beam', '0']);
    } catch (err) {
      expect((err as { code: string }).code).toBe(ErrorCode.InvalidArgument);
    }
    expect(parseQualityArgs(['--help'])).toBe('help');
  });
});

describe('peak lr as train --lr-factor', () => {
  it('is peak · sqrt(d_model) · sqrt(warmup): 2e-3 · 16 · sqrt(300) = 0.554256', () => {
    expect(lrFactorFor(2e-3, 256, 300)).toBeCloseTo(0.5542563, 6);
  });

  it("gives back the peak at the end of the budget schedule's warm-up", () => {
    const factor = lrFactorFor(2e-3, 256, 300);
    // step = warmup and fraction 0: warm = 1, the cosine factor = 1, so lr = the peak.
    expect(budgetLearningRate(300, 0, 256, 300, factor)).toBeCloseTo(2e-3, 12);
  });
});

describe('the report', () => {
  const refs = ['Ein Hund läuft.', 'Zwei Männer sitzen.'];

  it("scores each side with the studio's evaluator and prints the figures side by side", () => {
    const { lines, studio } = scoreLines(
      [
        { label: 'studio', hypotheses: refs },
        { label: 'peer', failure: 'the peer exited with 1' },
      ],
      refs,
      undefined,
    );
    expect(studio['studio']?.score).toBeCloseTo(100, 10);
    expect(lines.join('\n')).toContain('peer: no hypotheses (the peer exited with 1)');
    const table = figuresTable(
      [
        { label: 'studio', steps: 320, targetTokens: 1_152_000, trainSeconds: 2400 },
        { label: 'peer', failure: 'x' },
      ],
      40,
    );
    // 1,152,000 tokens / 2,400 s = 480 tokens/s.
    expect(table).toMatch(/target tokens\/s\s+480\s+-/);
    expect(table).toMatch(/optimiser steps\s+320\s+-/);
  });

  it('says so when there is no independent evaluator instead of a score', () => {
    const { lines } = scoreLines([{ label: 'studio', hypotheses: refs }], refs, {
      error: 'no sacrebleu module in python3',
    });
    expect(lines.join('\n')).toMatch(/No independent check: no sacrebleu module in python3/);
  });

  it('compares with the independent score and signature', () => {
    const { lines } = scoreLines([{ label: 'studio', hypotheses: refs }], refs, {
      version: '2.6.0',
      systems: {
        studio: {
          score: 100,
          signature: 'nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0',
          line: 'BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 8 ref_len = 8)',
        },
      },
    });
    expect(lines.join('\n')).toContain(
      "difference from the studio's evaluator: 0.0000 BLEU (the same to two decimals); signatures identical",
    );
  });
});
