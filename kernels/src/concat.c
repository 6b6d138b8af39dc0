/*
 * Concatenation along any axis, viewed as [outer, inner_i] pieces laid side by side in each
 * outer row. tfjs-backend-wasm 4.22 copies every (row, input) piece with a TypedArray
 * subarray + set from JavaScript: the decoder's key cache [batch, heads, d_k, t] grows by one
 * column per step, which is batch x heads x d_k pieces of t floats and as many of 1 float.
 * Here a piece is one memory.copy (bulk memory), a single element a plain store. Rows
 * [r0, r1) per call; any 4-byte element type.
 *
 * `table` holds 2 int32 per input: its heap offset and its inner size (elements per row).
 */
#include "common.h"

EXPORT(studio_concat)
void studio_concat(const int32_t *table, int count, int32_t *out, int out_inner, int r0, int r1) {
  for (int r = r0; r < r1; r++) {
    int32_t *o = out + (int64_t)r * out_inner;
    for (int i = 0; i < count; i++) {
      const int n = table[2 * i + 1];
      const int32_t *src = (const int32_t *)(intptr_t)table[2 * i] + (int64_t)r * n;
      if (n == 1) {
        *o = *src;
      } else {
        __builtin_memcpy(o, src, (unsigned)n * 4u);
      }
      o += n;
    }
  }
}
