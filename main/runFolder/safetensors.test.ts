import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors';
import type { NamedTensor } from '../../shared/namedTensor';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

/** Builds a file by hand: length, header text padded with spaces, raw bytes. */
function handBuilt(header: string, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(header);
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

function expectInvalid(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(ErrorCode.CheckpointInvalid);
    expect((err as AppError).message).toMatch(/model\.safetensors/);
    expect((err as AppError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a CheckpointInvalid error');
}

describe('safetensors', () => {
  it('round-trips float32 and int32 tensors, scalars and empty tensors, with metadata', () => {
    const tensors: NamedTensor[] = [
      {
        name: 'encoder.layers.0.self_attn.w_q',
        dtype: 'float32',
        shape: [2, 3],
        data: new Float32Array([1, -2, 3.5, 1e-30, -0, Infinity]),
      },
      { name: 'step', dtype: 'int32', shape: [], data: new Int32Array([-7]) },
      { name: 'empty', dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
    ];
    const bytes = encodeSafetensors(tensors, { note: 'héllo', cfg: '{"a":1}' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLen) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ note: 'héllo', cfg: '{"a":1}' });
    expect(back.tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
    for (const [i, t] of back.tensors.entries()) {
      expect(t.dtype).toBe(tensors[i]!.dtype);
      expect(t.shape).toEqual(tensors[i]!.shape);
      expect(Array.from(t.data)).toEqual(Array.from(tensors[i]!.data));
      expect(t.data.constructor).toBe(tensors[i]!.data.constructor);
    }
  });

  it('matches a hand-built byte vector exactly, both ways', () => {
    // 1.0f = 00 00 80 3f, -2.5f = 00 00 20 c0, int32 258 = 02 01 00 00
    const header =
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[1,1],"data_offsets":[8,12]}}';
    const data = [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0, 0x02, 0x01, 0x00, 0x00];
    const file = handBuilt(header, data);
    const decoded = decodeSafetensors(file);
    expect(decoded.metadata).toEqual({});
    expect(decoded.tensors).toEqual([
      { name: 'a', dtype: 'float32', shape: [2], data: new Float32Array([1, -2.5]) },
      { name: 'b', dtype: 'int32', shape: [1, 1], data: new Int32Array([258]) },
    ]);
    const encoded = encodeSafetensors(decoded.tensors);
    expect(Buffer.from(encoded).toString('hex')).toBe(Buffer.from(file).toString('hex'));
    // The length field counts the padding: 110 JSON bytes + 2 spaces = 112.
    expect(header.length).toBe(110);
    expect(Array.from(file.subarray(0, 8))).toEqual([112, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(file.subarray(8 + 110, 8 + 112))).toEqual([0x20, 0x20]);
  });

  it("matches the reference implementation's own byte vectors", () => {
    // From huggingface/safetensors bindings/python/tests/test_simple.py (test_serialization,
    // test_serialization_metadata, test_deserialization): int32 zeros [2, 2] with [1, 1] = 1.
    const header = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
    const data = new Int32Array([0, 0, 0, 1]);
    const dataBytes = Buffer.from(data.buffer);
    const reference = Buffer.concat([
      Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from(`${header}    `),
      dataBytes,
    ]);
    const t: NamedTensor = { name: 'test', dtype: 'int32', shape: [2, 2], data };
    expect(Buffer.from(encodeSafetensors([t])).equals(reference)).toBe(true);

    const withMeta = Buffer.concat([
      Buffer.from([0x60, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from(
        `{"__metadata__":{"framework":"pt"},${header.replace('"test"', '"test1"').slice(1)} `,
      ),
      dataBytes,
    ]);
    const t1 = { ...t, name: 'test1' };
    expect(Buffer.from(encodeSafetensors([t1], { framework: 'pt' })).equals(withMeta)).toBe(true);

    // Files written before the writer padded headers (header length 60, not a multiple of 8).
    const unpadded = Buffer.concat([
      Buffer.from([0x3c, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from(header),
      Buffer.alloc(16),
    ]);
    expect(decodeSafetensors(unpadded).tensors).toEqual([{ ...t, data: new Int32Array(4) }]);
  });

  it('reads tensors stored out of name order (offsets decide), as other writers do', () => {
    const header =
      '{"__metadata__":{"k":"v"},"z":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    const file = handBuilt(header, [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({ k: 'v' });
    expect(tensors.map((t) => [t.name, t.data[0]])).toEqual([
      ['z', 1],
      ['a', 2],
    ]);
  });

  it('rejects damaged files with a sentence naming the file and the problem', () => {
    const label = '/runs/x/checkpoints/100/model.safetensors';
    const ok = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const eight = [0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f];
    expectInvalid(() => decodeSafetensors(new Uint8Array(5), label), /fewer than the 8-byte/);
    const tooLong = handBuilt(ok, eight);
    new DataView(tooLong.buffer).setBigUint64(0, 10_000n, true);
    expectInvalid(() => decodeSafetensors(tooLong, label), /header claims 10000 bytes/);
    expectInvalid(() => decodeSafetensors(handBuilt('{"a":', eight), label), /not UTF-8 JSON/);
    expectInvalid(() => decodeSafetensors(handBuilt('[1,2]', eight), label), /not a JSON object/);
    expectInvalid(
      () => decodeSafetensors(handBuilt(ok.replace('F32', 'F16'), eight), label),
      /dtype "F16"; only F32 and I32/,
    );
    expectInvalid(
      () => decodeSafetensors(handBuilt(ok.replace('[2]', '[3]'), eight), label),
      /needs 12 bytes/,
    );
    expectInvalid(
      () => decodeSafetensors(handBuilt(ok, eight.slice(0, 4)), label),
      /ends at data byte 8/,
    );
    expectInvalid(
      () => decodeSafetensors(handBuilt(ok, [...eight, 1, 2, 3, 4]), label),
      /cover 8 data bytes but the file holds 12/,
    );
    const gap = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectInvalid(() => decodeSafetensors(handBuilt(gap, eight), label), /gap of unclaimed bytes/);
    const overlap =
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectInvalid(() => decodeSafetensors(handBuilt(overlap, eight), label), /overlapping/);
    expectInvalid(
      () => decodeSafetensors(handBuilt('{"__metadata__":{"a":1}}', []), label),
      /metadata "a" is not a string/,
    );
  });

  it('refuses to write inconsistent tensors', () => {
    const bad: NamedTensor = { name: 'w', dtype: 'float32', shape: [3], data: new Float32Array(2) };
    expect(() => encodeSafetensors([bad])).toThrow(/shape \[3\] \(3 elements\) but 2 values/);
    const wrongType: NamedTensor = {
      name: 'w',
      dtype: 'int32',
      shape: [1],
      data: new Float32Array(1),
    };
    expect(() => encodeSafetensors([wrongType])).toThrow(/declared int32 but holds a Float32Array/);
    const ok: NamedTensor = { name: 'w', dtype: 'float32', shape: [1], data: new Float32Array(1) };
    expect(() => encodeSafetensors([ok, ok])).toThrow(/appears twice/);
  });
});
