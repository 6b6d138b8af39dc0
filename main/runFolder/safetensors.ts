/**
 * The safetensors format, byte for byte (https://github.com/huggingface/safetensors):
 *   [u64 little-endian N][N bytes of JSON header, space-padded][raw little-endian data]
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets
 * relative to the start of the data) and may hold "__metadata__": {string: string}.
 * Pure code, no fs and no tfjs: checkpointFormat.ts does the file side, and tests can build
 * byte vectors by hand. Only F32 and I32 are supported because NamedTensor has only those.
 */
import { AppError, ErrorCode } from '../../shared/errors';
import type { NamedDType, NamedTensor } from '../../shared/namedTensor';
import { sizeOf } from '../../shared/namedTensor';

/** The key under which safetensors keeps free-form string metadata. */
export const METADATA_KEY = '__metadata__';

/** Headers larger than this are refused, as the reference implementation does (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_TO_ST: Record<NamedDType, 'F32' | 'I32'> = { float32: 'F32', int32: 'I32' };
const ST_TO_DTYPE: Record<string, NamedDType | undefined> = { F32: 'float32', I32: 'int32' };
/** Both supported dtypes are 4 bytes wide. */
const BYTES_PER_ELEMENT = 4;

/** True on the (near universal) little-endian hosts, where typed arrays can be written as is. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Where one tensor sits in a safetensors file, as read from its header. */
export interface SafetensorsEntry {
  name: string;
  dtype: NamedDType;
  shape: number[];
  /** Byte offsets relative to the start of the data section. */
  begin: number;
  end: number;
}

/** A parsed header: tensors sorted by offset, the metadata, and where the data starts. */
export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section (8 + header length). */
  dataStart: number;
  /** Bytes of the data section. */
  dataBytes: number;
}

/** A whole decoded file. */
export interface SafetensorsContent {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

function invalid(label: string, problem: string): AppError {
  return new AppError(
    ErrorCode.CheckpointInvalid,
    `The safetensors file ${label} is not valid: ${problem}`,
    { file: label },
  );
}

/**
 * Checks tensors before they are written: unique non-empty names, known dtypes, whole
 * non-negative dimensions, and data of the right type and length.
 */
export function validateTensors(tensors: readonly NamedTensor[], label: string): void {
  const seen = new Set<string>();
  for (const t of tensors) {
    const what = `Cannot write ${label}: tensor "${t.name}"`;
    if (t.name === '' || t.name === METADATA_KEY) {
      throw new AppError(ErrorCode.InvalidArgument, `${what} has a reserved or empty name.`);
    }
    if (seen.has(t.name)) {
      throw new AppError(ErrorCode.InvalidArgument, `${what} appears twice; names must be unique.`);
    }
    seen.add(t.name);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `${what} has shape [${t.shape.join(', ')}]; dimensions must be whole numbers >= 0.`,
      );
    }
    const rightType =
      t.dtype === 'float32' ? t.data instanceof Float32Array : t.data instanceof Int32Array;
    if (!rightType) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `${what} is declared ${t.dtype} but holds a ${t.data.constructor.name}.`,
      );
    }
    if (t.data.length !== sizeOf(t.shape)) {
      throw new AppError(
        ErrorCode.InvalidArgument,
        `${what} has shape [${t.shape.join(', ')}] (${sizeOf(t.shape)} elements) but ${t.data.length} values.`,
      );
    }
  }
}

/**
 * The bytes that precede the data: the 8-byte length and the space-padded JSON header.
 * Tensors are laid out in the order given, back to back. Key order inside each entry
 * (dtype, shape, data_offsets) matches the reference writer.
 */
export function encodeHeader(
  tensors: readonly NamedTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * BYTES_PER_ELEMENT;
    header[t.name] = {
      dtype: DTYPE_TO_ST[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // The data section must start 8-byte aligned, so the header is padded with spaces.
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length);
  return out;
}

/**
 * A tensor's raw little-endian bytes. On little-endian hosts this is a view (no copy);
 * on big-endian hosts a byte-swapped copy.
 */
export function tensorBytes(t: NamedTensor): Uint8Array {
  const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN) return view;
  const copy = new Uint8Array(view);
  swap32InPlace(copy);
  return copy;
}

