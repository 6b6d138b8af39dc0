/*
 * Sums over one contiguous block of axes, x viewed as [outer, reduce, inner]:
 * y[o, i] = sum_r x[o, r, i]. tfjs-backend-wasm 4.22 transposes the input whenever the reduced
 * axes are not the innermost (every bias gradient, a sum over rows, copies the whole
 * activation first); here both layouts are read in place.
 * A call handles outputs [o0, o1) x [i0, i1): the JavaScript side splits outer, or inner
 * when there is a single outer index.
 */
#include "common.h"

/* Rows of x summed into the y block per pass; the y block stays in L1. */
#define SUM_BLOCK 2048

EXPORT(studio_sum)
void studio_sum(const float *x, float *y, int outer, int reduce, int inner, int o0, int o1, int i0,
                int i1) {
  (void)outer;
  for (int o = o0; o < o1; o++) {
    const float *xo = x + o * reduce * inner;
    float *yo = y + o * inner;
    if (inner == 1) {
      /* A row sum: eight partial sums in two vectors, then combined. */
      v128_t s0 = wasm_f32x4_const_splat(0.0f), s1 = s0;
      int r = 0;
      for (; r + 8 <= reduce; r += 8) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(xo + r));
        s1 = wasm_f32x4_add(s1, wasm_v128_load(xo + r + 4));
      }
      float total = hsum_f32x4(wasm_f32x4_add(s0, s1));
      for (; r < reduce; r++) total += xo[r];
      yo[0] = total;
      continue;
    }
    /* Column sums: stream the rows, accumulating a block of y. */
    for (int jb = i0; jb < i1; jb += SUM_BLOCK) {
      const int je = min_int(i1, jb + SUM_BLOCK);
      for (int j = jb; j < je; j++) yo[j] = 0.0f;
      for (int r = 0; r < reduce; r++) {
        const float *xr = xo + r * inner;
        int j = jb;
        for (; j + 4 <= je; j += 4) {
          wasm_v128_store(yo + j, wasm_f32x4_add(wasm_v128_load(yo + j), wasm_v128_load(xr + j)));
        }
        for (; j < je; j++) yo[j] += xr[j];
      }
    }
  }
}
