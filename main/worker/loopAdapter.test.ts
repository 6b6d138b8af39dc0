import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../shared/types';
import type { EngineEvent } from '../protocol/engine';
import type { StepProgress } from '../training/loop';
import { loopCallbacks, metricRecorder, RunControl, stepProgress, stepRecord } from './loopAdapter';

const STEP: StepProgress = {
  step: 7,
  totalSteps: 100,
  loss: 3.5,
  lr: 0.001,
  gradNorm: 1.25,
  tokens: 640,
  tokensPerSec: 3200,
  etaSec: 29,
};

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('RunControl', () => {
  it('answers pause only once the loop has parked, and resume lets the loop go on', async () => {
    const control = new RunControl();
    let paused = false;
    const pause = control.command('pause').then(() => (paused = true));
    await settle();
    expect(paused).toBe(false); // the loop is still inside a step
    expect(control.state).toBe('paused');
    let loopGoesOn = false;
    const parked = control.waitIfPaused().then(() => (loopGoesOn = true));
    await pause;
    expect(paused).toBe(true);
    await settle();
    expect(loopGoesOn).toBe(false);
    await control.command('resume');
    await parked;
    expect(loopGoesOn).toBe(true);
    expect(control.state).toBe('running');
    await control.waitIfPaused(); // not paused: returns at once
  });

  it('wakes a parked loop on stop, and never parks once a stop is pending', async () => {
    const control = new RunControl();
    const pause = control.command('pause');
    const parked = control.waitIfPaused();
    await pause;
    await control.command('stop');
    await parked;
    expect(control.stopping).toBe(true);
    expect(control.state).toBe('stopping');
    const pauseAfterStop = control.command('pause');
    await control.waitIfPaused(); // paused, but stopping: does not park
    control.end(); // the stopped loop ends the run, which answers the pause
    await pauseAfterStop;
  });

  it('answers a pause at once after the run has ended, and a pause that was waiting when it ends', async () => {
    const control = new RunControl();
    const waiting = control.command('pause');
    control.end();
    await waiting;
    await control.command('pause');
  });
});

describe('metricRecorder', () => {
  it('appends every record, syncs on request, and reports all but training steps', async () => {
    const calls: string[] = [];
    const events: EngineEvent[] = [];
    const record = metricRecorder(
      {
        append: async (rs: readonly MetricRecord[]) => {
          calls.push(`append ${rs.map((r) => r.kind).join()}`);
        },
        sync: async () => {
          calls.push('sync');
        },
      },
      'run-1',
      (e) => events.push(e),
    );
    const valid: MetricRecord = {
      kind: 'valid',
      step: 7,
      time: 1,
      loss: 2,
      perplexity: Math.exp(2),
    };
    await record(stepRecord(STEP, 1));
    await record(valid, true);
    expect(calls).toEqual(['append train', 'append valid', 'sync']);
    expect(events).toEqual([{ type: 'trainMetric', runId: 'run-1', record: valid }]);
  });
});

describe('loopCallbacks', () => {
  it('records a step, then reports its progress with the last validation loss, then runs afterStep', async () => {
    const order: string[] = [];
    const events: EngineEvent[] = [];
    let validLoss: number | undefined;
    const callbacks = loopCallbacks({
      runId: 'run-1',
      control: new RunControl(),
      emit: (e) => {
        order.push(`emit ${e.type}`);
        events.push(e);
      },
      record: async (r) => {
        order.push(`record ${r.kind}@${r.step}`);
      },
      earlyStopped: () => false,
      lastValidLoss: () => validLoss,
      afterStep: async (step) => {
        order.push(`afterStep ${step}`);
        validLoss = 2.25; // e.g. validation ran at this step
      },
    });
    await callbacks.onStep?.(STEP);
    await callbacks.onStep?.({ ...STEP, step: 8 });
    expect(order).toEqual([
      'record train@7',
      'emit trainProgress',
      'afterStep 7',
      'record train@8',
      'emit trainProgress',
      'afterStep 8',
    ]);
    expect(events[0]).toEqual({
      type: 'trainProgress',
      progress: stepProgress('run-1', STEP, undefined),
    });
    expect(events[1]).toMatchObject({ progress: { step: 8, validLoss: 2.25 } });
  });

  it('stops the loop on a stop command or on early stopping', async () => {
    const control = new RunControl();
    let early = false;
    const callbacks = loopCallbacks({
      runId: 'r',
      control,
      emit: () => undefined,
      record: async () => undefined,
      earlyStopped: () => early,
      lastValidLoss: () => undefined,
      afterStep: async () => undefined,
    });
    expect(callbacks.shouldStop?.()).toBe(false);
    early = true;
    expect(callbacks.shouldStop?.()).toBe(true);
    early = false;
    await control.command('stop');
    expect(callbacks.shouldStop?.()).toBe(true);
  });
});

describe('step records and progress', () => {
  it('keeps the chart fields of a step on disk and sends the whole step with the run id', () => {
    expect(stepRecord(STEP, 1234)).toEqual({
      kind: 'train',
      step: 7,
      time: 1234,
      loss: 3.5,
      lr: 0.001,
      gradNorm: 1.25,
      tokensPerSec: 3200,
    });
    expect(stepProgress('run-1', STEP, 2.5)).toEqual({ runId: 'run-1', ...STEP, validLoss: 2.5 });
    expect('validLoss' in stepProgress('run-1', STEP, undefined)).toBe(false);
  });
});
