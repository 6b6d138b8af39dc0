import { describe, expect, it } from 'vitest';
import { BUDGET_FLOOR, budgetLearningRate, learningRate } from './schedule';

describe('learningRate', () => {
  it('warms up linearly, peaks at warmup, then decays as step^-0.5 (paper 5.3)', () => {
    const d = 512;
    const w = 4000;
    expect(learningRate(1, d, w)).toBeCloseTo(Math.pow(d, -0.5) * Math.pow(w, -1.5), 12);
    expect(learningRate(2000, d, w) / learningRate(1000, d, w)).toBeCloseTo(2, 10);
    const peak = learningRate(w, d, w);
    expect(peak).toBeCloseTo(Math.pow(d, -0.5) * Math.pow(w, -0.5), 12);
    expect(learningRate(w + 1, d, w)).toBeLessThan(peak);
    expect(learningRate(4 * w, d, w) / peak).toBeCloseTo(0.5, 10);
    expect(learningRate(100, d, w, 2)).toBeCloseTo(2 * learningRate(100, d, w), 12);
    expect(learningRate(0, d, w)).toBe(learningRate(1, d, w));
  });
});

describe('budgetLearningRate', () => {
  // d_model 256, warm-up 100 steps, factor 2: peak = 2 / sqrt(256) / sqrt(100) = 2 / 16 / 10 = 0.0125.
  const d = 256;
  const w = 100;
  const peak = 0.0125;

  it('starts at peak / warmup and rises linearly with the step', () => {
    // step 1 at f = 0: warm = 1/100, cool-down = 0.1 + 0.9 · (1 + 1) / 2 = 1.
    expect(budgetLearningRate(1, 0, d, w, 2)).toBeCloseTo(0.000125, 15);
    expect(budgetLearningRate(0, 0, d, w, 2)).toBeCloseTo(0.000125, 15);
    expect(budgetLearningRate(50, 0, d, w, 2)).toBeCloseTo(0.00625, 15);
  });

  it('ends the warm-up after warmup steps, or at 10% of the budget when that comes first', () => {
    // step 100 at f = 0: warm = 1, cool-down 1 -> the peak.
    expect(budgetLearningRate(100, 0, d, w, 2)).toBeCloseTo(peak, 15);
    // step 10 at f = 0.1: warm = max(0.1, 1) = 1; cool-down = 0.1 + 0.45 · (1 + cos(0.1π)).
    const cool = 0.1 + 0.45 * (1 + 0.9510565162951535);
    expect(budgetLearningRate(10, 0.1, d, w, 2)).toBeCloseTo(peak * cool, 15);
    // step 10 at f = 0.05: warm = max(0.1, 0.5) = 0.5.
    const cool05 = 0.1 + 0.45 * (1 + 0.9876883405951378);
    expect(budgetLearningRate(10, 0.05, d, w, 2)).toBeCloseTo(peak * 0.5 * cool05, 15);
  });

  it('is halfway between peak and floor at half the budget and reaches the floor at the deadline', () => {
    expect(budgetLearningRate(500, 0.5, d, w, 2)).toBeCloseTo(peak * 0.55, 15);
    expect(budgetLearningRate(500, 1, d, w, 2)).toBeCloseTo(peak * BUDGET_FLOOR, 15);
    expect(budgetLearningRate(500, 1, d, w, 2)).toBeCloseTo(0.00125, 15);
    // Past the deadline (the last step may end after it) the lr stays at the floor.
    expect(budgetLearningRate(501, 1.02, d, w, 2)).toBeCloseTo(0.00125, 15);
  });

  it('decreases monotonically after the warm-up', () => {
    let prev = Infinity;
    for (let f = 0.1; f <= 1; f += 0.05) {
      const lr = budgetLearningRate(1000, f, d, w, 2);
      expect(lr).toBeLessThanOrEqual(prev);
      prev = lr;
    }
  });
});