/** Reverses the bytes of every 4-byte word (little-endian <-> big-endian). */
export function swap32InPlace(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    bytes[i] = bytes[i + 3]!;
    bytes[i + 1] = bytes[i + 2]!;
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

/** Encodes tensors and metadata as one in-memory safetensors file. */
export function encodeSafetensors(
  tensors: readonly NamedTensor[],
  metadata: Record<string, string> = {},
  label = '(in memory)',
): Uint8Array {
  validateTensors(tensors, label);
  const head = encodeHeader(tensors, metadata);
  const total = head.length + tensors.reduce((n, t) => n + t.data.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(head, 0);
  let at = head.length;
  for (const t of tensors) {
    out.set(tensorBytes(t), at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Reads the header length from the first 8 bytes and checks it fits in a file of
 * `fileBytes` bytes. Returns the header length N.
 */
export function readHeaderLength(first8: Uint8Array, fileBytes: number, label: string): number {
  if (fileBytes < 8 || first8.length < 8) {
    throw invalid(label, `it has ${fileBytes} bytes, fewer than the 8-byte header length.`);
  }
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw invalid(
      label,
      `its header claims ${n} bytes, more than the ${MAX_HEADER_BYTES}-byte limit.`,
    );
  }
  if (Number(n) > fileBytes - 8) {
    throw invalid(
      label,
      `its header claims ${n} bytes but only ${fileBytes - 8} follow the length.`,
    );
  }
  return Number(n);
}

function isWhole(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * Parses and validates a header: JSON object, string metadata, supported dtypes, offsets
 * inside the data section, back to back from 0 with no gap or overlap, and each size
 * equal to 4 bytes x the product of the shape. `headerBytes` is the N bytes after the length.
 */
export function parseHeader(
  headerBytes: Uint8Array,
  fileBytes: number,
  label: string,
): SafetensorsHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (err) {
    throw invalid(label, `its header is not UTF-8 JSON (${(err as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(label, 'its header is not a JSON object.');
  }
  const dataStart = 8 + headerBytes.length;
  const dataBytes = fileBytes - dataStart;
  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw invalid(label, `"${METADATA_KEY}" is not an object of strings.`);
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw invalid(label, `metadata "${k}" is not a string.`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null)
      throw invalid(label, `tensor "${name}" has no description.`);
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    const ours = typeof dtype === 'string' ? ST_TO_DTYPE[dtype] : undefined;
    if (ours === undefined) {
      throw invalid(
        label,
        `tensor "${name}" has dtype ${JSON.stringify(dtype)}; only F32 and I32 are supported.`,
      );
    }
    if (!Array.isArray(shape) || !shape.every(isWhole)) {
      throw invalid(
        label,
        `tensor "${name}" has shape ${JSON.stringify(shape)}, not a list of whole numbers.`,
      );
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isWhole)) {
      throw invalid(
        label,
        `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, not [begin, end].`,
      );
    }
    const [begin, end] = offsets as [number, number];
    const need = sizeOf(shape as number[]) * BYTES_PER_ELEMENT;
    if (end < begin || end - begin !== need) {
      throw invalid(
        label,
        `tensor "${name}" has data_offsets [${begin}, ${end}] but shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${need} bytes.`,
      );
    }
    if (end > dataBytes) {
      throw invalid(
        label,
        `tensor "${name}" ends at data byte ${end} but the data section has ${dataBytes} bytes.`,
      );
    }
    entries.push({ name, dtype: ours, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) {
      throw invalid(
        label,
        e.begin < expected
          ? `tensor "${e.name}" starts at data byte ${e.begin}, overlapping the previous tensor (which ends at ${expected}).`
          : `there is a gap of unclaimed bytes from data byte ${expected} to ${e.begin}, before tensor "${e.name}".`,
      );
    }
    expected = e.end;
  }
  if (expected !== dataBytes) {
    throw invalid(
      label,
      `the tensors cover ${expected} data bytes but the file holds ${dataBytes}.`,
    );
  }
  return { entries, metadata, dataStart, dataBytes };
}

/** Copies one tensor out of the data bytes into its own (aligned, independent) typed array. */
export function tensorFromBytes(entry: SafetensorsEntry, bytes: Uint8Array): NamedTensor {
  const count = (entry.end - entry.begin) / BYTES_PER_ELEMENT;
  const data = entry.dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  const target = new Uint8Array(data.buffer);
  target.set(bytes);
  if (!HOST_IS_LITTLE_ENDIAN) swap32InPlace(target);
  return { name: entry.name, dtype: entry.dtype, shape: entry.shape, data };
}

/**
 * Decodes a whole in-memory safetensors file, validating it first. Every tensor gets its
 * own ArrayBuffer (safe to transfer to a worker). Tensors come back in file order.
 */
export function decodeSafetensors(bytes: Uint8Array, label = '(in memory)'): SafetensorsContent {
  const n = readHeaderLength(bytes.subarray(0, 8), bytes.length, label);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length, label);
  const tensors = header.entries.map((e) =>
    tensorFromBytes(e, bytes.subarray(header.dataStart + e.begin, header.dataStart + e.end)),
  );
  return { tensors, metadata: header.metadata };
}
