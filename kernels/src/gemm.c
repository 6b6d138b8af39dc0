/*
 * Single-precision matrix products C = op(A) op(B) for tfjs's BatchMatMul, every transpose
 * flag and batch shape, in the GotoBLAS layout: B is packed into panels of NR columns and A
 * into panels of MR rows, both k-major, so one register-blocked micro-kernel serves every
 * transpose flag (a transposed operand only changes the strides the packing reads with).
 *
 * Blocking (per call, per thread): for each NC-wide column block and KC-deep slice, pack
 * B[kc x nc] (L3-resident, KC x NR micro-panels of 8 KiB stay in L1 across the row loop),
 * then for each MC-high row block pack A[mc x kc] (L2-resident) and run the micro-kernel over
 * every MR x NR tile. Block sizes are balanced (K = 257 is split 129 + 128, not 256 + 1).
 *
 * A call computes rows [m0, m1) and columns [n0, n1) of every batch in [b0, b1): the
 * JavaScript side splits one product among threads by rows (or columns when N > M) and a
 * batch of small products by batches. Threads never write the same C element, so they need no
 * synchronisation inside the kernel.
 */
#include "common.h"

#ifndef GEMM_MR
#define GEMM_MR 4
#endif
#define MR GEMM_MR
#define NR 8
#ifndef GEMM_KC
#define GEMM_KC 256
#endif
#define KC GEMM_KC
#define MC (MR * 24)
#define NC 2048

/* Floats of scratch one thread needs: packed A block, packed B block, one edge tile. */
#define SCRATCH_PACK_A (MC * KC)
#define SCRATCH_PACK_B (KC * NC)
#define SCRATCH_EDGE (MR * NR)

EXPORT(studio_gemm_scratch_floats) int studio_gemm_scratch_floats(void) {
  return SCRATCH_PACK_A + SCRATCH_PACK_B + SCRATCH_EDGE;
}

EXPORT(studio_gemm_mr) int studio_gemm_mr(void) { return MR; }
EXPORT(studio_gemm_nr) int studio_gemm_nr(void) { return NR; }

/*
 * Packs rows [i0, i0 + mc) x depth [p0, p0 + kc) of A into MR-row panels, k-major:
 * dst[(panel * kc + k) * MR + r] = A(i0 + panel * MR + r, p0 + k). Rows at or past `iend`
 * (outside this call's range) are zero, so the micro-kernel always reads full panels.
 */
static void pack_a(const float *a, int ars, int acs, int i0, int mc, int iend, int p0, int kc,
                   float *dst) {
  for (int ip = 0; ip < mc; ip += MR) {
    const int rows = min_int(MR, iend - (i0 + ip));
    float *panel = dst + ip * kc;
    if (acs == 1 && rows == MR && MR == 4) {
      /*
       * Row-major A: each row is contiguous in k. Four k of the four rows are loaded and
       * transposed in registers, so the panel is written in whole vectors.
       */
      const float *src = a + (i0 + ip) * ars + p0;
      int k = 0;
      for (; k + 4 <= kc; k += 4) {
        const v128_t r0 = wasm_v128_load(src + k);
        const v128_t r1 = wasm_v128_load(src + ars + k);
        const v128_t r2 = wasm_v128_load(src + 2 * ars + k);
        const v128_t r3 = wasm_v128_load(src + 3 * ars + k);
        const v128_t t01lo = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
        const v128_t t23lo = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
        const v128_t t01hi = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        const v128_t t23hi = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        float *d = panel + k * MR;
        wasm_v128_store(d, wasm_i64x2_shuffle(t01lo, t23lo, 0, 2));
        wasm_v128_store(d + 4, wasm_i64x2_shuffle(t01lo, t23lo, 1, 3));
        wasm_v128_store(d + 8, wasm_i64x2_shuffle(t01hi, t23hi, 0, 2));
        wasm_v128_store(d + 12, wasm_i64x2_shuffle(t01hi, t23hi, 1, 3));
      }
      for (; k < kc; k++) {
        for (int r = 0; r < MR; r++) panel[k * MR + r] = src[r * ars + k];
      }
    } else if (acs == 1 && rows == MR) {
      const float *src = a + (i0 + ip) * ars + p0;
      for (int k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) panel[k * MR + r] = src[r * ars + k];
      }
    } else if (ars == 1 && rows == MR && MR == 4) {
      /* Transposed A: each k holds MR contiguous rows, one vector. */
      const float *src = a + (i0 + ip) + p0 * acs;
      for (int k = 0; k < kc; k++) wasm_v128_store(panel + k * MR, wasm_v128_load(src + k * acs));
    } else if (ars == 1 && rows == MR) {
      const float *src = a + (i0 + ip) + p0 * acs;
      for (int k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) panel[k * MR + r] = src[k * acs + r];
      }
    } else {
      for (int k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) {
          panel[k * MR + r] = r < rows ? a[(i0 + ip + r) * ars + (p0 + k) * acs] : 0.0f;
        }
      }
    }
  }
}

