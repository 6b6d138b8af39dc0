/**
 * Web mode against a real server on 127.0.0.1 (issue 11): each reproduction of "Crashes of the
 * web server" and "What a web client may touch" as a regression test. The studio has no engine
 * here (none of these calls needs one); webFuzz.test.ts runs a training under fire.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { openWire, rawHttp } from '../../testing/webWire';
import { createStudio, type Studio } from '../studio';
import { WEB_CSP } from './csp';
import { MAX_FRAME_BYTES, startWebServer, type WebServer } from './server';

const TOKEN = 'test-token-0123456789abcdef';
let home: string;
let rendererDir: string;
let studio: Studio;
let web: WebServer;
const logged: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'studio-web-'));
  rendererDir = mkdtempSync(join(tmpdir(), 'studio-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<div id="root"></div>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
  studio = createStudio({ home, startEngine: false, confineFilesToHome: true });
  web = await startWebServer({
    studio,
    rendererDir,
    token: TOKEN,
    log: (m) => logged.push(m),
  });
});

afterAll(async () => {
  await web.close();
  await studio.dispose();
  rmSync(home, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

const cookie = { cookie: `studio_token=${TOKEN}` };

describe('malformed requests', () => {
  it("answers 401 to `//[` without the token, 400 with it (curl -g --path-as-is '//[')", async () => {
    expect((await rawHttp(web.port, '//[')).status).toBe(401);
    expect((await rawHttp(web.port, '//[', cookie)).status).toBe(400);
    expect((await rawHttp(web.port, `//[?token=${TOKEN}`)).status).toBe(400);
  });

  it('answers 400 to GET /%ff with the cookie, and to other malformed targets', async () => {
    for (const target of ['/%ff', '/%', '/%zz', '/a%00b', '/%c0%af', 'http://x/', '*', '/a b']) {
      const answer = await rawHttp(web.port, target, cookie);
      expect([400, 401], target).toContain(answer.status);
      if (target.startsWith('/')) expect(answer.status, target).toBe(400);
    }
  });

  it('answers a huge path without parsing it: 401 without the token, 400 or 431 with it', async () => {
    const huge = `/${'a/'.repeat(3000)}`;
    expect((await rawHttp(web.port, huge)).status).toBe(401);
    expect((await rawHttp(web.port, huge, cookie)).status).toBe(400);
    expect((await rawHttp(web.port, `/${'x'.repeat(20_000)}`, cookie)).status).toBe(431);
  });

  it('refuses a WebSocket upgrade at `//[` without crashing', async () => {
    const answer = await rawHttp(web.port, '//[', {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
    });
    expect(answer.status).toBe(401);
  });

  it('still serves the page with the token, with the CSP as a header', async () => {
    const page = await rawHttp(web.port, `/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toBe(WEB_CSP);
    expect(WEB_CSP).toContain("frame-ancestors 'none'");
    expect(page.headers['set-cookie']).toContain(`studio_token=${TOKEN}`);
    expect((await rawHttp(web.port, '/assets/app.js', cookie)).body).toBe('console.log(1);');
  });

  it('does not let a page of another 127.0.0.1 port ride the cookie', async () => {
    const answer = await rawHttp(web.port, '/', { ...cookie, 'sec-fetch-site': 'same-site' });
    expect(answer.status).toBe(401);
    const own = await rawHttp(web.port, '/', { ...cookie, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
  });
});

describe('WebSocket frames', () => {
  it('answers the message `null` (and other non-calls) with an error Result', async () => {
    const wire = await openWire(web.port, TOKEN);
    for (const frame of [
      'null',
      '42',
      '[1,2]',
      '"x"',
      'not json',
      '{"id":"a","name":"runsList"}',
    ]) {
      const answer = await wire.sendRaw(frame);
      expect(answer.kind, frame).toBe('result');
      if (answer.kind === 'result') {
        expect(answer.result.ok, frame).toBe(false);
        if (!answer.result.ok) expect(answer.result.error.code).toBe(ErrorCode.InvalidArgument);
      }
    }
    const binary = await wire.sendRaw(Buffer.from([1, 2, 3]), true);
    expect(binary.kind === 'result' && !binary.result.ok).toBe(true);
    // A deep object as the call name: answered, named safely.
    const deep = `{"id":9,"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const answer = await wire.sendRaw(deep);
    expect(answer.kind === 'result' && answer.id === 9 && !answer.result.ok).toBe(true);
    // The socket still works.
    const list = await wire.call('runsList');
    expect(list.result).toEqual({ ok: true, value: [] });
    await wire.close();
  });

  it('closes only the socket that sends a frame larger than the protocol needs', async () => {
    const wire = await openWire(web.port, TOKEN);
    const closed = new Promise<number>((r) => wire.ws.once('close', (code: number) => r(code)));
    wire.ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
    const other = await openWire(web.port, TOKEN);
    expect((await other.call('runsList')).result.ok).toBe(true);
    await other.close();
  });
});

describe('what a web client may touch', () => {
  it("refuses datasetPreview('/etc/passwd') and a relative path out of the home", async () => {
    const wire = await openWire(web.port, TOKEN);
    for (const files of [['/etc/passwd'], ['../../../../etc/passwd'], [`${home}/../x`]]) {
      const { result } = await wire.call('datasetPreview', { files });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(ErrorCode.PathNotAllowed);
        expect(result.error.message).toContain('upload the file');
      }
    }
    const imported = await wire.call('datasetImport', { importId: 'i1', files: ['/etc/passwd'] });
    expect(!imported.result.ok && imported.result.error.code).toBe(ErrorCode.PathNotAllowed);
    const ckpt = await wire.call('checkpointImport', { path: '/etc/passwd' });
    expect(!ckpt.result.ok && ckpt.result.error.code).toBe(ErrorCode.PathNotAllowed);
    await wire.close();
  });

  it('refuses a symbolic link in the home that leads out of it', async () => {
    symlinkSync('/etc/passwd', join(home, 'passwd-link'));
    const wire = await openWire(web.port, TOKEN);
    const { result } = await wire.call('datasetPreview', { files: ['passwd-link'] });
    expect(!result.ok && result.error.code).toBe(ErrorCode.PathNotAllowed);
    await wire.close();
  });

  it('confines checkpointExport to <home>/exports', async () => {
    const wire = await openWire(web.port, TOKEN);
    for (const path of ['/tmp/evil.tstudio', '../evil.tstudio', 'sub/evil.tstudio']) {
      const { result } = await wire.call('checkpointExport', { runId: 'r', id: '1', path });
      expect(!result.ok && result.error.code, path).toBe(ErrorCode.PathNotAllowed);
    }
    const { result } = await wire.call('checkpointExport', { runId: 'r', id: '../../../x' });
    expect(!result.ok && result.error.code).toBe(ErrorCode.PathNotAllowed);
    await wire.close();
  });

  it('answers EISDIR with a code and a sentence: a folder inside the home given as a file', async () => {
    mkdirSync(join(home, 'exports'), { recursive: true });
    const wire = await openWire(web.port, TOKEN);
    const { result } = await wire.call('checkpointImport', { path: join(home, 'exports') });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(ErrorCode.FileUnreadable);
      expect(result.error.message).toContain(`${join(home, 'exports')} `);
      expect(result.error.message).toContain('folder');
    }
    await wire.close();
  });

  it('downloads only files of <home>/exports, with the token', async () => {
    mkdirSync(join(home, 'exports'), { recursive: true });
    writeFileSync(join(home, 'exports', 'model.tstudio'), 'weights');
    const file = encodeURIComponent(join(home, 'exports', 'model.tstudio'));
    const got = await rawHttp(web.port, `/download?path=${file}`, cookie);
    expect(got.status).toBe(200);
    expect(got.body).toBe('weights');
    expect(got.headers['content-disposition']).toContain('attachment; filename="model.tstudio"');
    expect((await rawHttp(web.port, `/download?path=${file}`)).status).toBe(401);
    const passwd = encodeURIComponent('/etc/passwd');
    expect((await rawHttp(web.port, `/download?path=${passwd}`, cookie)).status).toBe(403);
    const up = encodeURIComponent('../runs');
    expect((await rawHttp(web.port, `/download?path=${up}`, cookie)).status).toBe(403);
    symlinkSync('/etc/passwd', join(home, 'exports', 'link.tstudio'));
    const link = encodeURIComponent(join(home, 'exports', 'link.tstudio'));
    expect((await rawHttp(web.port, `/download?path=${link}`, cookie)).status).toBe(403);
  });
});

describe('uploads', () => {
  it('removes an upload abandoned mid-way when its socket closes; keeps a finished one', async () => {
    const wire = await openWire(web.port, TOKEN);
    const chunk = Buffer.from('a line\n'.repeat(1000)).toString('base64');
    const first = await wire.call('uploadFile', { name: 'big.en', chunk, last: false });
    expect(first.result.ok).toBe(true);
    const uploadId = first.result.ok ? (first.result.value as { uploadId: string }).uploadId : '';
    await wire.call('uploadFile', { uploadId, name: 'big.en', chunk, last: false });
    const done = await wire.call('uploadFile', { name: 'small.en', chunk, last: true });
    const finishedId = done.result.ok ? (done.result.value as { uploadId: string }).uploadId : '';
    expect(readdirSync(join(home, 'uploads')).sort()).toEqual([finishedId, uploadId].sort());
    await wire.close();
    await expect.poll(() => readdirSync(join(home, 'uploads'))).toEqual([finishedId]);
    expect(studio.uploads.inProgress()).toEqual([]);
  });
});

describe('listening', () => {
  it('refuses a busy port with one sentence', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    await expect(startWebServer({ studio, rendererDir, port })).rejects.toThrow(
      `Port ${port} is already in use on 127.0.0.1; pick another with --port, or --port 0 for a free one.`,
    );
    await new Promise<void>((r) => blocker.close(() => r()));
  });

  it('survived everything above without logging a failure of its own', () => {
    expect(logged).toEqual([]);
  });
});
