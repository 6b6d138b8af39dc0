/**
 * The web-protocol fuzz test (issue 11 "Tests"): a real `serve` process on 127.0.0.1 trains
 * the tiny preset on resources/sample while a seeded client throws thousands of random URLs
 * (invalid encodings, `//[`, huge paths, random bytes) with and without the token, and
 * thousands of random WebSocket frames (non-JSON, null, numbers, arrays, deep objects,
 * unknown call names, wrong input types) at it. Every request gets an HTTP answer, every
 * frame exactly one Result, nothing unauthenticated is served, the process stays up, and the
 * training keeps going. Bounded: a few thousand requests, loopback only, no timings asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_NAMES, type WireMessage } from '../../../shared/api';
import type { RunInfo, TrainProgress } from '../../../shared/types';
import { openWire, rawHttp, type WireSocket } from '../../testing/webWire';
import { sampleCorpus } from '../cli/train';

const SEED = 20_260_111;
const HTTP_REQUESTS = 2000;
const FRAMES_PER_SOCKET = 1000;
const SOCKETS = 2;

const repo = join(import.meta.dirname, '../../..');
let home: string;
let renderer: string;
let child: ChildProcess;
let output = '';
let port: number;
let token: string;
let control: WireSocket;
let runId: string;

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

type Random = ReturnType<typeof generator>;

const NASTY_PATHS = [
  '//[',
  '/%ff',
  '/%',
  '/%zz',
  '/%c0%af',
  '/%00',
  '/..%2f..%2fetc%2fpasswd',
  '/../../etc/passwd',
  '/download',
  '/download?path=%2Fetc%2Fpasswd',
  '/download?path=..%2Fruns',
  '/download?path=%ff',
  '/ws',
  '/assets/app.js',
  '/index.html',
  '/?token=',
  '/?token=wrong',
  '//',
  '/[::1]',
  'http://127.0.0.1/',
  '*',
  '/\u00ff\u00fe',
];

/** A random request target: nasty classics, random bytes, escapes, or a huge path. */
function randomTarget(r: Random): string {
  switch (r.int(5)) {
    case 0:
      return r.pick(NASTY_PATHS);
    case 1: {
      let s = '/';
      for (let i = r.int(60); i > 0; i--) {
        const code = r.int(256);
        if (code !== 0x0d && code !== 0x0a && code !== 0x20) s += String.fromCharCode(code);
      }
      return s;
    }
    case 2: {
      let s = '/';
      for (let i = r.int(20); i > 0; i--)
        s += `%${r
          .int(256)
          .toString(16)
          .padStart(2, r.pick(['0', 'g', '%']))}`;
      return s;
    }
    case 3:
      return `/${r.pick(['a/', '%2e%2e/', '../', '/', '[', '%'])}`.repeat(1 + r.int(4000));
    default:
      return `${r.pick(NASTY_PATHS)}${r.pick(['', '?', '?x=%', '?path=', '#'])}${r.pick(['', 'a', '%ff'])}`;
  }
}

/** A random JSON-able value, possibly deep. */
function randomValue(r: Random, depth = 0): unknown {
  const kind = r.int(depth > 3 ? 6 : 9);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return r.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 2:
      return r.pick([
        '',
        'x',
        '../../etc/passwd',
        '/etc/passwd',
        '\u0000',
        'a'.repeat(1000),
        'tiny',
      ]);
    case 3:
      return r.next() < 0.5;
    case 4:
      return r.pick(CALL_NAMES);
    case 5:
      return r.pick(['best', 'last', '1', 'run-1', '..', 'avg-1-2']);
    case 6:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    case 7: {
      const out: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--) {
        out[
          r.pick([
            'runId',
            'id',
            'files',
            'path',
            'name',
            'chunk',
            'last',
            'options',
            '__proto__',
            'constructor',
            'x',
          ])
        ] = randomValue(r, depth + 1);
      }
      return out;
    }
    default:
      return `${r.pick(['', '[', '{"a":'])}`.repeat(r.int(3)) + 'deep';
  }
}

