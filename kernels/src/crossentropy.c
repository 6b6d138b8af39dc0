/*
 * Label-smoothed cross-entropy (paper 5.4) of a chunk of logits rows, and its gradient with
 * respect to the logits, in one kernel. Target distribution q = (1 - eps) onehot(y) + eps / V.
 * Per row, with z = logits - max and S = sum e^z:
 *   loss = log S - sum_j q_j z_j = log S - (1 - eps) z_y - (eps / V) sum_j z_j
 *   nll  = log S - z_y
 *   grad_j = e^z_j / S - q_j            (softmax - q)
 * The composed tfjs version runs ~15 kernels over the [rows, V] chunk (max, sub, exp, sum,
 * log, oneHot, cast, mul, add, mul, sum, div, sub, ...); this reads each row twice and writes
 * the gradient once. Rows [r0, r1) per call.
 */
#include "common.h"

/* log(x) for x >= 1e-38, to float precision: frexp-style split, then a series around 1. */
static float log_f32(float x) {
  union { float f; int32_t i; } u = {x};
  int e = ((u.i >> 23) & 0xff) - 126;
  u.i = (u.i & 0x007fffff) | 0x3f000000; /* mantissa in [0.5, 1) */
  float m = u.f;
  if (m < 0.70710678f) {
    m *= 2.0f;
    e -= 1;
  }
  /* log(m) = 2 atanh((m - 1) / (m + 1)), |t| <= 0.1716 */
  const float t = (m - 1.0f) / (m + 1.0f);
  const float t2 = t * t;
  const float s =
      t * (2.0f + t2 * (0.6666666667f + t2 * (0.4f + t2 * (0.2857142857f + t2 * 0.2222222222f))));
  return s + (float)e * 0.69314718056f;
}

EXPORT(studio_smoothed_ce)
void studio_smoothed_ce(const float *logits, const int32_t *targets, float *grad, float *loss,
                        float *nll, int vocab, int32_t eps_bits, int r0, int r1) {
  const float eps = f32_from_bits(eps_bits);
  const float uniform = eps / (float)vocab;
  const float keep = 1.0f - eps;
  for (int r = r0; r < r1; r++) {
    const float *xr = logits + (int64_t)r * vocab;
    float *gr = grad + (int64_t)r * vocab;
    int j = 0;
    v128_t vmax = wasm_f32x4_const_splat(-__builtin_inff());
    for (; j + 4 <= vocab; j += 4) vmax = wasm_f32x4_max(vmax, wasm_v128_load(xr + j));
    float m = hmax_f32x4(vmax);
    for (; j < vocab; j++) m = xr[j] > m ? xr[j] : m;
    const v128_t vm = wasm_f32x4_splat(m);
    v128_t vsum = wasm_f32x4_const_splat(0.0f);
    v128_t vz = wasm_f32x4_const_splat(0.0f);
    float tail_s = 0.0f;
    float tail_z = 0.0f;
    for (j = 0; j + 4 <= vocab; j += 4) {
      const v128_t z = wasm_f32x4_sub(wasm_v128_load(xr + j), vm);
      const v128_t e = exp_f32x4(z);
      wasm_v128_store(gr + j, e);
      vsum = wasm_f32x4_add(vsum, e);
      vz = wasm_f32x4_add(vz, z);
    }
    for (; j < vocab; j++) {
      const float z = xr[j] - m;
      const float e = exp_f32(z);
      gr[j] = e;
      tail_s += e;
      tail_z += z;
    }
    const float s = hsum_f32x4(vsum) + tail_s;
    const float sum_z = hsum_f32x4(vz) + tail_z;
    const float log_s = log_f32(s);
    const int y = targets[r];
    const float zy = xr[y] - m;
    loss[r] = log_s - keep * zy - uniform * sum_z;
    nll[r] = log_s - zy;
    const v128_t vinv = wasm_f32x4_splat(1.0f / s);
    const v128_t vu = wasm_f32x4_splat(uniform);
    for (j = 0; j + 4 <= vocab; j += 4) {
      wasm_v128_store(gr + j, wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(gr + j), vinv), vu));
    }
    const float inv = 1.0f / s;
    for (; j < vocab; j++) gr[j] = gr[j] * inv - uniform;
    gr[y] -= keep;
  }
}
