import { describe, expect, it } from 'vitest';
import type { StepProgress } from '../training/loop';
import { runTraining } from '../training/loop';
import type { Trainer } from '../training/trainer';
import { elapsedFromPosition, TimeBudget, withTimeBudget } from './timeBudget';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** A trainer whose every step takes `stepMs` on `clock` (runTraining only calls these). */
function timedTrainer(clock: ReturnType<typeof manualClock>, stepMs: number, maxSteps = 1000) {
  let step = 0;
  return {
    get step() {
      return step;
    },
    trainConfig: { maxSteps, validEvery: 0 },
    trainStep() {
      clock.advance(stepMs);
      step++;
      return { step, loss: 1, lr: 0, gradNorm: 1, tokens: 10 };
    },
  } as unknown as Trainer;
}

describe('TimeBudget', () => {
  it('counts elapsed time on its clock, with what earlier sessions used', () => {
    const clock = manualClock();
    const budget = new TimeBudget(60_000, 15_000, clock.now);
    expect(budget.elapsedMs).toBe(15_000);
    expect(budget.fraction).toBe(0.25);
    clock.advance(15_000);
    expect(budget.fraction).toBe(0.5);
    expect(budget.remainingSec).toBe(30);
    expect(budget.expired).toBe(false);
    clock.advance(30_000);
    expect(budget.expired).toBe(true);
    expect(budget.remainingSec).toBe(0);
    clock.advance(5_000);
    expect(budget.fraction).toBe(1);
  });

  it('does not count time spent paused', async () => {
    const clock = manualClock();
    const budget = new TimeBudget(60_000, 0, clock.now);
    clock.advance(10_000);
    await budget.excluding(async () => {
      clock.advance(100_000);
      expect(budget.elapsedMs).toBe(10_000);
    });
    expect(budget.elapsedMs).toBe(10_000);
    clock.advance(1_000);
    expect(budget.elapsedMs).toBe(11_000);
  });

  it('reads the elapsed time a checkpoint position recorded (0 when none)', () => {
    expect(elapsedFromPosition({ trainer: {}, elapsedMs: 1234 })).toBe(1234);
    expect(elapsedFromPosition({ trainer: {} })).toBe(0);
    expect(elapsedFromPosition(undefined)).toBe(0);
    expect(elapsedFromPosition({ elapsedMs: -5 })).toBe(0);
  });
});

describe('withTimeBudget', () => {
  it('ends the run within one step of the deadline, with the remaining budget as ETA', async () => {
    // 0.5 minute = 30 s, 7 s a step: steps start at 0, 7, 14, 21, 28 s; the 5th ends at 35 s.
    const clock = manualClock();
    const budget = new TimeBudget(30_000, 0, clock.now);
    const seen: StepProgress[] = [];
    const result = await runTraining(
      timedTrainer(clock, 7_000),
      { validEvery: 0, validateAtEnd: false },
      withTimeBudget({ onStep: (p) => void seen.push(p) }, budget),
    );
    expect(result).toEqual({ step: 5, stopped: true });
    expect(budget.elapsedMs).toBe(35_000);
    expect(budget.elapsedMs - budget.budgetMs).toBeLessThan(7_000);
    expect(seen.map((p) => p.etaSec)).toEqual([23, 16, 9, 2, 0]);
  });

  it('a resumed run trains only the remaining budget', async () => {
    // The checkpoint recorded 21 s: steps start at 21 and 28 s, then the deadline has passed.
    const clock = manualClock();
    const budget = new TimeBudget(30_000, 21_000, clock.now);
    const result = await runTraining(
      timedTrainer(clock, 7_000),
      { validEvery: 0, validateAtEnd: false },
      withTimeBudget({}, budget),
    );
    expect(result.step).toBe(2);
    expect(budget.elapsedMs).toBe(35_000);
  });

  it("keeps the run's own stop and pause", async () => {
    const clock = manualClock();
    const budget = new TimeBudget(30_000, 0, clock.now);
    let waits = 0;
    const result = await runTraining(
      timedTrainer(clock, 1_000),
      { validEvery: 0, validateAtEnd: false },
      withTimeBudget(
        {
          shouldStop: () => waits >= 3,
          waitIfPaused: async () => {
            waits++;
            clock.advance(60_000); // paused a minute: not counted
          },
        },
        budget,
      ),
    );
    expect(result).toEqual({ step: 2, stopped: true });
    expect(budget.elapsedMs).toBe(2_000);
  });
});
