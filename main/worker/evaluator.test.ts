import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../shared/types';
import type { Transformer } from '../model/transformer';
import type { BpeTokenizer } from '../text/tokenizer';
import type { TokenizedPair } from '../training/batching';
import {
  bleuSample,
  Evaluator,
  type BleuEvaluator,
  type EvaluatedTrainer,
  type EvaluatorOptions,
} from './evaluator';

type Schedule = EvaluatorOptions['train'];

const VALID: readonly TokenizedPair[] = [{ src: [5, 6], tgt: [7] }];
const TOKENIZERS = { src: {} as BpeTokenizer, tgt: {} as BpeTokenizer };
const MODEL = {} as Transformer;

/** A trainer whose validation losses are the given sequence, one per evaluation. */
function fakeTrainer(losses: number[]): EvaluatedTrainer & { calls: number } {
  const t = {
    calls: 0,
    model: MODEL,
    evaluate: () => {
      const loss = losses[t.calls++] ?? NaN;
      return { loss, perplexity: Math.exp(loss), smoothedLoss: loss, tokens: 1 };
    },
  };
  return t as unknown as EvaluatedTrainer & { calls: number };
}

function recorder(): {
  records: MetricRecord[];
  syncs: boolean[];
  record: (r: MetricRecord, sync?: boolean) => Promise<void>;
} {
  const records: MetricRecord[] = [];
  const syncs: boolean[] = [];
  return {
    records,
    syncs,
    record: async (r, sync = false) => {
      records.push(r);
      syncs.push(sync);
    },
  };
}

function schedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    validEvery: 10,
    bleuEvery: 0,
    patience: 0,
    earlyStoppingMetric: 'valid_loss',
    ...overrides,
  };
}

function evaluator(
  trainer: EvaluatedTrainer,
  train: Schedule,
  extra: Partial<EvaluatorOptions> = {},
): Evaluator {
  return new Evaluator(trainer, {
    train,
    validPairs: VALID,
    bleuPairs: { src: ['ein Hund'], ref: ['a dog'] },
    tokenizers: TOKENIZERS,
    ...extra,
  });
}

describe('bleuSample', () => {
  it('takes an evenly spaced, fixed sample of the validation split', () => {
    const valid = {
      src: ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9'],
      tgt: ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'],
    };
    // k * 10 / 4 for k = 0..3 -> rows 0, 2, 5, 7.
    expect(bleuSample(valid, 4)).toEqual({
      src: ['s0', 's2', 's5', 's7'],
      ref: ['t0', 't2', 't5', 't7'],
    });
    expect(bleuSample(valid, 50).src).toHaveLength(10);
    expect(bleuSample({ src: [], tgt: [] }, 5)).toEqual({ src: [], ref: [] });
  });
});

