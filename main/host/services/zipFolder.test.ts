import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipFolder } from './zipFolder';

let dir: string;

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'zip-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Reads a stored zip by its central directory, as an unzip tool does. */
function entries(zip: Buffer): { name: string; data: Buffer }[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    expect(zip.readUInt16LE(local + 8)).toBe(0); // stored
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    expect(crc32(data)).toBe(crc);
    out.push({ name, data });
    at += 46 + nameLength;
  }
  return out;
}

describe('zipFolder', () => {
  it('stores every file of the folder, sorted, with its bytes and CRC, and skips subfolders', async () => {
    const src = path.join(dir, 'model');
    await fsp.mkdir(path.join(src, 'sub'), { recursive: true });
    const files: Record<string, Buffer> = {
      'config.json': Buffer.from('{"model_type":"marian"}\n'),
      'model.safetensors': Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251)),
      'README — ü.md': Buffer.from('# Ümlaut\n'),
      'empty.txt': Buffer.alloc(0),
    };
    for (const [name, data] of Object.entries(files))
      await fsp.writeFile(path.join(src, name), data);
    await fsp.writeFile(path.join(src, 'sub', 'ignored.txt'), 'no');
    const zipFile = path.join(dir, 'model.zip');
    const bytes = await zipFolder(src, zipFile);
    const zip = await fsp.readFile(zipFile);
    expect(zip.length).toBe(bytes);
    const read = entries(zip);
    expect(read.map((e) => e.name)).toEqual(Object.keys(files).sort());
    for (const e of read) expect(e.data.equals(files[e.name]!)).toBe(true);
  });
});