/*
 * Packs depth [p0, p0 + kc) x columns [j0, j0 + nc) of B into NR-column panels, k-major:
 * dst[(panel * kc + k) * NR + c] = B(p0 + k, j0 + panel * NR + c), zero at or past `jend`.
 */
static void pack_b(const float *b, int brs, int bcs, int p0, int kc, int j0, int nc, int jend,
                   float *dst) {
  for (int jp = 0; jp < nc; jp += NR) {
    const int cols = min_int(NR, jend - (j0 + jp));
    float *panel = dst + jp * kc;
    if (bcs == 1 && cols == NR) {
      /* Row-major B: NR contiguous columns per k. */
      const float *src = b + p0 * brs + j0 + jp;
      for (int k = 0; k < kc; k++) {
        wasm_v128_store(panel + k * NR, wasm_v128_load(src + k * brs));
        wasm_v128_store(panel + k * NR + 4, wasm_v128_load(src + k * brs + 4));
      }
    } else if (brs == 1 && cols == NR) {
      /*
       * Transposed B (stored N x K): each column is contiguous in k. Four k of eight columns
       * are loaded and transposed in registers, so both reads and writes are whole vectors.
       */
      const float *src = b + (j0 + jp) * bcs + p0;
      int k = 0;
      for (; k + 4 <= kc; k += 4) {
        for (int half = 0; half < 2; half++) {
          const float *s = src + half * 4 * bcs + k;
          const v128_t c0 = wasm_v128_load(s);
          const v128_t c1 = wasm_v128_load(s + bcs);
          const v128_t c2 = wasm_v128_load(s + 2 * bcs);
          const v128_t c3 = wasm_v128_load(s + 3 * bcs);
          /* 4x4 transpose: rows are columns c0..c3 over k..k+3; out[t] = k + t over c0..c3. */
          const v128_t t01lo = wasm_i32x4_shuffle(c0, c1, 0, 4, 1, 5);
          const v128_t t23lo = wasm_i32x4_shuffle(c2, c3, 0, 4, 1, 5);
          const v128_t t01hi = wasm_i32x4_shuffle(c0, c1, 2, 6, 3, 7);
          const v128_t t23hi = wasm_i32x4_shuffle(c2, c3, 2, 6, 3, 7);
          float *d = panel + k * NR + half * 4;
          wasm_v128_store(d, wasm_i64x2_shuffle(t01lo, t23lo, 0, 2));
          wasm_v128_store(d + NR, wasm_i64x2_shuffle(t01lo, t23lo, 1, 3));
          wasm_v128_store(d + 2 * NR, wasm_i64x2_shuffle(t01hi, t23hi, 0, 2));
          wasm_v128_store(d + 3 * NR, wasm_i64x2_shuffle(t01hi, t23hi, 1, 3));
        }
      }
      for (; k < kc; k++) {
        for (int c = 0; c < NR; c++) panel[k * NR + c] = src[c * bcs + k];
      }
    } else {
      for (int k = 0; k < kc; k++) {
        for (int c = 0; c < NR; c++) {
          panel[k * NR + c] = c < cols ? b[(p0 + k) * brs + (j0 + jp + c) * bcs] : 0.0f;
        }
      }
    }
  }
}