/** A frame as text (or binary), mostly shaped like a call, never bigger than a few MiB. */
function randomFrame(r: Random, id: number): { data: string | Buffer; binary: boolean } {
  switch (r.int(8)) {
    case 0:
      return {
        data: r.pick([
          'null',
          '42',
          '[]',
          '"x"',
          'true',
          '{}',
          '',
          'not json',
          '{"id":1',
          '\u0000',
        ]),
        binary: false,
      };
    case 1:
      return {
        data: Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256))),
        binary: true,
      };
    case 2: {
      const depth = 1 + r.int(20_000);
      return {
        data: `{"id":${id},"name":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        binary: false,
      };
    }
    case 3: {
      const depth = 1 + r.int(20_000);
      const name = JSON.stringify(r.pick(CALL_NAMES));
      return {
        data: `{"id":${id},"name":${name},"input":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
        binary: false,
      };
    }
    case 4:
      return {
        data: JSON.stringify({ id: randomValue(r), name: randomValue(r), input: randomValue(r) }),
        binary: false,
      };
    case 5:
      return {
        data: JSON.stringify({
          id,
          name: `${r.pick(CALL_NAMES)}${r.pick(['', 'x', ' ', '\u0000'])}`,
          input: randomValue(r),
        }),
        binary: false,
      };
    default:
      return {
        data: JSON.stringify({ id, name: r.pick(CALL_NAMES), input: randomValue(r) }),
        binary: false,
      };
  }
}

function resultValue<T>(msg: Extract<WireMessage, { kind: 'result' }>): T {
  if (!msg.result.ok) throw new Error(`${msg.result.error.code}: ${msg.result.error.message}`);
  return msg.result.value as T;
}

async function upload(wire: WireSocket, file: string, name: string): Promise<string> {
  const chunk = readFileSync(file).toString('base64');
  return resultValue<{ path: string }>(await wire.call('uploadFile', { name, chunk, last: true }))
    .path;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-fuzz-'));
  renderer = mkdtempSync(join(tmpdir(), 'studio-fuzz-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<div id="root"></div>');
  mkdirSync(join(renderer, 'assets'));
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1);');
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repo, 'main/host/cli.ts'),
      'serve',
      '--port',
      '0',
      '--home',
      home,
      '--backend',
      'wasm',
    ],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRANSFORMER_STUDIO_RENDERER: renderer },
    },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match?.[1]) resolve(new URL(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  port = Number(url.port);
  token = url.searchParams.get('token') ?? '';

  // The training that must survive: uploaded and imported through the socket, as a browser does.
  control = await openWire(port, token);
  const sample = sampleCorpus();
  const files = [
    await upload(control, sample.src, 'sample.en'),
    await upload(control, sample.tgt, 'sample.de'),
  ];
  const dataset = resultValue<{ id: string }>(
    await control.call('datasetImport', {
      importId: 'fuzz',
      files,
      options: { name: 'sample', vocabSize: 300, validation: { fraction: 0.02, seed: 1 } },
    }),
  );
  const run = resultValue<RunInfo>(
    await control.call('runCreate', {
      datasetId: dataset.id,
      preset: 'tiny',
      train: {
        batchTokens: 192,
        maxSteps: 100_000,
        warmupSteps: 8,
        validEvery: 100_000,
        bleuEvery: 0,
        checkpointEvery: 100_000,
        seed: 7,
      },
    }),
  );
  runId = run.id;
  const firstStep = control.nextEvent('trainProgress', (p) => (p as TrainProgress).runId === runId);
  resultValue(await control.call('runStart', { runId }));
  await firstStep;
}, 300_000);

afterAll(async () => {
  await control?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(home, { recursive: true, force: true });
  rmSync(renderer, { recursive: true, force: true });
});

