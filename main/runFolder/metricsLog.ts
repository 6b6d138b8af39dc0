/**
 * runs/<id>/metrics.jsonl: one MetricRecord per line, append-only while training.
 * A crash can tear the last line (a write cut short); readers skip it and the next
 * writer cuts it off before appending, so a torn line never ends up in the middle.
 * A bad line anywhere else means the file was damaged or edited, and is reported.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, ErrorCode } from '../../shared/errors';
import type { MetricRecord } from '../../shared/types';
import { writeFileAtomic } from './atomicFs';

export const METRICS_FILE = 'metrics.jsonl';

/** The metrics file of a run folder. */
export function metricsFile(runDir: string): string {
  return path.join(runDir, METRICS_FILE);
}

/** What `readMetrics` found. */
export interface MetricsRead {
  records: MetricRecord[];
  /** 1-based number of a last line that was skipped (torn by a crash), if any. */
  skippedLastLine?: number;
}

function isRecord(v: unknown): v is MetricRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    (r.kind === 'train' || r.kind === 'valid' || r.kind === 'bleu') &&
    typeof r.step === 'number' &&
    Number.isFinite(r.step) &&
    typeof r.time === 'number'
  );
}

/**
 * Parses metrics.jsonl text. The last line may be torn (no newline, or unparsable): it
 * is skipped. A bad line before it throws an AppError naming the file and line.
 */
export function parseMetrics(text: string, file: string): MetricsRead {
  const lines = text.split('\n');
  // A complete file ends with '\n', so the final element is '' unless the tail is torn.
  const records: MetricRecord[] = [];
  let lastNonEmpty = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.trim() !== '') {
      lastNonEmpty = i;
      break;
    }
  }
  let skippedLastLine: number | undefined;
  for (let i = 0; i <= lastNonEmpty; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (isRecord(value)) {
      records.push(value);
      continue;
    }
    if (i === lastNonEmpty) {
      skippedLastLine = i + 1;
      break;
    }
    throw new AppError(
      ErrorCode.FileUnreadable,
      `Line ${i + 1} of ${file} is not a metric record (${JSON.stringify(line.slice(0, 80))}); the file was damaged or edited. Fix or delete that line.`,
      { file, line: i + 1 },
    );
  }
  return skippedLastLine === undefined ? { records } : { records, skippedLastLine };
}

/** Reads a run's metrics; a missing file is an empty log. */
export async function readMetrics(runDir: string): Promise<MetricsRead> {
  const file = metricsFile(runDir);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [] };
    throw new AppError(
      ErrorCode.FileUnreadable,
      `Cannot read ${file}: ${(err as Error).message}.`,
      { file },
    );
  }
  return parseMetrics(text, file);
}

/**
 * Cuts a torn last line (bytes after the final '\n') off an open metrics file, so the next
 * append starts on a fresh line. Returns the bytes removed.
 */
async function cutTornTail(handle: fsp.FileHandle): Promise<number> {
  const size = (await handle.stat()).size;
  if (size === 0) return 0;
  const last = new Uint8Array(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return 0;
  // Scan back in blocks for the last newline; a metrics line is far shorter than a block.
  const block = 64 * 1024;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block);
    const buf = new Uint8Array(end - start);
    await handle.read(buf, 0, buf.length, start);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) {
      await handle.truncate(start + nl + 1);
      return size - (start + nl + 1);
    }
    end = start;
  }
  await handle.truncate(0);
  return size;
}

/**
 * An open metrics log for one training session: `append` writes lines, `sync` makes them
 * durable. Opening cuts a torn tail left by a crash. One writer per run at a time.
 */
export class MetricsWriter {
  private constructor(
    private readonly handle: fsp.FileHandle,
    /** Bytes of a torn last line removed when the log was opened. */
    readonly repairedBytes: number,
  ) {}

  /** Opens (creating if needed) the metrics log of `runDir` for appending. */
  static async open(runDir: string): Promise<MetricsWriter> {
    // 'a+' would force every write to the end, but truncate needs a read/write handle;
    // appends below always pass an explicit position, so 'r+' after creating is enough.
    const file = metricsFile(runDir);
    await (await fsp.open(file, 'a')).close();
    const handle = await fsp.open(file, 'r+');
    try {
      const repaired = await cutTornTail(handle);
      return new MetricsWriter(handle, repaired);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Appends records, one JSON line each, in one write. */
  async append(records: readonly MetricRecord[]): Promise<void> {
    if (records.length === 0) return;
    const bytes = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    let at = (await this.handle.stat()).size;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, at);
      done += bytesWritten;
      at += bytesWritten;
    }
  }

  /** fsyncs what was appended (cheap enough per batch of steps, not needed per line). */
  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * One-shot append (open, cut a torn tail, write, fsync, close). Fine for occasional
 * records; a training loop should keep a `MetricsWriter` open.
 */
export async function appendMetrics(
  runDir: string,
  records: readonly MetricRecord[],
): Promise<void> {
  const writer = await MetricsWriter.open(runDir);
  try {
    await writer.append(records);
    await writer.sync();
  } finally {
    await writer.close();
  }
}

/**
 * Drops every record after `step` (and a torn tail) by rewriting the log atomically.
 * Used on resume from the checkpoint of `step`, so the continued run does not log the
 * steps past it twice. Returns how many records were dropped.
 */
export async function truncateMetricsAfter(runDir: string, step: number): Promise<number> {
  const { records, skippedLastLine } = await readMetrics(runDir);
  const kept = records.filter((r) => r.step <= step);
  const dropped = records.length - kept.length;
  if (dropped === 0 && skippedLastLine === undefined) return 0;
  await writeFileAtomic(metricsFile(runDir), kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return dropped;
}
