import { beforeAll, describe, expect, it } from 'vitest';
import { sinusoidalEncoding } from './positional';
import { useTestBackend } from '../testing/tfBackend';

beforeAll(useTestBackend);

describe('sinusoidalEncoding', () => {
  it('matches PE(pos,2i) = sin(pos/10000^(2i/d)), PE(pos,2i+1) = cos(...)', () => {
    const d = 16;
    const pe = sinusoidalEncoding(50, d);
    expect(pe.shape).toEqual([50, d]);
    const v = pe.arraySync();
    for (const pos of [0, 1, 7, 49]) {
      for (let i = 0; i < d / 2; i++) {
        const angle = pos / Math.pow(10000, (2 * i) / d);
        expect(v[pos]?.[2 * i]).toBeCloseTo(Math.sin(angle), 5);
        expect(v[pos]?.[2 * i + 1]).toBeCloseTo(Math.cos(angle), 5);
      }
    }
    // Position 0 is [0, 1, 0, 1, ...].
    expect(v[0]?.slice(0, 4)).toEqual([0, 1, 0, 1]);
    pe.dispose();
  });
});
