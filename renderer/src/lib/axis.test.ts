import { describe, expect, it } from 'vitest';
import { formatClock, formatX, niceTicks, ticksFor } from './axis';

describe('niceTicks', () => {
  it('spaces round ticks evenly over the range', () => {
    expect(niceTicks(0, 400)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(10, 95)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('gives a one-point chart distinct ticks up to its point, not the same label five times', () => {
    const ticks = niceTicks(50, 50);
    expect(ticks).toEqual([0, 10, 20, 30, 40, 50]);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(niceTicks(0, 0)).toEqual([0, 1]);
  });

  it('never repeats a tick on a short integer range', () => {
    const ticks = niceTicks(1, 3);
    expect(ticks).toEqual([1, 2, 3]);
  });

  it('keeps fractional steps exact when decimals are allowed', () => {
    expect(niceTicks(0, 1, 6, false)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('x labels', () => {
  it('reads time as a clock and tokens in thousands or millions', () => {
    expect(formatClock(42)).toBe('42 s');
    expect(formatClock(725)).toBe('12:05');
    expect(formatClock(12_000)).toBe('3:20:00');
    expect(formatX('tokens', 2_500_000)).toBe('2.50 M');
    expect(formatX('step', 12_000)).toBe('12,000');
  });
});

describe('ticksFor', () => {
  it('puts wall-clock ticks on round clock times', () => {
    expect(ticksFor('time', 0, 600)).toEqual([0, 120, 240, 360, 480, 600]);
    expect(ticksFor('time', 0, 50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(ticksFor('step', 0, 400)).toEqual([0, 100, 200, 300, 400]);
  });
});
