import { describe, expect, it } from 'vitest';
import { learningRate } from './schedule';

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
