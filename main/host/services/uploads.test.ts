/**
 * Uploads in chunks: bytes land in order, a finished upload stays, an abandoned one (socket
 * closed, or no chunk for idleMs) leaves nothing on disk.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { createUploadStore, MAX_UPLOAD_CHUNK_BYTES } from './uploads';

const root = mkdtempSync(join(tmpdir(), 'studio-uploads-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const b64 = (text: string): string => Buffer.from(text).toString('base64');
let n = 0;
const freshDir = (): string => join(root, `u${n++}`);

describe('createUploadStore', () => {
  it('appends chunks in order and answers the path with the last one', async () => {
    const store = createUploadStore(freshDir());
    const first = await store.append({
      name: 'train.de-en.tsv',
      chunk: b64('a\tb\n'),
      last: false,
    });
    expect(first.path).toBeUndefined();
    expect(store.inProgress()).toEqual([first.uploadId]);
    const done = await store.append({
      uploadId: first.uploadId,
      name: 'train.de-en.tsv',
      chunk: b64('c\td\n'),
      last: true,
    });
    expect(done.uploadId).toBe(first.uploadId);
    expect(done.path?.endsWith('/train.de-en.tsv')).toBe(true);
    expect(readFileSync(done.path!, 'utf8')).toBe('a\tb\nc\td\n');
    expect(store.inProgress()).toEqual([]);
    await store.dispose();
    expect(existsSync(done.path!)).toBe(true);
  });

  it('removes an abandoned upload and refuses its next chunk', async () => {
    const dir = freshDir();
    const store = createUploadStore(dir);
    const { uploadId } = await store.append({ name: 'x.en', chunk: b64('12345'), last: false });
    expect(await store.abandon(uploadId)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(await store.abandon(uploadId)).toBe(false);
    await expect(
      store.append({ uploadId, name: 'x.en', chunk: b64('6'), last: true }),
    ).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('removes an upload that got no chunk for idleMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const dir = freshDir();
    const store = createUploadStore(dir, { idleMs: 1000 });
    const { uploadId } = await store.append({ name: 'x.en', chunk: b64('abc'), last: false });
    vi.advanceTimersByTime(999);
    expect(store.inProgress()).toEqual([uploadId]);
    await store.append({ uploadId, name: 'x.en', chunk: b64('def'), last: false });
    vi.advanceTimersByTime(999);
    expect(store.inProgress()).toEqual([uploadId]);
    vi.advanceTimersByTime(1);
    expect(store.inProgress()).toEqual([]);
    vi.useRealTimers();
    await expect.poll(() => readdirSync(dir)).toEqual([]);
  });

  it('refuses a chunk larger than the protocol sends, and drops its upload', async () => {
    const dir = freshDir();
    const store = createUploadStore(dir);
    const { uploadId } = await store.append({ name: 'x.en', chunk: b64('a'), last: false });
    const big = Buffer.alloc(MAX_UPLOAD_CHUNK_BYTES + 1).toString('base64');
    await expect(
      store.append({ uploadId, name: 'x.en', chunk: big, last: false }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps every file inside its own upload folder, whatever the name', async () => {
    const dir = freshDir();
    const store = createUploadStore(dir);
    for (const name of ['..', '.', '../../etc/x', 'a\\b.en', 'nul\u0000.en', '/']) {
      const { uploadId, path } = await store.append({ name, chunk: b64('x'), last: true });
      expect(path?.startsWith(join(dir, uploadId) + '/'), name).toBe(true);
      expect(readdirSync(join(dir, uploadId)), name).toHaveLength(1);
    }
  });
});
