/*
 * One Adam update (Kingma & Ba 2015) of every parameter in a single call. tfjs would run about
 * ten elementwise kernels per parameter (scale, two moment updates, square, sqrt, add, div,
 * mul, sub), each allocating a temporary; here each element is read and written once.
 *
 * `table` holds 8 int32 per parameter: p, g, m, v (inputs), p', m', v' (outputs), size. A call
 * updates the elements [e0, e1) of the parameters laid end to end, so threads split the work
 * evenly whatever the parameter sizes. `hyper` holds scale, beta1, beta2, step_size, eps_hat
 * (floats, in the same heap block as the table). With the bias corrections folded in by the caller:
 *   g' = scale g;  m' = b1 m + (1 - b1) g';  v' = b2 v + (1 - b2) g'^2
 *   p' = p - step_size * m' / (sqrt(v') + eps_hat)
 */
#include "common.h"

EXPORT(studio_adam)
void studio_adam(const int32_t *table, int count, const float *hyper, int e0, int e1) {
  const float scale = hyper[0];
  const float beta1 = hyper[1];
  const float beta2 = hyper[2];
  const float step_size = hyper[3];
  const float eps_hat = hyper[4];
  const v128_t vs = wasm_f32x4_splat(scale);
  const v128_t vb1 = wasm_f32x4_splat(beta1);
  const v128_t vc1 = wasm_f32x4_splat(1.0f - beta1);
  const v128_t vb2 = wasm_f32x4_splat(beta2);
  const v128_t vc2 = wasm_f32x4_splat(1.0f - beta2);
  const v128_t vlr = wasm_f32x4_splat(step_size);
  const v128_t veps = wasm_f32x4_splat(eps_hat);
  int start = 0;
  for (int i = 0; i < count && start < e1; i++) {
    const int32_t *t = table + 8 * i;
    const int size = t[7];
    const int lo = max_int(e0, start) - start;
    const int hi = min_int(e1, start + size) - start;
    start += size;
    if (lo >= hi) continue;
    const float *p = (const float *)(intptr_t)t[0];
    const float *g = (const float *)(intptr_t)t[1];
    const float *m = (const float *)(intptr_t)t[2];
    const float *v = (const float *)(intptr_t)t[3];
    float *po = (float *)(intptr_t)t[4];
    float *mo = (float *)(intptr_t)t[5];
    float *vo = (float *)(intptr_t)t[6];
    int j = lo;
    for (; j + 4 <= hi; j += 4) {
      const v128_t gj = wasm_f32x4_mul(vs, wasm_v128_load(g + j));
      const v128_t mj = madd(vc1, gj, wasm_f32x4_mul(vb1, wasm_v128_load(m + j)));
      const v128_t vj = madd(vc2, wasm_f32x4_mul(gj, gj), wasm_f32x4_mul(vb2, wasm_v128_load(v + j)));
      wasm_v128_store(mo + j, mj);
      wasm_v128_store(vo + j, vj);
      const v128_t upd = wasm_f32x4_div(mj, wasm_f32x4_add(wasm_f32x4_sqrt(vj), veps));
      wasm_v128_store(po + j, wasm_f32x4_sub(wasm_v128_load(p + j), wasm_f32x4_mul(vlr, upd)));
    }
    for (; j < hi; j++) {
      const float gj = scale * g[j];
      const float mj = beta1 * m[j] + (1.0f - beta1) * gj;
      const float vj = beta2 * v[j] + (1.0f - beta2) * gj * gj;
      mo[j] = mj;
      vo[j] = vj;
      po[j] = p[j] - step_size * mj / (__builtin_sqrtf(vj) + eps_hat);
    }
  }
}