/*
 * One MR x NR tile of C over depth kc from a packed A panel and NR columns of B, `bstride`
 * floats apart from one k to the next: NR for a packed B panel, or B's row stride when a
 * product with few rows reads row-major B in place. `accumulate` adds to C (every KC
 * slice after the first); a partial tile (mr < MR or nr < NR, at the matrix or range edge)
 * goes through `edge` so that no store leaves the valid rectangle.
 */
static void micro_kernel(int kc, const float *restrict ap, const float *restrict bp, int bstride,
                         float *c, int ldc, int accumulate, int mr, int nr, float *edge) {
  v128_t acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
  for (int r = 0; r < MR; r++) {
    acc0[r] = wasm_f32x4_const_splat(0.0f);
    acc1[r] = wasm_f32x4_const_splat(0.0f);
  }
#ifdef GEMM_KUNROLL
#pragma clang loop unroll_count(GEMM_KUNROLL)
#endif
  for (int k = 0; k < kc; k++) {
    const v128_t b0 = wasm_v128_load(bp);
    const v128_t b1 = wasm_v128_load(bp + 4);
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
      const v128_t av = wasm_v128_load32_splat(ap + r);
      acc0[r] = madd(av, b0, acc0[r]);
      acc1[r] = madd(av, b1, acc1[r]);
    }
    ap += MR;
    bp += bstride;
  }
  if (mr == MR && nr == NR) {
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
      float *row = c + r * ldc;
      if (accumulate) {
        acc0[r] = wasm_f32x4_add(acc0[r], wasm_v128_load(row));
        acc1[r] = wasm_f32x4_add(acc1[r], wasm_v128_load(row + 4));
      }
      wasm_v128_store(row, acc0[r]);
      wasm_v128_store(row + 4, acc1[r]);
    }
    return;
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < MR; r++) {
    wasm_v128_store(edge + r * NR, acc0[r]);
    wasm_v128_store(edge + r * NR + 4, acc1[r]);
  }
  for (int r = 0; r < mr; r++) {
    for (int j = 0; j < nr; j++) {
      const float v = edge[r * NR + j];
      c[r * ldc + j] = accumulate ? c[r * ldc + j] + v : v;
    }
  }
}

/*
 * Products with few rows (in one call's range) read a row-major B in place instead of packing
 * it: packing B costs as much as k x n multiply-adds, which is much of the work when there are
 * few rows (decoding: one row per sentence). Reading B in NR-column strips is slow once B
 * leaves the caches, though, so beyond DIRECT_B_MAX_ROWS only a small B (attention's
 * per-head products) is read in place. Measured, x 256 x 1024: 4 rows 1.5x faster in place,
 * 8 even, 16 and 32 rows 1.5x faster packed; 28 x 64 x 28: 1.15x faster in place.
 */
#define DIRECT_B_MAX_ROWS 8
#define DIRECT_B_SMALL_MAX_ROWS 32
#define DIRECT_B_SMALL_FLOATS 16384
/* Up to this many rows, a transposed B (rows of B^T contiguous in k) is read by dot products. */
#define DOT_MAX_ROWS 4

/*
 * C[i, j] = dot(A[i, :], B^T[j, :]) for rows whose k run contiguously in both operands
 * (acs == 1, brs == 1): four columns at a time, vectorised along k.
 */
