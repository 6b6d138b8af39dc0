/*
 * Layer normalisation (paper 3.1, Ba et al. 2016) over the last axis, forward and the input
 * gradient, one kernel each. The composed tfjs version runs ~6 kernels forward (mean, sub,
 * square, mean, rsqrt, mul, mul, add) and ~10 backward, each a trip through memory with a
 * temporary; here the forward reads a row twice (statistics, then output) and the backward
 * twice (two row dot products, then dx). Rows [r0, r1) per call: the JavaScript side splits
 * rows among the kernel threads.
 */
#include "common.h"

/*
 * y = gamma * xhat + beta with xhat = (x - mean) * rstd, rstd = 1 / sqrt(var + eps), var the
 * biased variance (as the paper, PyTorch and tfjs's moments). Saves xhat [rows, d] and
 * rstd [rows] for the gradient. eps_bits: epsilon's float bits (f32_from_bits).
 */
EXPORT(studio_layer_norm)
void studio_layer_norm(const float *x, const float *gamma, const float *beta, float *y, float *xhat,
                       float *rstd, int d, int32_t eps_bits, int r0, int r1) {
  const float eps = f32_from_bits(eps_bits);
  const float inv_d = 1.0f / (float)d;
  for (int r = r0; r < r1; r++) {
    const float *xr = x + r * d;
    float *yr = y + r * d;
    float *hr = xhat + r * d;
    int j = 0;
    v128_t vs = wasm_f32x4_const_splat(0.0f);
    for (; j + 4 <= d; j += 4) vs = wasm_f32x4_add(vs, wasm_v128_load(xr + j));
    float s = hsum_f32x4(vs);
    for (; j < d; j++) s += xr[j];
    const float mean = s * inv_d;
    /* Two-pass variance: sum of squared deviations, exact where x has a large mean. */
    const v128_t vm = wasm_f32x4_splat(mean);
    v128_t vq = wasm_f32x4_const_splat(0.0f);
    for (j = 0; j + 4 <= d; j += 4) {
      const v128_t c = wasm_f32x4_sub(wasm_v128_load(xr + j), vm);
      vq = madd(c, c, vq);
    }
    float q = hsum_f32x4(vq);
    for (; j < d; j++) q += (xr[j] - mean) * (xr[j] - mean);
    const float rs = 1.0f / __builtin_sqrtf(q * inv_d + eps);
    rstd[r] = rs;
    const v128_t vr = wasm_f32x4_splat(rs);
    for (j = 0; j + 4 <= d; j += 4) {
      const v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), vm), vr);
      wasm_v128_store(hr + j, h);
      wasm_v128_store(yr + j, madd(h, wasm_v128_load(gamma + j), wasm_v128_load(beta + j)));
    }
    for (; j < d; j++) {
      const float h = (xr[j] - mean) * rs;
      hr[j] = h;
      yr[j] = h * gamma[j] + beta[j];
    }
  }
}

/*
 * dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * gamma: the
 * gradient with respect to x of y above (gamma's and beta's are column sums, left to Sum).
 */
EXPORT(studio_layer_norm_grad)
void studio_layer_norm_grad(const float *dy, const float *xhat, const float *rstd,
                            const float *gamma, float *dx, int d, int r0, int r1) {
  const float inv_d = 1.0f / (float)d;
  for (int r = r0; r < r1; r++) {
    const float *gr = dy + r * d;
    const float *hr = xhat + r * d;
    float *dr = dx + r * d;
    int j = 0;
    v128_t va = wasm_f32x4_const_splat(0.0f);
    v128_t vb = wasm_f32x4_const_splat(0.0f);
    for (; j + 4 <= d; j += 4) {
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(gr + j), wasm_v128_load(gamma + j));
      va = wasm_f32x4_add(va, g);
      vb = madd(g, wasm_v128_load(hr + j), vb);
    }
    float a = hsum_f32x4(va);
    float b = hsum_f32x4(vb);
    for (; j < d; j++) {
      const float g = gr[j] * gamma[j];
      a += g;
      b += g * hr[j];
    }
    const float mean_g = a * inv_d;
    const float mean_gh = b * inv_d;
    const float rs = rstd[r];
    const v128_t vmg = wasm_f32x4_splat(mean_g);
    const v128_t vmgh = wasm_f32x4_splat(mean_gh);
    const v128_t vr = wasm_f32x4_splat(rs);
    for (j = 0; j + 4 <= d; j += 4) {
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(gr + j), wasm_v128_load(gamma + j));
      const v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(g, vmg),
                                      wasm_f32x4_mul(wasm_v128_load(hr + j), vmgh));
      wasm_v128_store(dr + j, wasm_f32x4_mul(t, vr));
    }
    for (; j < d; j++) {
      const float g = gr[j] * gamma[j];
      dr[j] = rs * (g - mean_g - hr[j] * mean_gh);
    }
  }
}
