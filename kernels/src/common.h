/*
 * Shared definitions of the studio's WebAssembly kernels.
 *
 * The module is freestanding (no libc, no static data, no data segments): it imports the
 * tfjs wasm backend's own WebAssembly.Memory and works on tensors where tfjs keeps them, so a
 * data segment would overwrite tfjs's heap at instantiation. Every buffer it needs (packing
 * panels, edge tiles, its stack) is allocated by the caller with tfjs's malloc and passed in.
 * kernels/build.mjs checks the linked module for data segments and fails the build on any.
 */
#ifndef STUDIO_COMMON_H
#define STUDIO_COMMON_H

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))
#define INLINE static inline __attribute__((always_inline))

/*
 * a * b + c. The relaxed-SIMD build uses f32x4.relaxed_madd (one fused multiply-add where the
 * CPU has FMA, mul+add elsewhere); the plain build uses mul then add. Results of the two may
 * differ in the last bit, which the tests' tolerances allow.
 */
INLINE v128_t madd(v128_t a, v128_t b, v128_t c) {
#if defined(STUDIO_RELAXED)
  return wasm_f32x4_relaxed_madd(a, b, c);
#else
  return wasm_f32x4_add(c, wasm_f32x4_mul(a, b));
#endif
}

INLINE int min_int(int a, int b) { return a < b ? a : b; }
INLINE int max_int(int a, int b) { return a > b ? a : b; }
INLINE int ceil_div(int a, int b) { return (a + b - 1) / b; }

/*
 * e^x for four floats: Cephes' expf (range reduction x = n ln2 + r with ln2 in two parts,
 * degree-6 polynomial on |r| <= ln2 / 2; ~1 ulp), then 2^n built in the exponent bits.
 * 2^n is applied as 2^(n-1) * 2 so that n = 128 (x up to ln(FLT_MAX)) stays representable.
 * x > ln(FLT_MAX) gives +inf, x < -86.6 (where e^x < 2^-125, denormal) gives 0, NaN stays NaN.
 */
INLINE v128_t exp_f32x4(v128_t x) {
  const v128_t max_arg = wasm_f32x4_const_splat(88.72283935546875f);
  const v128_t min_arg = wasm_f32x4_const_splat(-86.6f);
  const v128_t xc = wasm_f32x4_min(wasm_f32x4_max(x, min_arg), max_arg);
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(xc, wasm_f32x4_const_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, wasm_f32x4_const_splat(0.693359375f)));
  r = wasm_f32x4_add(r, wasm_f32x4_mul(n, wasm_f32x4_const_splat(2.12194440e-4f)));
  v128_t p = wasm_f32x4_const_splat(1.9875691500e-4f);
  p = madd(p, r, wasm_f32x4_const_splat(1.3981999507e-3f));
  p = madd(p, r, wasm_f32x4_const_splat(8.3334519073e-3f));
  p = madd(p, r, wasm_f32x4_const_splat(4.1665795894e-2f));
  p = madd(p, r, wasm_f32x4_const_splat(1.6666665459e-1f));
  p = madd(p, r, wasm_f32x4_const_splat(5.0000001201e-1f));
  const v128_t r2 = wasm_f32x4_mul(r, r);
  v128_t y = madd(p, r2, wasm_f32x4_add(r, wasm_f32x4_const_splat(1.0f)));
  const v128_t pow2 = wasm_i32x4_shl(
      wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_const_splat(126)), 23);
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, pow2), wasm_f32x4_const_splat(2.0f));
  y = wasm_v128_bitselect(wasm_f32x4_const_splat(__builtin_inff()), y, wasm_f32x4_gt(x, max_arg));
  return wasm_v128_andnot(y, wasm_f32x4_lt(x, min_arg));
}

/* e^x of one float, through the same vector code, so tails match the vector body exactly. */
INLINE float exp_f32(float x) { return wasm_f32x4_extract_lane(exp_f32x4(wasm_f32x4_splat(x)), 0); }

INLINE float hsum_f32x4(v128_t v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

INLINE float hmax_f32x4(v128_t v) {
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

/*
 * A float argument passed as its IEEE-754 bits: the thread pool hands workers their arguments
 * through an Int32Array, so float parameters travel as int32 and are reinterpreted here.
 */
INLINE float f32_from_bits(int32_t bits) {
  union {
    int32_t i;
    float f;
  } u = {bits};
  return u.f;
}

#endif
