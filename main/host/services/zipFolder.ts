/**
 * A flat folder as one .zip file (stored, not compressed: safetensors weights barely
 * compress), so web mode can hand a Hugging Face export to the browser as one download.
 * PKWARE APPNOTE 6.3: local file headers, the data, a central directory, its end record.
 * No zip64, so every file and the whole archive must stay under 4 GiB.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { AppError, ErrorCode } from '../../../shared/errors';
import { unwritableFile } from '../../runFolder/checkpointFormat';

const LIMIT = 0xffff_ffff;
/** Version 2.0 (stored entries), UTF-8 names (bit 11). */
const VERSION = 20;
const UTF8_FLAG = 0x0800;
/** 1980-01-01 00:00 in MS-DOS date/time: the archive says nothing about when. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

function localHeader(name: Buffer, crc: number, size: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION, 4);
  h.writeUInt16LE(UTF8_FLAG, 6);
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(size, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, name]);
}

function centralHeader(name: Buffer, crc: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION, 4);
  h.writeUInt16LE(VERSION, 6);
  h.writeUInt16LE(UTF8_FLAG, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(size, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(name.length, 28);
  // extra, comment, disk, internal and external attributes: none
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

function endRecord(entries: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(22);
  h.writeUInt32LE(0x06054b50, 0);
  h.writeUInt16LE(entries, 8);
  h.writeUInt16LE(entries, 10);
  h.writeUInt32LE(size, 12);
  h.writeUInt32LE(offset, 16);
  return h;
}

/**
 * Writes the files of `dir` (not its subfolders), sorted by name, as the zip `zipFile`.
 * @returns the archive's size in bytes
 */
export async function zipFolder(dir: string, zipFile: string): Promise<number> {
  const names = (await fsp.readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  const handle = await fsp.open(zipFile, 'w').catch((err: unknown) => {
    throw unwritableFile(zipFile, err);
  });
  let offset = 0;
  const central: Buffer[] = [];
  try {
    const write = async (b: Buffer): Promise<void> => {
      await handle.write(b);
      offset += b.length;
    };
    for (const name of names) {
      const data = await fsp.readFile(path.join(dir, name));
      if (data.length >= LIMIT || offset + data.length >= LIMIT) {
        throw new AppError(
          ErrorCode.InvalidArgument,
          `${dir} is too large for one zip download (over 4 GiB); copy the folder itself from the server instead.`,
        );
      }
      const crc = crc32(data);
      const encoded = Buffer.from(name, 'utf8');
      central.push(centralHeader(encoded, crc, data.length, offset));
      await write(localHeader(encoded, crc, data.length));
      await write(data);
    }
    const start = offset;
    const directory = Buffer.concat(central);
    await write(directory);
    await write(endRecord(names.length, directory.length, start));
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fsp.rm(zipFile, { force: true });
    throw err instanceof AppError ? err : unwritableFile(zipFile, err);
  }
  await handle.close();
  return offset;
}
