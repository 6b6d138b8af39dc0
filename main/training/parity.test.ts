/**
 * Per-step parity with PyTorch: a tiny model is built by the engine, its initial weights, the
 * sentence pairs of its first batches and the padded batches themselves are handed to a
 * PyTorch reference (parity_reference.py: nn.TransformerEncoderLayer/DecoderLayer with
 * padding and causal masks, targets built as [<s>] + ids + [</s>] and shifted, F.cross_entropy
 * with label_smoothing and ignore_index=<pad> averaged over target tokens, the anchor's
 * warm-up schedule, clip_grad_norm_, torch.optim.Adam with the studio's betas and epsilon, as
 * ../shared/reference/torch_multi30k_anchor.py trains), and both train the same steps.
 * Dropout is 0 so both compute the same function. Runs when /usr/bin/python3 has torch
 * (Debian's python3-torch); otherwise it is skipped and says so.
 *
 * Tolerances (float32 on both sides, different kernels; measured here: losses 2e-7, gradient
 * norms 4e-7, weights 6e-6): every step's loss and the validation cross-entropy within 1e-5
 * relative, every gradient norm within 1e-5 relative, every lr within 1e-9 relative, and the
 * weights after the last step within 1e-4 (largest absolute difference: Adam turns rounding
 * noise in near-zero gradients into lr-sized steps, about 1e-3 here). Each of these catches a
 * wrong criterion or optimiser setting: without smoothing the first loss is 3e-4 off, Adam's
 * epsilon 1e-6 instead of 1e-9 moves the third 7e-4, beta2 0.999 instead of 0.98 the sixth
 * 5e-4, no clipping the third 4e-3, and padding counted as targets the first 2e-3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { PRESETS, type ModelConfig, type TrainConfig } from '../../shared/types';
import { useTestBackend } from '../testing/tfBackend';
import { batchOf, EOS_ID, PAD_ID, TokenBatcher, type Batch, type TokenizedPair } from './batching';
import { learningRate } from './schedule';
import { Trainer } from './trainer';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./parity_reference.py', import.meta.url));
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) {
  console.warn(
    `parity.test.ts: skipped, ${PYTHON} cannot import torch (apt-get install python3-torch to run it).`,
  );
}

const STEPS = 6;
const LOSS_RTOL = 1e-5;
const NORM_RTOL = 1e-5;
const LR_RTOL = 1e-9;
const WEIGHT_ATOL = 1e-4;

interface Reference {
  losses: number[];
  gradNorms: number[];
  lrs: number[];
  validLoss: number;
  weights: Record<string, number[]>;
}

/** Pairs whose target depends on the source (reversed, shifted), so the loss has something to learn. */
function syntheticPairs(count: number, vocab: number, seed: number): TokenizedPair[] {
  const rng = new Rng(seed);
  const ids = (n: number) => Array.from({ length: n }, () => 4 + rng.int(vocab - 4));
  return Array.from({ length: count }, () => {
    const src = ids(3 + rng.int(10));
    const tgt = [...src].reverse().map((t) => 4 + ((t - 4 + 1) % (vocab - 4)));
    return { src, tgt: tgt.slice(0, 2 + rng.int(tgt.length - 1)) };
  });
}

/** The rows of a padded batch, with `width` columns each, padding dropped. */
function rows(flat: Int32Array, size: number, width: number): number[][] {
  return Array.from({ length: size }, (_, b) =>
    Array.from(flat.subarray(b * width, (b + 1) * width)).filter((id) => id !== PAD_ID),
  );
}

/**
 * The training pair behind each row of a batch, found by its source (the studio's source row
 * is the pair's ids + `</s>`; the synthetic sources are distinct), so the reference can build
 * the targets from the pairs itself.
 */
function pairsOf(batch: Batch, pairs: readonly TokenizedPair[]): [number[], number[]][] {
  const bySource = new Map(pairs.map((p) => [[...p.src, EOS_ID].join(','), p]));
  return rows(batch.src, batch.size, batch.srcLen).map((row) => {
    const p = bySource.get(row.join(','));
    if (p === undefined) throw new Error(`No training pair has the source row ${row.join(' ')}.`);
    return [[...p.src], [...p.tgt]];
  });
}

const toJson = (b: Batch) => ({
  size: b.size,
  src: Array.from(b.src),
  tgtIn: Array.from(b.tgtIn),
  tgtOut: Array.from(b.tgtOut),
});

beforeAll(useTestBackend);

