/**
 * Float arguments for the kernel threads: the pool passes arguments through an Int32Array,
 * so a float travels as its IEEE-754 bits (the C side: f32_from_bits in kernels/src/common.h).
 */
const bits = new Int32Array(1);
const value = new Float32Array(bits.buffer);

/** The float32 bits of `x`, as an int32. */
export function f32Bits(x: number): number {
  value[0] = x;
  return bits[0] as number;
}