describe(`web protocol fuzz (seed ${SEED})`, () => {
  it('answers every random URL, serves nothing without the token, and stays up', async () => {
    const r = generator(SEED);
    const requests = Array.from({ length: HTTP_REQUESTS }, (_, i) => {
      const auth = r.int(3); // 0: nothing, 1: the cookie, 2: the token in the query
      let target = randomTarget(r);
      // The first token= counts: an earlier, wrong one must not be there.
      if (auth === 2) {
        target = target.replace(/token=/g, 'tokn=');
        target += `${target.includes('?') ? '&' : '?'}token=${token}`;
      }
      const headers: Record<string, string> = auth === 1 ? { cookie: `studio_token=${token}` } : {};
      if (i % 7 === 0) {
        Object.assign(headers, {
          upgrade: 'websocket',
          connection: 'Upgrade',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'sec-websocket-version': '13',
        });
      }
      const method = r.pick(['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']);
      return { target, headers, method, authorised: auth !== 0 };
    });
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const { target, headers, method, authorised } = requests[next++]!;
        const answer = await rawHttp(port, target, headers, method);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (!authorised) {
          // Unauthenticated: refused before anything was parsed (or by Node's own parser).
          expect([400, 401, 431], `${method} ${target.slice(0, 80)}`).toContain(answer.status);
          expect(answer.body).not.toContain('<div id="root">');
        } else {
          expect([101, 200, 400, 403, 404, 405, 431], `${method} ${target.slice(0, 80)}`).toContain(
            answer.status,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(HTTP_REQUESTS);
    expect(child.exitCode).toBeNull();
    expect((await rawHttp(port, `/?token=${token}`)).status).toBe(200);
  });

  it('refuses sockets without the token', async () => {
    for (const query of ['', '?token=wrong', `?token=${token}x`]) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`);
      const outcome = await new Promise<string>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('error', () => resolve('refused'));
      });
      expect(outcome, query).toBe('refused');
    }
  });

  it('answers every random frame with exactly one Result, on every socket', async () => {
    const finishedUploads = new Set<string>();
    await Promise.all(
      Array.from({ length: SOCKETS }, async (_, socketIndex) => {
        // One generator per socket: the frames replay exactly whatever the interleaving.
        const r = generator(SEED + 1 + socketIndex);
        const wire = await openWire(port, token);
        const results = (): Extract<WireMessage, { kind: 'result' }>[] =>
          wire.messages.filter(
            (m): m is Extract<WireMessage, { kind: 'result' }> => m.kind === 'result',
          );
        for (let sent = 0; sent < FRAMES_PER_SOCKET;) {
          const batch = Math.min(50, FRAMES_PER_SOCKET - sent);
          for (let k = 0; k < batch; k++) {
            const frame = randomFrame(r, 1000 + sent + k);
            wire.ws.send(frame.data, { binary: frame.binary });
          }
          sent += batch;
          await expect.poll(() => results().length, { timeout: 60_000 }).toBe(sent);
        }
        for (const msg of results()) {
          expect(msg.result.ok === true || typeof msg.result.error.message === 'string').toBe(true);
          if (!msg.result.ok) {
            expect(msg.result.error.code).toMatch(/^[A-Z_]+$/);
            expect(msg.result.error.message.length).toBeGreaterThan(0);
          }
          const value = msg.result.ok
            ? (msg.result.value as { uploadId?: unknown; path?: unknown })
            : undefined;
          if (typeof value?.uploadId === 'string' && typeof value.path === 'string')
            finishedUploads.add(value.uploadId);
        }
        await wire.close();
      }),
    );
    expect(child.exitCode).toBeNull();
    // Uploads the fuzz left unfinished went with their sockets; finished ones stay, and so do
    // the two sample files the training was imported from.
    await expect
      .poll(
        () => readdirSync(join(home, 'uploads')).filter((d) => !finishedUploads.has(d)).length,
        {
          timeout: 30_000,
        },
      )
      .toBe(2);
  });

  it('kept training through it all, and exports what it trained for the browser to download', async () => {
    const before = resultValue<RunInfo[]>(await control.call('runsList')).find(
      (x) => x.id === runId,
    );
    expect(before?.status).toBe('running');
    const later = (await control.nextEvent(
      'trainProgress',
      (p) =>
        (p as TrainProgress).runId === runId && (p as TrainProgress).step > (before?.step ?? 0),
    )) as TrainProgress;
    expect(later.step).toBeGreaterThan(before?.step ?? 0);
    resultValue(await control.call('runStop', { runId }));

    // Export in web mode: into <home>/exports, then an HTTP GET with the token's cookie.
    const { path } = resultValue<{ path: string }>(
      await control.call('checkpointExport', { runId, id: 'last' }),
    );
    expect(path.startsWith(join(home, 'exports') + '/')).toBe(true);
    const download = await rawHttp(port, `/download?path=${encodeURIComponent(path)}`, {
      cookie: `studio_token=${token}`,
    });
    expect(download.status).toBe(200);
    expect(Number(download.headers['content-length'])).toBe(statSync(path).size);
    const refused = await control.call('checkpointExport', {
      runId,
      id: 'last',
      path: '/tmp/fuzz.tstudio',
    });
    expect(!refused.result.ok && refused.result.error.code).toBe('PATH_NOT_ALLOWED');

    // The server logged no failure of its own, and stops cleanly.
    expect(output).not.toMatch(/^web: /m);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