static void gemm_dot(const float *a, const float *b, float *c, int ldc, int k, int ars, int bcs,
                     int m0, int m1, int n0, int n1) {
  for (int i = m0; i < m1; i++) {
    const float *ar = a + i * ars;
    int j = n0;
    for (; j + 4 <= n1; j += 4) {
      const float *b0 = b + j * bcs;
      const float *b1 = b0 + bcs;
      const float *b2 = b1 + bcs;
      const float *b3 = b2 + bcs;
      v128_t s0 = wasm_f32x4_const_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      int p = 0;
      for (; p + 4 <= k; p += 4) {
        const v128_t av = wasm_v128_load(ar + p);
        s0 = madd(av, wasm_v128_load(b0 + p), s0);
        s1 = madd(av, wasm_v128_load(b1 + p), s1);
        s2 = madd(av, wasm_v128_load(b2 + p), s2);
        s3 = madd(av, wasm_v128_load(b3 + p), s3);
      }
      float t0 = hsum_f32x4(s0), t1 = hsum_f32x4(s1), t2 = hsum_f32x4(s2), t3 = hsum_f32x4(s3);
      for (; p < k; p++) {
        t0 += ar[p] * b0[p];
        t1 += ar[p] * b1[p];
        t2 += ar[p] * b2[p];
        t3 += ar[p] * b3[p];
      }
      c[i * ldc + j] = t0;
      c[i * ldc + j + 1] = t1;
      c[i * ldc + j + 2] = t2;
      c[i * ldc + j + 3] = t3;
    }
    for (; j < n1; j++) {
      const float *bj = b + j * bcs;
      v128_t s = wasm_f32x4_const_splat(0.0f);
      int p = 0;
      for (; p + 4 <= k; p += 4) s = madd(wasm_v128_load(ar + p), wasm_v128_load(bj + p), s);
      float t = hsum_f32x4(s);
      for (; p < k; p++) t += ar[p] * bj[p];
      c[i * ldc + j] = t;
    }
  }
}

/*
 * Up to this many rows, a row-major B is streamed (gemm_stream); from 3 rows on, the register
 * tiles of the direct-B path catch up (measured, x 256 x 8000: 1 row 2.7x faster streamed,
 * 3 rows about even, 4 rows 1.3x slower, 8 rows even).
 */
#define STREAM_MAX_ROWS 2
/*
 * Columns per block of the row-streaming path. Wide, so that B is read strictly in order: the
 * C block (up to 2 x 32 KiB) then lives in L2, which measured 2.7x faster for 1 x 256 x 8000
 * than 512-column blocks in L1 that made B be read in 2 KiB pieces row after row.
 */
#define STREAM_COLS 8192

/*
 * C = A B for at most STREAM_MAX_ROWS rows and a row-major B (bcs == 1), B streamed row by row:
 * for each k, C[r, block] += A[r, k] * B[k, block]. B is read once, in order (the hardware
 * prefetcher's best case), and the C block stays in cache; this is bandwidth-bound, as a product
 * with one or two rows is (decoding one sentence).
 */
static void gemm_stream(const float *a, const float *b, float *c, int ldc, int k, int ars, int acs,
                        int brs, int m0, int m1, int n0, int n1) {
  const int mr = m1 - m0;
  for (int jb = n0; jb < n1; jb += STREAM_COLS) {
    const int nb = min_int(STREAM_COLS, n1 - jb);
    for (int r = 0; r < mr; r++) {
      float *cr = c + (m0 + r) * ldc + jb;
      for (int j = 0; j < nb; j++) cr[j] = 0.0f;
    }
    for (int p = 0; p < k; p++) {
      const float *brow = b + p * brs + jb;
      for (int r = 0; r < mr; r++) {
        const float av = a[(m0 + r) * ars + p * acs];
        const v128_t avv = wasm_f32x4_splat(av);
        float *cr = c + (m0 + r) * ldc + jb;
        int j = 0;
        for (; j + 8 <= nb; j += 8) {
          wasm_v128_store(cr + j, madd(avv, wasm_v128_load(brow + j), wasm_v128_load(cr + j)));
          wasm_v128_store(cr + j + 4,
                          madd(avv, wasm_v128_load(brow + j + 4), wasm_v128_load(cr + j + 4)));
        }
        for (; j < nb; j++) cr[j] += av * brow[j];
      }
    }
  }
}