describe.runIf(hasTorch)('per-step parity with PyTorch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`gives the same losses, gradient norms, lrs and weights for ${STEPS} steps`, () => {
    const vocab = 48;
    const model: ModelConfig = {
      ...PRESETS.tiny.model,
      dModel: 32,
      heads: 4,
      dFF: 64,
      encoderLayers: 2,
      decoderLayers: 2,
      dropout: 0,
      maxPositions: 32,
      srcVocabSize: vocab,
      tgtVocabSize: vocab,
    };
    // The preset's Adam (betas 0.9, 0.98, eps 1e-9) and smoothing 0.1; clipping at 1 (most
    // steps' gradient norms are above it); warm-up ends within the steps.
    const train: TrainConfig = {
      ...PRESETS.tiny.train,
      batchTokens: 96,
      warmupSteps: 3,
      lrFactor: 0.5,
      clipNorm: 1,
      seed: 7,
    };
    expect([train.adamBeta1, train.adamBeta2, train.adamEpsilon]).toEqual([0.9, 0.98, 1e-9]);
    expect(train.labelSmoothing).toBe(0.1);
    const pairs = syntheticPairs(80, vocab, 3);
    expect(new Set(pairs.map((p) => p.src.join(','))).size).toBe(pairs.length);
    const validPairs = syntheticPairs(24, vocab, 99);
    const trainer = new Trainer(model, train, pairs);
    try {
      // A twin batcher with the trainer's options yields the batches the trainer will take.
      const twin = new TokenBatcher(pairs, {
        batchTokens: train.batchTokens,
        maxLength: Math.min(train.maxLength, model.maxPositions),
        seed: train.seed,
      });
      const batches: Batch[] = Array.from({ length: STEPS }, () => twin.next());
      // The masks are exercised: some batch pads its sources and its targets.
      expect(batches.some((b) => b.src.includes(PAD_ID))).toBe(true);
      expect(batches.some((b) => b.tgtOut.includes(PAD_ID))).toBe(true);
      const weights: Record<string, { shape: number[]; data: number[] }> = {};
      for (const t of trainer.model.exportWeights()) {
        weights[t.name] = { shape: t.shape, data: Array.from(t.data) };
      }
      const casePath = join(dir, 'case.json');
      const outPath = join(dir, 'out.json');
      writeFileSync(
        casePath,
        JSON.stringify({
          model,
          // The step schedule's peak (at step = warmup), which the anchor's schedule is given.
          train: {
            ...train,
            peakLr: learningRate(
              train.warmupSteps,
              model.dModel,
              train.warmupSteps,
              train.lrFactor,
            ),
          },
          weights,
          batches: batches.map((b) => ({ ...toJson(b), pairs: pairsOf(b, pairs) })),
          valid: [validPairs.map((p) => [p.src, p.tgt])],
        }),
      );
      const run = spawnSync(PYTHON, [SCRIPT, casePath, outPath], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const ref = JSON.parse(readFileSync(outPath, 'utf8')) as Reference;

      const losses: number[] = [];
      const norms: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        const r = trainer.trainStep();
        expect(r.tokens).toBe(batches[s]!.tokens);
        expect(Math.abs(r.lr - ref.lrs[s]!) / ref.lrs[s]!, `lr at step ${s + 1}`).toBeLessThan(
          LR_RTOL,
        );
        losses.push(r.loss);
        norms.push(r.gradNorm);
      }
      console.log(
        losses
          .map(
            (l, s) =>
              `step ${s + 1}: loss ${l.toFixed(6)} (torch ${ref.losses[s]!.toFixed(6)}), grad norm ${norms[s]!.toFixed(5)} (torch ${ref.gradNorms[s]!.toFixed(5)})`,
          )
          .join('\n'),
      );
      for (let s = 0; s < STEPS; s++) {
        const refLoss = ref.losses[s]!;
        expect(Math.abs(losses[s]! - refLoss) / refLoss, `loss at step ${s + 1}`).toBeLessThan(
          LOSS_RTOL,
        );
        const refNorm = ref.gradNorms[s]!;
        expect(Math.abs(norms[s]! - refNorm) / refNorm, `grad norm at step ${s + 1}`).toBeLessThan(
          NORM_RTOL,
        );
      }
      // Clipping took part: some steps' gradients were scaled down to the norm.
      expect(norms.filter((n) => n > train.clipNorm).length).toBeGreaterThan(0);
      // Validation cross-entropy (no smoothing, per token) after the steps, as evaluate() reports it.
      const valid = trainer.evaluate(validPairs).loss;
      expect(Math.abs(valid - ref.validLoss) / ref.validLoss, 'validation loss').toBeLessThan(
        LOSS_RTOL,
      );
      // What both average over: every target token and the </s> after it, no padding.
      expect(batchOf(validPairs).tokens).toBe(validPairs.reduce((n, p) => n + p.tgt.length + 1, 0));
      // The loss falls: the steps did something, in both.
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      let worst = 0;
      let worstName = '';
      for (const t of trainer.model.exportWeights()) {
        // The key bias gets no gradient (softmax ignores a shift shared by all keys of a query):
        // both sides only see rounding noise there, which Adam turns into lr-sized steps.
        if (t.name.endsWith('.b_k')) continue;
        const r = ref.weights[t.name]!;
        expect(r.length, t.name).toBe(t.data.length);
        for (let i = 0; i < r.length; i++) {
          const d = Math.abs((t.data[i] as number) - (r[i] as number));
          if (d > worst) {
            worst = d;
            worstName = t.name;
          }
        }
      }
      const rel = (a: number[], b: number[]) =>
        Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / b[i]!));
      console.log(
        `largest differences: loss ${rel(losses, ref.losses).toExponential(1)} relative, grad norm ${rel(norms, ref.gradNorms).toExponential(1)} relative, weights ${worst.toExponential(1)} (${worstName})`,
      );
      expect(worst, `largest weight difference (in ${worstName})`).toBeLessThan(WEIGHT_ATOL);
    } finally {
      trainer.dispose();
    }
  });
});
