/*
 * Softmax over the last axis and its gradient, one pass per row each (tfjs runs the gradient
 * as four kernels: mul, sum, mul, sub, each a trip through memory), and e^x elementwise.
 * A call handles rows [r0, r1) (elements [i0, i1) for exp): the JavaScript side splits rows
 * among the kernel threads.
 */
#include "common.h"

/* y = softmax(x) row by row: e^(x - max) / sum. */
EXPORT(studio_softmax)
void studio_softmax(const float *x, float *y, int rows, int cols, int r0, int r1) {
  (void)rows;
  for (int r = r0; r < r1; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    int j = 0;
    v128_t vmax = wasm_f32x4_const_splat(-__builtin_inff());
    for (; j + 4 <= cols; j += 4) vmax = wasm_f32x4_max(vmax, wasm_v128_load(xr + j));
    float m = hmax_f32x4(vmax);
    for (; j < cols; j++) m = xr[j] > m || xr[j] != xr[j] ? xr[j] : m;
    /* A row of -inf (everything masked) would give NaN from -inf - -inf; tfjs gives NaN too. */
    const v128_t vm = wasm_f32x4_splat(m);
    v128_t vsum = wasm_f32x4_const_splat(0.0f);
    float tail = 0.0f;
    for (j = 0; j + 4 <= cols; j += 4) {
      const v128_t e = exp_f32x4(wasm_f32x4_sub(wasm_v128_load(xr + j), vm));
      wasm_v128_store(yr + j, e);
      vsum = wasm_f32x4_add(vsum, e);
    }
    for (; j < cols; j++) {
      const float e = exp_f32(xr[j] - m);
      yr[j] = e;
      tail += e;
    }
    const float inv = 1.0f / (hsum_f32x4(vsum) + tail);
    const v128_t vinv = wasm_f32x4_splat(inv);
    for (j = 0; j + 4 <= cols; j += 4) {
      wasm_v128_store(yr + j, wasm_f32x4_mul(wasm_v128_load(yr + j), vinv));
    }
    for (; j < cols; j++) yr[j] *= inv;
  }
}

/* dx = y * (dy - sum(y * dy)) row by row, the gradient of y = softmax(x). */
EXPORT(studio_softmax_grad)
void studio_softmax_grad(const float *y, const float *dy, float *dx, int rows, int cols, int r0,
                         int r1) {
  (void)rows;
  for (int r = r0; r < r1; r++) {
    const float *yr = y + r * cols;
    const float *dyr = dy + r * cols;
    float *dxr = dx + r * cols;
    int j = 0;
    v128_t vdot = wasm_f32x4_const_splat(0.0f);
    for (; j + 4 <= cols; j += 4) {
      vdot = madd(wasm_v128_load(yr + j), wasm_v128_load(dyr + j), vdot);
    }
    float dot = hsum_f32x4(vdot);
    for (; j < cols; j++) dot += yr[j] * dyr[j];
    const v128_t vd = wasm_f32x4_splat(dot);
    for (j = 0; j + 4 <= cols; j += 4) {
      const v128_t yv = wasm_v128_load(yr + j);
      wasm_v128_store(dxr + j, wasm_f32x4_mul(yv, wasm_f32x4_sub(wasm_v128_load(dyr + j), vd)));
    }
    for (; j < cols; j++) dxr[j] = yr[j] * (dyr[j] - dot);
  }
}

/* y[i] = e^x[i] for i in [i0, i1). */
EXPORT(studio_exp)
void studio_exp(const float *x, float *y, int i0, int i1) {
  int i = i0;
  for (; i + 4 <= i1; i += 4) wasm_v128_store(y + i, exp_f32x4(wasm_v128_load(x + i)));
  for (; i < i1; i++) y[i] = exp_f32(x[i]);
}
