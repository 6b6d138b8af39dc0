import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import type { EngineInfo } from '../../shared/types';
import { EngineHost, type WorkerPort } from './EngineHost';
import type { HostToWorker, WorkerToHost } from '../protocol/engine';

const FAKE_INFO: EngineInfo = {
  backend: 'cpu',
  reason: 'fake',
  rejected: [],
  tfjsVersion: '0.0.0',
  threads: 1,
  nodeVersion: process.versions.node,
  platform: 'test',
};

/** An in-memory worker: the host talks over a real MessageChannel, no thread, no tfjs. */
function fakeWorker(
  serve: (msg: HostToWorker, reply: (m: WorkerToHost) => void, die: (r: string) => void) => void,
) {
  const { port1, port2 } = new MessageChannel();
  let onDeath: ((reason: string) => void) | undefined;
  const die = (reason: string) => onDeath?.(reason);
  port2.on('message', (msg: HostToWorker) => serve(msg, (m) => port2.postMessage(m), die));
  const port: WorkerPort = {
    postMessage: (msg) => port1.postMessage(msg),
    onMessage: (listener) => (port1 as MessagePort).on('message', listener),
    onDeath: (listener) => {
      onDeath = listener;
    },
    terminate: async () => {
      port1.close();
      port2.close();
    },
  };
  return port;
}

const hosts: EngineHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose()));
});

describe('EngineHost over an in-memory MessageChannel', () => {
  it('starts, answers calls and keeps error codes across the boundary', async () => {
    const host = new EngineHost({
      workerFactory: () =>
        fakeWorker((msg, reply) => {
          if (msg.type === 'init') reply({ type: 'ready', info: FAKE_INFO });
          if (msg.type === 'call' && msg.method === 'ping') {
            reply(
              msg.input.payload === 'bad'
                ? {
                    type: 'result',
                    id: msg.id,
                    result: {
                      ok: false,
                      error: { code: ErrorCode.InvalidArgument, message: 'bad ping' },
                    },
                  }
                : {
                    type: 'result',
                    id: msg.id,
                    result: { ok: true, value: { payload: msg.input.payload, backend: 'cpu' } },
                  },
            );
          }
        }),
    });
    hosts.push(host);
    const statuses: string[] = [];
    host.onStatus((s) => statuses.push(s.state));
    await expect(host.start()).resolves.toEqual(FAKE_INFO);
    await expect(host.call('ping', { payload: 'hi' })).resolves.toEqual({
      payload: 'hi',
      backend: 'cpu',
    });
    await expect(host.call('ping', { payload: 'bad' })).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'bad ping',
    });
    expect(statuses).toEqual(['starting', 'ready']);
  });

  it('rejects pending calls when the worker dies, reports it, and starts a fresh worker', async () => {
    let spawned = 0;
    const host = new EngineHost({
      workerFactory: () => {
        spawned += 1;
        const generation = spawned;
        return fakeWorker((msg, reply, die) => {
          if (msg.type === 'init')
            reply({ type: 'ready', info: { ...FAKE_INFO, reason: `gen ${generation}` } });
          if (msg.type === 'call' && generation === 1) die('out of memory'); // never answers
          if (msg.type === 'call' && generation === 2 && msg.method === 'engineInfo') {
            reply({
              type: 'result',
              id: msg.id,
              result: { ok: true, value: { ...FAKE_INFO, reason: 'gen 2' } },
            });
          }
        });
      },
    });
    hosts.push(host);
    const crashed = new Promise<string>((resolve) =>
      host.onStatus((s) => s.state === 'crashed' && resolve(s.message ?? '')),
    );
    await host.start();
    await expect(host.call('engineInfo', undefined)).rejects.toMatchObject({
      code: ErrorCode.EngineCrashed,
    });
    expect(await crashed).toContain('out of memory');
    await expect(host.call('engineInfo', undefined)).resolves.toMatchObject({ reason: 'gen 2' });
    expect(spawned).toBe(2);
  });

  it('replaces a threaded start that never answers by a single-threaded one, and says why', async () => {
    const inits: number[] = [];
    const terminated: number[] = [];
    const host = new EngineHost({
      wasmThreads: 2,
      threadedStartLimitMs: 200,
      workerFactory: () => {
        const generation = inits.length + 1;
        const port = fakeWorker((msg, reply) => {
          if (msg.type !== 'init') return;
          inits.push(msg.wasmThreads);
          // The first, threaded start hangs (as tfjs's threaded build was seen to).
          if (msg.wasmThreads === 1) reply({ type: 'ready', info: FAKE_INFO });
        });
        const terminate = port.terminate;
        port.terminate = async () => {
          terminated.push(generation);
          await terminate();
        };
        return port;
      },
    });
    hosts.push(host);
    const info = await host.start();
    expect(inits).toEqual([2, 1]);
    expect(terminated).toEqual([1]);
    expect(info.threadsNote).toBe(
      'one thread: the 2-thread wasm start did not answer within 0.2 s, so the engine restarted single-threaded',
    );
    expect(host.status).toMatchObject({ state: 'ready' });
  });

  it('leaves a threaded start that answers in time alone', async () => {
    const inits: number[] = [];
    const host = new EngineHost({
      wasmThreads: 2,
      threadedStartLimitMs: 5_000,
      workerFactory: () =>
        fakeWorker((msg, reply) => {
          if (msg.type !== 'init') return;
          inits.push(msg.wasmThreads);
          reply({ type: 'ready', info: { ...FAKE_INFO, threads: 2 } });
        }),
    });
    hosts.push(host);
    await expect(host.start()).resolves.toMatchObject({ threads: 2 });
    expect(inits).toEqual([2]);
  });
});

