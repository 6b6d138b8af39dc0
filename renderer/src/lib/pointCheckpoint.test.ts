import { describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '../../../shared/types';
import type { XAxisMode } from './axis';
import {
  checkpointAtOrBefore,
  clickedPoint,
  loggedStep,
  noCheckpointNote,
  openedNote,
  placeOnAxis,
  type AxisPoint,
} from './pointCheckpoint';
import { mergeByStep } from './series';

// Logged training steps: 10 s and 200 tokens from step 10 to 20, 20 s and 300 tokens to 30.
const TRAIN = [
  { step: 10, time: 1_000_000, tokensSeen: 100 },
  { step: 20, time: 1_010_000, tokensSeen: 300 },
  { step: 30, time: 1_030_000, tokensSeen: 600 },
];
// Validation points; step 25 lies between two logged steps (interpolated on time and tokens).
const VALID: AxisPoint[] = [
  { step: 20, value: 4 },
  { step: 25, value: 3.5 },
  { step: 30, value: 3 },
];

function ckpt(id: string, step: number, averagedFrom?: number[]): CheckpointInfo {
  return {
    id,
    runId: 'r1',
    step,
    createdAt: '2026-12-01T00:00:00Z',
    bytes: 1,
    best: false,
    ...(averagedFrom ? { averagedFrom } : {}),
  };
}
// Saved at 10 and 20; an average of both sorts at 25 but stands for no step.
const CHECKPOINTS = [ckpt('10', 10), ckpt('20', 20), ckpt('avg-10-20', 25, [10, 20])];

/** A click on the row at x of a chart with one curve: the point, its step, its checkpoint. */
function clickAt(points: AxisPoint[], x: number) {
  const curves = [{ key: 'r1:vloss', points }];
  const row = mergeByStep(curves).find((r) => r.step === x);
  const hit = clickedPoint(row, curves);
  const step = hit && loggedStep(hit.point);
  return {
    hit,
    step,
    checkpoint: step === undefined ? undefined : checkpointAtOrBefore(CHECKPOINTS, step)?.id,
  };
}

describe('chart point -> step -> checkpoint', () => {
  // x of the points at steps 20, 25, 30 on each axis, by hand: seconds since step 10's time,
  // tokens seen (step 25 halfway between 20 and 30).
  const X: Record<XAxisMode, number[]> = {
    step: [20, 25, 30],
    time: [10, 20, 30],
    tokens: [300, 450, 600],
  };

  for (const mode of ['step', 'time', 'tokens'] as const) {
    it(`maps a click back to the step and its checkpoint on the ${mode} axis`, () => {
      const placed = placeOnAxis(VALID, TRAIN, mode);
      expect(placed.map((p) => p.step)).toEqual(X[mode]);
      const [at20, at25, at30] = X[mode] as [number, number, number];
      expect(clickAt(placed, at20)).toMatchObject({ step: 20, checkpoint: '20' });
      // No checkpoint at 25: the nearest before it, never the average sorted there.
      expect(clickAt(placed, at25)).toMatchObject({ step: 25, checkpoint: '20' });
      expect(clickAt(placed, at30)).toMatchObject({ step: 30, checkpoint: '20' });
    });
  }

  it('leaves the points alone on the step axis, and drops those a run has no time for', () => {
    expect(placeOnAxis(VALID, TRAIN, 'step')).toBe(VALID);
    const early = [{ step: 5, value: 9 }, ...VALID];
    expect(placeOnAxis(early, TRAIN, 'time').map(loggedStep)).toEqual([20, 25, 30]);
  });

  it('finds no checkpoint before the first one, and none in an empty list', () => {
    expect(checkpointAtOrBefore(CHECKPOINTS, 9)).toBeUndefined();
    expect(checkpointAtOrBefore(CHECKPOINTS, 10)?.id).toBe('10');
    expect(checkpointAtOrBefore([], 100)).toBeUndefined();
    // Out of order lists too: the latest at or before the step wins.
    expect(checkpointAtOrBefore([ckpt('20', 20), ckpt('10', 10)], 15)?.id).toBe('10');
  });
});

describe('clickedPoint', () => {
  // Two runs at the same step; value v is drawn at y = 100 - 10 v.
  const curves = [
    { key: 'a:loss', points: [{ step: 5, value: 2 }] },
    { key: 'b:loss', points: [{ step: 5, value: 6 }] },
  ];
  const row = mergeByStep(curves)[0];
  const toPixel = (v: number): number => 100 - 10 * v;

  it('picks the curve drawn nearest the pointer', () => {
    expect(clickedPoint(row, curves, 45, toPixel)?.key).toBe('b:loss'); // b at y 40
    expect(clickedPoint(row, curves, 75, toPixel)?.key).toBe('a:loss'); // a at y 80
  });

  it('takes the first curve with a value when the pointer or scale is unknown', () => {
    expect(clickedPoint(row, curves)?.key).toBe('a:loss');
    expect(clickedPoint(row, curves, 45)?.key).toBe('a:loss');
    expect(clickedPoint({ step: 5, 'b:loss': 6 }, curves, 90, toPixel)?.key).toBe('b:loss');
    expect(clickedPoint(undefined, curves, 45, toPixel)).toBeUndefined();
  });
});

describe('notes', () => {
  it('says which checkpoint opened, and why none did', () => {
    expect(openedNote(20, ckpt('20', 20))).toBe(
      'Opened from the curves: checkpoint 20, saved at step 20.',
    );
    expect(openedNote(25, ckpt('20', 20))).toBe(
      'Opened from the curves: step 25 has no checkpoint, so this is checkpoint 20, the nearest saved before it (step 20).',
    );
    expect(noCheckpointNote('tiny', 5, CHECKPOINTS)).toBe(
      '“tiny” has no checkpoint at or before step 5: its first is at step 10. Click a later point.',
    );
    expect(noCheckpointNote('tiny', 5, [])).toBe(
      '“tiny” has no checkpoint yet: click a point again once one is saved.',
    );
  });
});
