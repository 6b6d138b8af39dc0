/**
 * Streaming file I/O for dataset import: corpus files (plain or gzip, detected by magic
 * bytes) to batches of decoded lines, and buffered line writers with fsync. Memory per
 * open file stays at one read chunk plus one line.
 */
import { createGunzip } from 'node:zlib';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { AppError, ErrorCode } from '../../shared/errors';
import { LineDecoder } from '../text/lineDecoder';
import { baseName } from '../text/corpusFormats';

/** Read chunk size: large enough that per-chunk overhead vanishes, small enough to stay responsive. */
const CHUNK_BYTES = 256 * 1024;

export interface CorpusFileInfo {
  path: string;
  /** Base name, used in every message. */
  name: string;
  /** Size on disk (compressed size for gzip): the denominator of progress. */
  bytes: number;
  gzip: boolean;
}

/** A batch of lines with the position of the reader in the file on disk. */
export interface FileLineBatch {
  lines: string[];
  /** 1-based number of lines[0]. */
  firstLine: number;
  /** Bytes of the file on disk consumed so far (compressed bytes for gzip). */
  bytesRead: number;
}

export interface ReadLinesOptions {
  signal?: AbortSignal | undefined;
  maxLineBytes?: number | undefined;
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** An AppError for a file that cannot be opened or read, with the reason in words. */
export function unreadable(name: string, err: unknown): AppError {
  const code = errnoCode(err);
  const why =
    code === 'ENOENT'
      ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission was denied'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : `${err instanceof Error ? err.message : String(err)}`;
  return new AppError(
    ErrorCode.FileUnreadable,
    `${name} cannot be read: ${why}. Check the path and try again.`,
    {
      file: name,
      line: null,
      byte: null,
    },
  );
}

export function cancelled(): AppError {
  return new AppError(ErrorCode.Cancelled, 'The import was cancelled; nothing was saved.');
}

/** Throws Cancelled when the signal has fired (a function, so TypeScript does not narrow `aborted` for good). */
export function checkCancelled(signal: { readonly aborted: boolean } | undefined): void {
  if (signal?.aborted === true) throw cancelled();
}

/** Opens a corpus file enough to say how big it is and whether it is gzip (by its first two bytes, 1F 8B). */
export async function inspectFile(path: string): Promise<CorpusFileInfo> {
  const name = baseName(path);
  let fh: FileHandle | undefined;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    fh = await open(path, 'r');
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return {
      path,
      name,
      bytes: st.size,
      gzip: bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b,
    };
  } catch (err) {
    throw unreadable(name, err);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function isZlibError(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && code.startsWith('Z_');
}

/**
 * Streams a corpus file as batches of decoded lines (gunzipping when it starts with the
 * gzip magic bytes). Stopping the iteration early closes the file. Throws AppErrors:
 * FileUnreadable, CorpusEncoding (not UTF-8, binary), CorpusInvalid (damaged gzip, huge
 * line), Cancelled (signal).
 */
export async function* readLines(
  info: CorpusFileInfo,
  options: ReadLinesOptions = {},
): AsyncGenerator<FileLineBatch> {
  const { signal } = options;
  checkCancelled(signal);
  const decoder = new LineDecoder({ file: info.name, maxLineBytes: options.maxLineBytes });
  let fh: FileHandle;
  try {
    fh = await open(info.path, 'r');
  } catch (err) {
    throw unreadable(info.name, err);
  }
  // Gzip reads smaller compressed chunks: each expands several-fold, and progress is
  // measured in compressed bytes, so big chunks would make the bar jump.
  const raw = fh.createReadStream({
    highWaterMark: info.gzip ? CHUNK_BYTES / 4 : CHUNK_BYTES,
    autoClose: true,
  });
  let source: Readable = raw;
  if (info.gzip) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    // pipeline forwards a read error to gunzip and destroys both on any failure.
    source = pipeline(raw, gunzip, () => undefined);
  }
  try {
    for await (const chunk of source) {
      checkCancelled(signal);
      const batch = decoder.push(chunk as Buffer);
      if (batch.lines.length > 0) yield { ...batch, bytesRead: raw.bytesRead };
    }
    const last = decoder.end();
    if (last.lines.length > 0) yield { ...last, bytesRead: raw.bytesRead };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (isZlibError(err)) {
      const why = err instanceof Error ? err.message : String(err);
      throw new AppError(
        ErrorCode.CorpusInvalid,
        `${info.name} is a damaged or truncated gzip file (${why}); the error came after line ${decoder.lines.toLocaleString('en-US')}. Download or compress it again.`,
        { file: info.name, line: decoder.lines + 1, byte: null },
      );
    }
    throw unreadable(info.name, err);
  } finally {
    source.destroy();
    raw.destroy();
  }
}

/** Appends lines to a file through a buffer; `close()` flushes, fsyncs and closes. */
export class LineWriter {
  private parts: string[] = [];
  private size = 0;
  private count = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<LineWriter> {
    return new LineWriter(await open(path, 'wx'));
  }

  /** Lines written so far. */
  get lines(): number {
    return this.count;
  }

  /** Queues one line (without its newline); flush when the buffer is large. */
  write(line: string): void {
    this.parts.push(line);
    this.size += line.length + 1;
    this.count++;
  }

  /** True when the buffer holds enough to be worth a write call. */
  get full(): boolean {
    return this.size >= 1 << 20;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('\n') + '\n';
    this.parts = [];
    this.size = 0;
    await this.fh.write(text);
  }

  /** Flushes, fsyncs and closes. */
  async close(): Promise<void> {
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
  }

  /** Closes without flushing (on failure; the folder is removed anyway). */
  async abandon(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}
