/**
 * Bytes to text lines for corpus files: UTF-8 validation with the exact line and byte of
 * the first bad byte, BOM and CRLF handling, binary detection, and a per-line size limit.
 * Pure: it is fed byte chunks by whoever reads the file (main/importer), so it can be
 * tested without a disk and never buffers more than one line plus one chunk.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import { IMPORT_DEFAULTS } from '../../shared/schema/importOptions';

/** Default longest line accepted, in bytes: far above any sentence, far below "read the whole file as one line". */
export const DEFAULT_MAX_LINE_BYTES = IMPORT_DEFAULTS.maxLineBytes;

export interface LineDecoderOptions {
  /** File name used in error messages (a base name, not a full path). */
  file: string;
  /** Longest line accepted, in bytes (without its line ending). Default 1 MiB. */
  maxLineBytes?: number;
}

/** A batch of decoded lines; `firstLine` is the 1-based number of `lines[0]`. */
export interface LineBatch {
  lines: string[];
  firstLine: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** How many bytes at the start of a file the binary sniffer looks at. */
const SNIFF_BYTES = 8192;
/** Share of control bytes (other than tab, LF, CR, FF, VT, ESC) above which a file is called binary. */
const CONTROL_RATIO = 0.1;

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${formatInt(n)} bytes`;
}

/**
 * Index of the first byte that makes `bytes[from..to)` invalid UTF-8, or -1.
 * Needed because TextDecoder's fatal mode says only "invalid", not where.
 * Follows the WHATWG decoder: rejects overlongs, surrogates, > U+10FFFF, truncated sequences.
 */
export function findInvalidUtf8(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let i = from;
  while (i < to) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= to) return i;
      const c = bytes[i + k]!;
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

/** True when a byte is a control byte that does not occur in text files. */
function isBinaryControl(b: number): boolean {
  return (
    b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b && b !== 0x1b
  );
}

/**
 * Turns a stream of byte chunks into text lines.
 *
 * Lines end at LF; a CR before the LF is dropped (CRLF files); a UTF-8 BOM at the start
 * is skipped. Complete lines of a chunk are decoded in one call (fast), and only when that
 * fails is the chunk scanned byte by byte to name the line and byte offset.
 */
export class LineDecoder {
  readonly file: string;
  private readonly maxLineBytes: number;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Bytes of the current, not yet terminated line. */
  private carry: Uint8Array = new Uint8Array(0);
  /** Lines emitted so far. */
  private linesDone = 0;
  /** File offset of the first byte of `carry`. */
  private carryOffset = 0;
  private started = false;
  private sniffed = 0;
  private controls = 0;
  private totalBytes = 0;

  constructor(options: LineDecoderOptions) {
    this.file = options.file;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Bytes seen so far (including a BOM). */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Lines emitted so far. */
  get lines(): number {
    return this.linesDone;
  }

  /** Feeds one chunk; returns the lines it completed (possibly none). Throws AppError on bad bytes. */
  push(chunk: Uint8Array): LineBatch {
    let data = chunk;
    let offset = this.totalBytes;
    this.totalBytes += chunk.length;
    if (chunk.length === 0) return { lines: [], firstLine: this.linesDone + 1 };
    if (!this.started) {
      // Wait for 3 bytes before deciding on the BOM / UTF-16 check.
      if (this.carry.length + data.length < 4 && data.length > 0) {
        this.carry = concat(this.carry, data);
        return { lines: [], firstLine: this.linesDone + 1 };
      }
      data = concat(this.carry, data);
      this.carry = new Uint8Array(0);
      this.started = true;
      data = this.checkStart(data);
      // Everything seen so far is in `data`, minus a BOM: its file offset follows.
      offset = this.totalBytes - data.length;
      this.carryOffset = offset;
    }
    this.sniff(data, offset);
    return this.consume(data, offset, false);
  }

  /** Ends the file: returns the last line if it had no line ending. */
  end(): LineBatch {
    if (!this.started) {
      this.started = true;
      const data = this.checkStart(this.carry);
      this.carry = new Uint8Array(0);
      const offset = this.totalBytes - data.length;
      this.carryOffset = offset;
      this.sniff(data, offset);
      return this.consume(data, offset, true);
    }
    return this.consume(new Uint8Array(0), this.totalBytes, true);
  }

  /** Strips a UTF-8 BOM and rejects UTF-16/32 files with a message that says what to do. */
  private checkStart(data: Uint8Array): Uint8Array {
    const [a, b, c] = [data[0], data[1], data[2]];
    if (a === 0xef && b === 0xbb && c === 0xbf) return data.subarray(3);
    if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
      throw new AppError(
        ErrorCode.CorpusEncoding,
        `${this.file} is encoded as UTF-16, not UTF-8; save it as UTF-8 (e.g. "Save as… UTF-8" in your editor, or iconv -f UTF-16 -t UTF-8) and import it again.`,
        { file: this.file, line: 1, byte: 0 },
      );
    }
    return data;
  }

  /** Binary detection: any NUL byte, or many control bytes in the first 8 KiB. */
  private sniff(data: Uint8Array, offset: number): void {
    const nul = data.indexOf(0);
    if (nul >= 0) {
      const line =
        this.linesDone + 1 + countLf(this.carry, 0, this.carry.length) + countLf(data, 0, nul);
      throw new AppError(
        ErrorCode.CorpusEncoding,
        `${this.file} looks like a binary file, not text: line ${formatInt(line)} contains a NUL byte (file byte ${formatInt(offset + nul)}). Import plain-text, TSV, CSV or JSONL files (optionally gzipped).`,
        { file: this.file, line, byte: offset + nul },
      );
    }
    if (this.sniffed < SNIFF_BYTES) {
      const n = Math.min(data.length, SNIFF_BYTES - this.sniffed);
      for (let i = 0; i < n; i++) if (isBinaryControl(data[i]!)) this.controls++;
      this.sniffed += n;
      if (this.sniffed >= 64 && this.controls / this.sniffed > CONTROL_RATIO) {
        throw new AppError(
          ErrorCode.CorpusEncoding,
          `${this.file} looks like a binary file, not text: ${Math.round((100 * this.controls) / this.sniffed)}% of its first ${formatInt(this.sniffed)} bytes are control characters. Import plain-text, TSV, CSV or JSONL files (optionally gzipped).`,
          { file: this.file, line: 1, byte: 0 },
        );
      }
    }
  }

  private consume(data: Uint8Array, offset: number, final: boolean): LineBatch {
    const firstLine = this.linesDone + 1;
    const lastLf = data.lastIndexOf(LF);
    if (lastLf < 0 && !final) {
      this.carry = this.carry.length === 0 ? data.slice() : concat(this.carry, data);
      this.checkLineLength(this.carry.length);
      return { lines: [], firstLine };
    }
    // `block` = carry + complete lines of data (everything up to and including the last LF).
    const head = final ? data : data.subarray(0, lastLf + 1);
    const block = this.carry.length === 0 ? head : concat(this.carry, head);
    const blockOffset = this.carryOffset;
    const rest = final ? new Uint8Array(0) : data.subarray(lastLf + 1);
    this.carry = rest.slice();
    this.carryOffset = offset + (final ? data.length : lastLf + 1);
    if (block.length === 0) return { lines: [], firstLine };

    let text: string;
    try {
      text = this.decoder.decode(block);
    } catch {
      throw this.encodingError(block, blockOffset);
    }
    const lines = text.split('\n');
    // A terminated block ends with "\n", leaving one empty string that is not a line.
    if (block[block.length - 1] === LF) lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.length > 0 && l.charCodeAt(l.length - 1) === CR) lines[i] = l.slice(0, -1);
    }
    // Lines inside the block can be long only if the chunk itself is: check them too.
    if (block.length > this.maxLineBytes) this.checkBlockLines(block);
    this.checkLineLength(this.carry.length);
    this.linesDone += lines.length;
    return { lines, firstLine };
  }

  private checkBlockLines(block: Uint8Array): void {
    let start = 0;
    let line = this.linesDone + 1;
    while (start < block.length) {
      let end = block.indexOf(LF, start);
      if (end < 0) end = block.length;
      const len = end - start - (end > start && block[end - 1] === CR ? 1 : 0);
      if (len > this.maxLineBytes) this.throwTooLong(line);
      start = end + 1;
      line++;
    }
  }

  private checkLineLength(len: number): void {
    if (len > this.maxLineBytes + 1) this.throwTooLong(this.linesDone + 1);
  }

  private throwTooLong(line: number): never {
    throw new AppError(
      ErrorCode.CorpusInvalid,
      `${this.file} line ${formatInt(line)} is longer than the limit of ${formatBytes(this.maxLineBytes)}; a corpus line should hold one sentence. If the file uses old Mac (CR-only) line endings, convert them to LF; otherwise split or remove that line.`,
      { file: this.file, line, byte: null },
    );
  }

  private encodingError(block: Uint8Array, blockOffset: number): AppError {
    let bad = findInvalidUtf8(block);
    if (bad < 0) bad = 0; // unreachable: the decoder and the scanner agree on UTF-8
    const line = this.linesDone + 1 + countLf(block, 0, bad);
    const lineStart = block.lastIndexOf(LF, bad - 1) + 1;
    const inLine = bad - lineStart;
    const fileByte = blockOffset + bad;
    const b = block[bad]!;
    return new AppError(
      ErrorCode.CorpusEncoding,
      `${this.file} is not valid UTF-8: line ${formatInt(line)} has the byte 0x${b.toString(16).toUpperCase().padStart(2, '0')} at byte ${formatInt(inLine)} of the line (byte ${formatInt(fileByte)} of the file). Convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and import it again.`,
      { file: this.file, line, byte: fileByte },
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function countLf(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = bytes.indexOf(LF, from);
  while (i >= 0 && i < to) {
    n++;
    i = bytes.indexOf(LF, i + 1);
  }
  return n;
}