/* Rows [m0, m1) x columns [n0, n1) of one product; C is row-major with ldc = N. */
static void gemm_block(const float *a, const float *b, float *c, int ldc, int k_total, int ars,
                       int acs, int brs, int bcs, int m0, int m1, int n0, int n1, float *pack_a_buf,
                       float *pack_b_buf, float *edge) {
  if (k_total == 0) {
    for (int i = m0; i < m1; i++) {
      for (int j = n0; j < n1; j++) c[i * ldc + j] = 0.0f;
    }
    return;
  }
  if (m1 - m0 <= DOT_MAX_ROWS && acs == 1 && brs == 1) {
    gemm_dot(a, b, c, ldc, k_total, ars, bcs, m0, m1, n0, n1);
    return;
  }
  if (m1 - m0 <= STREAM_MAX_ROWS && bcs == 1) {
    gemm_stream(a, b, c, ldc, k_total, ars, acs, brs, m0, m1, n0, n1);
    return;
  }
  const int rows = m1 - m0;
  const int direct_b =
      bcs == 1 && (rows <= DIRECT_B_MAX_ROWS ||
                   (rows <= DIRECT_B_SMALL_MAX_ROWS && k_total * (n1 - n0) <= DIRECT_B_SMALL_FLOATS));
  /* Balanced block sizes: the same number of blocks as the maximum size gives, evened out. */
  const int k_blocks = ceil_div(k_total, KC);
  const int kc_size = ceil_div(k_total, k_blocks);
  const int n_blocks = ceil_div(n1 - n0, NC);
  const int nc_size = ceil_div(ceil_div(n1 - n0, n_blocks), NR) * NR;
  const int m_blocks = ceil_div(m1 - m0, MC);
  const int mc_size = ceil_div(ceil_div(m1 - m0, m_blocks), MR) * MR;

  for (int jc = n0; jc < n1; jc += nc_size) {
    const int nc = min_int(nc_size, n1 - jc);
    for (int pc = 0; pc < k_total; pc += kc_size) {
      const int kc = min_int(kc_size, k_total - pc);
      if (!direct_b) pack_b(b, brs, bcs, pc, kc, jc, nc, n1, pack_b_buf);
      for (int ic = m0; ic < m1; ic += mc_size) {
        const int mc = min_int(mc_size, m1 - ic);
        pack_a(a, ars, acs, ic, mc, m1, pc, kc, pack_a_buf);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = min_int(NR, nc - jr);
          const float *bp = pack_b_buf + jr * kc;
          int bstride = NR;
          if (direct_b && nr == NR) {
            bp = b + pc * brs + jc + jr;
            bstride = brs;
          } else if (direct_b) {
            /* The last, partial panel: packed, so that no load reads past B's last column. */
            pack_b(b, brs, bcs, pc, kc, jc + jr, nr, n1, pack_b_buf);
            bp = pack_b_buf;
          }
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = min_int(MR, mc - ir);
            micro_kernel(kc, pack_a_buf + ir * kc, bp, bstride, c + (ic + ir) * ldc + jc + jr,
                         ldc, pc > 0, mr, nr, edge);
          }
        }
      }
    }
  }
}

/*
 * C[batch] = op(A[batch]) op(B[batch]) for batch in [b0, b1), rows [m0, m1), columns
 * [n0, n1). op(A)(i, k) = A[a_off + i * ars + k * acs] and op(B)(k, j) = B[b_off + k * brs +
 * j * bcs], so transposes are strides; `offsets` holds (a_off, b_off) in floats for each batch
 * (broadcast batches repeat an offset); C[batch] starts at batch * M * N. `scratch` holds
 * studio_gemm_scratch_floats() floats for this thread alone.
 */
EXPORT(studio_gemm)
void studio_gemm(const float *a, const float *b, float *c, int m, int n, int k, int ars, int acs,
                 int brs, int bcs, const int32_t *offsets, int b0, int b1, int m0, int m1, int n0,
                 int n1, float *scratch) {
  float *pack_a_buf = scratch;
  float *pack_b_buf = scratch + SCRATCH_PACK_A;
  float *edge = pack_b_buf + SCRATCH_PACK_B;
  for (int batch = b0; batch < b1; batch++) {
    const float *ab = a + offsets[2 * batch];
    const float *bb = b + offsets[2 * batch + 1];
    float *cb = c + batch * m * n;
    gemm_block(ab, bb, cb, n, k, ars, acs, brs, bcs, m0, m1, n0, n1, pack_a_buf, pack_b_buf,
               edge);
  }
}