describe('Evaluator', () => {
  it('validates every validEvery steps, records the loss synced, and keeps it for progress and checkpoints', async () => {
    const trainer = fakeTrainer([2.5, 2.0]);
    const ev = evaluator(trainer, schedule({ validEvery: 10 }));
    const r = recorder();
    for (let step = 1; step <= 20; step++) await ev.afterStep(step, r.record);
    expect(trainer.calls).toBe(2);
    expect(r.records.map((x) => [x.kind, x.step])).toEqual([
      ['valid', 10],
      ['valid', 20],
    ]);
    expect(r.records[0]).toMatchObject({ loss: 2.5, perplexity: Math.exp(2.5) });
    expect(r.syncs).toEqual([true, true]);
    expect(ev.lastValidLoss).toBe(2.0);
    expect(ev.scoresAt(20)).toEqual({ validLoss: 2.0 });
    expect(ev.scoresAt(10)).toEqual({}); // only the latest score belongs to a checkpoint
  });

  it('stops early on validation loss after `patience` evaluations without a lower loss', async () => {
    // 3.0, 2.8 (best), 2.9, 2.85 -> two misses: patience 2 stops at the fourth validation.
    const ev = evaluator(
      fakeTrainer([3.0, 2.8, 2.9, 2.85]),
      schedule({ validEvery: 1, patience: 2 }),
    );
    const r = recorder();
    const stopped: boolean[] = [];
    for (let step = 1; step <= 4; step++) {
      await ev.afterStep(step, r.record);
      stopped.push(ev.earlyStopped);
    }
    expect(stopped).toEqual([false, false, false, true]);
  });

  it('scores BLEU on the sample every bleuEvery steps, after validation, and stops early on it', async () => {
    const bleus = [20, 18, 19];
    let call = 0;
    const seen: unknown[] = [];
    const evaluateBleu: BleuEvaluator = async (model, tokenizers, sample) => {
      seen.push([model, tokenizers, sample]);
      return { bleu: bleus[call++] ?? 0, chrf: 50 };
    };
    const trainer = fakeTrainer([3, 2, 1]);
    const ev = evaluator(
      trainer,
      schedule({ validEvery: 2, bleuEvery: 2, patience: 2, earlyStoppingMetric: 'bleu' }),
      {
        evaluateBleu,
      },
    );
    const r = recorder();
    for (let step = 1; step <= 6; step++) await ev.afterStep(step, r.record);
    expect(r.records.map((x) => `${x.kind}@${x.step}`)).toEqual([
      'valid@2',
      'bleu@2',
      'valid@4',
      'bleu@4',
      'valid@6',
      'bleu@6',
    ]);
    expect(r.records[1]).toMatchObject({ bleu: 20, chrf: 50, samples: 1 });
    expect(seen[0]).toEqual([MODEL, TOKENIZERS, { src: ['ein Hund'], ref: ['a dog'] }]);
    // Validation loss kept falling, but the metric is BLEU: 20, 18, 19 is two misses.
    expect(ev.earlyStopped).toBe(true);
    expect(ev.scoresAt(6)).toEqual({ validLoss: 1, bleu: 19 });
  });

  it('tells a checkpoint how many sentences its BLEU was on, and whether that was all of them', async () => {
    const evaluateBleu: BleuEvaluator = async () => ({ bleu: 5, chrf: 40 });
    const train = schedule({
      validEvery: 0,
      bleuEvery: 2,
      patience: 0,
      earlyStoppingMetric: 'bleu',
    });
    const sampled = evaluator(fakeTrainer([3]), train, { evaluateBleu });
    const whole = evaluator(fakeTrainer([3]), train, { evaluateBleu, bleuWholeSet: true });
    const r = recorder();
    for (const ev of [sampled, whole]) await ev.afterStep(2, r.record);
    // The fixture's BLEU sample is one sentence; no BLEU at step 1, so nothing to say there.
    expect(sampled.bleuSampleAt(2)).toEqual({ bleuSentences: 1 });
    expect(whole.bleuSampleAt(2)).toEqual({ bleuSentences: 1, bleuWholeSet: true });
    expect(sampled.bleuSampleAt(1)).toEqual({});
  });

  it('scores no BLEU without an evaluator or without a sample', async () => {
    const r = recorder();
    const none = evaluator(fakeTrainer([]), schedule({ validEvery: 0, bleuEvery: 1 }));
    await none.afterStep(1, r.record);
    const empty = evaluator(fakeTrainer([]), schedule({ validEvery: 0, bleuEvery: 1 }), {
      evaluateBleu: async () => ({ bleu: 1, chrf: 1 }),
      bleuPairs: { src: [], ref: [] },
    });
    await empty.afterStep(1, r.record);
    expect(r.records).toEqual([]);
  });

  it('validates the last step at the end unless it was just validated or nothing was trained', async () => {
    const trainer = fakeTrainer([2, 1.5]);
    const ev = evaluator(trainer, schedule({ validEvery: 10 }));
    const r = recorder();
    await ev.afterStep(10, r.record);
    await ev.atEnd(10, r.record); // just validated
    await ev.atEnd(0, r.record); // nothing trained
    expect(trainer.calls).toBe(1);
    await ev.atEnd(13, r.record);
    expect(r.records.map((x) => `${x.kind}@${x.step}`)).toEqual(['valid@10', 'valid@13']);
    // validEvery 0 still validates at the end; no validation pairs never does.
    const off = evaluator(fakeTrainer([4]), schedule({ validEvery: 0 }));
    await off.atEnd(5, r.record);
    const noPairs = evaluator(fakeTrainer([4]), schedule(), { validPairs: [] });
    await noPairs.atEnd(5, r.record);
    expect(r.records.map((x) => `${x.kind}@${x.step}`)).toEqual([
      'valid@10',
      'valid@13',
      'valid@5',
    ]);
  });

  it("starts a resumed run from its checkpoint's validation loss", async () => {
    const trainer = fakeTrainer([]);
    const ev = evaluator(trainer, schedule(), { resumedValid: { step: 30, loss: 1.25 } });
    expect(ev.lastValidLoss).toBe(1.25);
    await ev.atEnd(30, recorder().record); // the resumed step is already validated
    expect(trainer.calls).toBe(0);
  });
});
