/*
 * Transpose (any permutation, collapsed by the JavaScript side to at most 4 output axes):
 * y[a, b, c, d] = x[a * s0 + b * s1 + c * s2 + d * s3], y dense in the output order.
 * - s3 == 1 (the innermost axis stays innermost, e.g. attention's [0, 2, 1, 3] head split):
 *   contiguous runs, copied as vectors;
 * - s2 == 1 (the two innermost axes swap, e.g. a weight's [1, 0] or keys' [0, 2, 3, 1]):
 *   4 x 4 tiles transposed in registers, so reads and writes are whole vectors;
 * - otherwise element by element.
 * A call handles the outer index range [q0, q1) of a * n1 + b.
 */
#include "common.h"

static void transpose_tile(const float *x, float *y, int n2, int n3, int s3) {
  /* y[c, d] = x[c + d * s3] for one (a, b): y rows of n3, x columns of stride s3. */
  int c = 0;
  for (; c + 4 <= n2; c += 4) {
    int d = 0;
    for (; d + 4 <= n3; d += 4) {
      const float *src = x + c + d * s3;
      const v128_t r0 = wasm_v128_load(src);
      const v128_t r1 = wasm_v128_load(src + s3);
      const v128_t r2 = wasm_v128_load(src + 2 * s3);
      const v128_t r3 = wasm_v128_load(src + 3 * s3);
      const v128_t t01lo = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
      const v128_t t23lo = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
      const v128_t t01hi = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
      const v128_t t23hi = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
      float *dst = y + c * n3 + d;
      wasm_v128_store(dst, wasm_i64x2_shuffle(t01lo, t23lo, 0, 2));
      wasm_v128_store(dst + n3, wasm_i64x2_shuffle(t01lo, t23lo, 1, 3));
      wasm_v128_store(dst + 2 * n3, wasm_i64x2_shuffle(t01hi, t23hi, 0, 2));
      wasm_v128_store(dst + 3 * n3, wasm_i64x2_shuffle(t01hi, t23hi, 1, 3));
    }
    for (; d < n3; d++) {
      for (int i = 0; i < 4; i++) y[(c + i) * n3 + d] = x[c + i + d * s3];
    }
  }
  for (; c < n2; c++) {
    for (int d = 0; d < n3; d++) y[c * n3 + d] = x[c + d * s3];
  }
}

EXPORT(studio_transpose)
void studio_transpose(const float *x, float *y, int n1, int n2, int n3, int s0, int s1, int s2,
                      int s3, int q0, int q1) {
  const int plane = n2 * n3;
  for (int q = q0; q < q1; q++) {
    const int a = q / n1;
    const int b = q - a * n1;
    const float *xq = x + a * s0 + b * s1;
    float *yq = y + q * plane;
    if (s3 == 1) {
      for (int c = 0; c < n2; c++) {
        const float *src = xq + c * s2;
        float *dst = yq + c * n3;
        int d = 0;
        for (; d + 4 <= n3; d += 4) wasm_v128_store(dst + d, wasm_v128_load(src + d));
        for (; d < n3; d++) dst[d] = src[d];
      }
    } else if (s2 == 1) {
      transpose_tile(xq, yq, n2, n3, s3);
    } else {
      for (int c = 0; c < n2; c++) {
        for (int d = 0; d < n3; d++) yq[c * n3 + d] = xq[c * s2 + d * s3];
      }
    }
  }
}
