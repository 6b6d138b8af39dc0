import { describe, expect, it } from 'vitest';
import { onAxis, stepToX } from './runAxis';

const train = [
  { step: 10, time: 100_000, tokensSeen: 1000 },
  { step: 20, time: 110_000, tokensSeen: 2000 },
  { step: 30, time: 130_000, tokensSeen: 3500 },
];

describe('stepToX', () => {
  it('maps logged steps to seconds since the first step and to tokens seen', () => {
    const time = stepToX(train, 'time');
    const tokens = stepToX(train, 'tokens');
    expect([10, 20, 30].map(time)).toEqual([0, 10, 30]);
    expect([10, 20, 30].map(tokens)).toEqual([1000, 2000, 3500]);
  });

  it('interpolates a validation step between two logged steps, and leaves the outside out', () => {
    expect(stepToX(train, 'time')(25)).toBe(20);
    expect(stepToX(train, 'tokens')(15)).toBe(1500);
    expect(stepToX(train, 'tokens')(5)).toBeUndefined();
    expect(stepToX(train, 'tokens')(40)).toBeUndefined();
    expect(stepToX(train, 'step')(40)).toBe(40);
  });

  it('has no tokens axis for a log without token counts', () => {
    const old = train.map(({ step, time }) => ({ step, time }));
    expect(onAxis([{ step: 20, value: 1 }], stepToX(old, 'tokens'))).toEqual([]);
    expect(onAxis([{ step: 20, value: 1 }], stepToX(old, 'time'))).toEqual([
      { step: 10, value: 1 },
    ]);
  });
});
