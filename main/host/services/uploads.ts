/**
 * Files a browser sends in web mode, in base64 chunks (renderer/src/lib/upload.ts), each
 * into its own folder under <home>/uploads. A finished upload stays there for preview and
 * import; an unfinished one is removed when its client goes away (the web server calls
 * `abandon` when the socket closes) or when no chunk has come for `idleMs`, so an upload cut
 * off mid-way leaves nothing on disk.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';

/** Largest upload accepted (the import itself streams; this only bounds disk). */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
/** Largest chunk, decoded; the renderer sends 768 KiB. The web server sizes its frames from it. */
export const MAX_UPLOAD_CHUNK_BYTES = 3 * 1024 ** 2;
/** Unfinished uploads at once; the page sends its files one after the other. */
const MAX_UPLOADS_IN_PROGRESS = 16;
/** An upload with no chunk for this long is taken as abandoned. */
const DEFAULT_IDLE_MS = 120_000;

export interface UploadChunk {
  /** Absent on the first chunk: the answer names the new upload. */
  uploadId?: string;
  name: string;
  /** Base64. */
  chunk: string;
  last: boolean;
}

export interface UploadStore {
  /** Appends one chunk, starting an upload on the first; the last chunk's answer has the path. */
  append(chunk: UploadChunk): Promise<{ uploadId: string; path?: string }>;
  /** Removes an unfinished upload and its bytes; false when it is not in progress. */
  abandon(uploadId: string): Promise<boolean>;
  /** Ids of the uploads in progress. */
  inProgress(): string[];
  /** Removes every unfinished upload and stops the idle timers. */
  dispose(): Promise<void>;
}

interface Upload {
  dir: string;
  path: string;
  bytes: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Chunks and removal run one after the other, in the order they came. */
  tail: Promise<unknown>;
}

/** The user's file name, kept (it carries the language: train.en, x.de-en.tsv), made safe. */
function safeFileName(name: string): string {
  const base = Array.from(basename(name), (c) =>
    c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 ? '_' : c,
  ).join('');
  return base === '' || base === '.' || base === '..' ? 'upload' : base;
}

export function createUploadStore(
  uploadsDir: string,
  options: { idleMs?: number } = {},
): UploadStore {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const uploads = new Map<string, Upload>();

  const remove = (id: string, upload: Upload): Promise<void> => {
    clearTimeout(upload.timer);
    uploads.delete(id);
    const removal = upload.tail.then(
      () => rm(upload.dir, { recursive: true, force: true }),
      () => rm(upload.dir, { recursive: true, force: true }),
    );
    upload.tail = removal;
    return removal;
  };

  const touch = (id: string, upload: Upload): void => {
    clearTimeout(upload.timer);
    upload.timer = setTimeout(() => void remove(id, upload).catch(() => undefined), idleMs);
    // An idle timer must not keep a CLI process alive.
    upload.timer.unref?.();
  };

  const start = async (name: string): Promise<{ id: string; upload: Upload }> => {
    if (uploads.size >= MAX_UPLOADS_IN_PROGRESS) {
      throw new AppError(
        ErrorCode.Busy,
        `${MAX_UPLOADS_IN_PROGRESS} uploads are already in progress; let them finish first.`,
      );
    }
    const id = randomBytes(8).toString('hex');
    const dir = join(uploadsDir, id);
    const upload: Upload = {
      dir,
      path: join(dir, safeFileName(name)),
      bytes: 0,
      timer: undefined,
      tail: mkdir(dir, { recursive: true }),
    };
    uploads.set(id, upload);
    touch(id, upload);
    return { id, upload };
  };

  const abandon = async (uploadId: string): Promise<boolean> => {
    const upload = uploads.get(uploadId);
    if (!upload) return false;
    await remove(uploadId, upload);
    return true;
  };

  return {
    async append({ uploadId, name, chunk, last }) {
      const data = Buffer.from(chunk, 'base64');
      if (data.length > MAX_UPLOAD_CHUNK_BYTES) {
        if (uploadId !== undefined) await abandon(uploadId);
        throw new AppError(
          ErrorCode.InvalidArgument,
          `A chunk of ${name} holds ${data.length} bytes; send at most ${MAX_UPLOAD_CHUNK_BYTES} at a time.`,
        );
      }
      let id = uploadId;
      let upload = id === undefined ? undefined : uploads.get(id);
      if (id !== undefined && !upload) {
        throw new AppError(
          ErrorCode.NotFound,
          `Upload ${id} is not in progress; start the upload again.`,
        );
      }
      if (id === undefined || !upload) ({ id, upload } = await start(name));
      const current = upload;
      current.bytes += data.length;
      if (current.bytes > MAX_UPLOAD_BYTES) {
        await remove(id, current);
        throw new AppError(
          ErrorCode.InvalidArgument,
          `${name} is larger than 4 GiB; import it with npm run import on the server instead.`,
        );
      }
      touch(id, current);
      const write = current.tail.then(() => appendFile(current.path, data));
      current.tail = write.catch(() => undefined);
      try {
        await write;
      } catch (err) {
        await remove(id, current);
        throw err;
      }
      if (uploads.get(id) !== current) {
        throw new AppError(
          ErrorCode.Cancelled,
          `The upload of ${name} was abandoned while this chunk was written; start it again.`,
        );
      }
      if (!last) return { uploadId: id };
      clearTimeout(current.timer);
      uploads.delete(id);
      return { uploadId: id, path: current.path };
    },

    abandon,

    inProgress: () => [...uploads.keys()],

    async dispose() {
      await Promise.all([...uploads].map(([id, upload]) => remove(id, upload)));
    },
  };
}