describe('EngineHost with the real engine worker (worker_threads + tfjs)', () => {
  it('answers engineInfo from the worker: wasm here, with reasons for the native backends', async () => {
    const host = new EngineHost({ wasmThreads: 2 });
    hosts.push(host);
    const info = await host.call('engineInfo', undefined);
    expect(['wasm', 'cpu']).toContain(info.backend);
    expect(info.tfjsVersion).toBe('4.22.0');
    const rejectedNames = info.rejected.map((r) => r.backend);
    expect(rejectedNames).toEqual(expect.arrayContaining(['tensorflow-gpu', 'tensorflow']));
    for (const r of info.rejected) expect(r.reason).toMatch(/\w+.*\./);
    // wasm runs its threaded build (main/worker/wasmThreads.ts).
    if (info.backend === 'wasm') expect(info.threads).toBe(2);
  });

  it('runs wasm single-threaded when asked, and says why', async () => {
    const host = new EngineHost({ backend: 'wasm', wasmThreads: 1 });
    hosts.push(host);
    const info = await host.start();
    expect(info.threads).toBe(1);
    expect(info.threadsNote).toMatch(/one thread/);
  });

  it('survives a worker crash and serves the next call from a fresh worker', async () => {
    const host = new EngineHost({ backend: 'cpu' });
    hosts.push(host);
    await host.start();
    const crashed = new Promise<void>((resolve) =>
      host.onStatus((s) => s.state === 'crashed' && resolve()),
    );
    host.crashForTest('throw');
    await crashed;
    await expect(host.call('ping', { payload: 'again' })).resolves.toEqual({
      payload: 'again',
      backend: 'cpu',
    });
  });

  it('a forced backend that cannot load is an error with its reason', async () => {
    const host = new EngineHost({ backend: 'tensorflow-gpu', restartOnCrash: false });
    hosts.push(host);
    await expect(host.start()).rejects.toMatchObject({ code: ErrorCode.BackendUnavailable });
  });
});

describe('defaultWasmThreads', () => {
  it('takes TRANSFORMER_STUDIO_WASM_THREADS, else one per core, at most 8', async () => {
    const { defaultWasmThreads } = await import('./EngineHost');
    const { availableParallelism } = await import('node:os');
    expect(defaultWasmThreads({ TRANSFORMER_STUDIO_WASM_THREADS: '1' })).toBe(1);
    expect(defaultWasmThreads({ TRANSFORMER_STUDIO_WASM_THREADS: '64' })).toBe(8);
    expect(defaultWasmThreads({ TRANSFORMER_STUDIO_WASM_THREADS: 'lots' })).toBe(
      Math.min(availableParallelism(), 8),
    );
    expect(defaultWasmThreads({})).toBe(Math.min(availableParallelism(), 8));
  });
});
