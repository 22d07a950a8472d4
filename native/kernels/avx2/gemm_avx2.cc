// AVX2+FMA GEMM kernels: a 6x16 micro-kernel (12 ymm accumulators, 2 B loads and 6 broadcasts per
// k step), B/A packing with an 8x8 in-register transpose, and the FMA peak probe.
// Compiled with -mavx2 -mfma and reached only through gemm_kernels() after the CPU check, so this
// file holds intrinsics and plain C only: no inline code shared with other files (ODR).
#include <immintrin.h>

#include "core/gemm_kernel.h"

namespace myelin {
namespace avx2 {
namespace {

constexpr int MR = 6, NR = 16;

// Writes the tile t (MR x NR, the accumulators) to C as alpha*t + beta*C. Full row-major tiles go
// straight to C, others through t, with the same vector arithmetic for every element.
void store_tile(float* t, float* c, long rs_c, long cs_c, int mr, int nr, float alpha, float beta) {
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  const bool direct = mr == MR && nr == NR && cs_c == 1;
  if (!direct && beta != 0.f)
    for (int i = 0; i < mr; ++i)
      for (int j = 0; j < nr; ++j) t[i * NR + j + NR * MR] = c[i * rs_c + j * cs_c];
  for (int i = 0; i < MR; ++i) {
    float* out = direct ? c + i * rs_c : t + i * NR;
    const float* old = direct ? out : t + NR * MR + i * NR;
    for (int h = 0; h < NR; h += 8) {
      __m256 r = _mm256_mul_ps(va, _mm256_load_ps(t + i * NR + h));
      if (beta != 0.f) r = _mm256_fmadd_ps(vb, _mm256_loadu_ps(old + h), r);
      _mm256_storeu_ps(out + h, r);
    }
  }
  if (!direct)
    for (int i = 0; i < mr; ++i)
      for (int j = 0; j < nr; ++j) c[i * rs_c + j * cs_c] = t[i * NR + j];
}

// Spills the accumulators to a scratch tile (twice the size: store_tile keeps old C in the top half)
// and stores it. Fully unrolled so the accumulators stay in registers during the k loop.
#define MYELIN_STORE_TILE()                                   \
  do {                                                        \
    alignas(32) float t[2 * MR * NR];                          \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {    \
      _mm256_store_ps(t + i * NR, acc[i][0]);                   \
      _mm256_store_ps(t + i * NR + 8, acc[i][1]);              \
    }                                                         \
    store_tile(t, c, rs_c, cs_c, mr, nr, alpha, beta);        \
  } while (0)

// A read along its rows (cs_a == 1): six row pointers, element p of each.
void ukr_rows(long k, const float* a, long rs_a, const float* b, long rs_b, float* c, long rs_c, long cs_c, int mr,
              int nr, float alpha, float beta) {
  __m256 acc[MR][2];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  const float* a0 = a;
  const float* a1 = a + rs_a;
  const float* a2 = a + 2 * rs_a;
  const float* a3 = a + 3 * rs_a;
  const float* a4 = a + 4 * rs_a;
  const float* a5 = a + 5 * rs_a;
#pragma GCC unroll 4
  for (long p = 0; p < k; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    __m256 x;
    x = _mm256_broadcast_ss(a0 + p);
    acc[0][0] = _mm256_fmadd_ps(x, b0, acc[0][0]);
    acc[0][1] = _mm256_fmadd_ps(x, b1, acc[0][1]);
    x = _mm256_broadcast_ss(a1 + p);
    acc[1][0] = _mm256_fmadd_ps(x, b0, acc[1][0]);
    acc[1][1] = _mm256_fmadd_ps(x, b1, acc[1][1]);
    x = _mm256_broadcast_ss(a2 + p);
    acc[2][0] = _mm256_fmadd_ps(x, b0, acc[2][0]);
    acc[2][1] = _mm256_fmadd_ps(x, b1, acc[2][1]);
    x = _mm256_broadcast_ss(a3 + p);
    acc[3][0] = _mm256_fmadd_ps(x, b0, acc[3][0]);
    acc[3][1] = _mm256_fmadd_ps(x, b1, acc[3][1]);
    x = _mm256_broadcast_ss(a4 + p);
    acc[4][0] = _mm256_fmadd_ps(x, b0, acc[4][0]);
    acc[4][1] = _mm256_fmadd_ps(x, b1, acc[4][1]);
    x = _mm256_broadcast_ss(a5 + p);
    acc[5][0] = _mm256_fmadd_ps(x, b0, acc[5][0]);
    acc[5][1] = _mm256_fmadd_ps(x, b1, acc[5][1]);
    b += rs_b;
  }
  MYELIN_STORE_TILE();
}

// A read down its columns (rs_a == 1): a packed panel (cs_a == MR) or a transposed operand.
void ukr_cols(long k, const float* a, long cs_a, const float* b, long rs_b, float* c, long rs_c, long cs_c, int mr,
              int nr, float alpha, float beta) {
  __m256 acc[MR][2];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (long p = 0; p < k; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      const __m256 x = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(x, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(x, b1, acc[i][1]);
    }
    a += cs_a;
    b += rs_b;
  }
  MYELIN_STORE_TILE();
}

#undef MYELIN_STORE_TILE

void ukr(long k, const float* a, long rs_a, long cs_a, const float* b, long rs_b, float* c, long rs_c, long cs_c,
         int mr, int nr, float alpha, float beta) {
  if (rs_a == 1)
    ukr_cols(k, a, cs_a, b, rs_b, c, rs_c, cs_c, mr, nr, alpha, beta);
  else
    ukr_rows(k, a, rs_a, b, rs_b, c, rs_c, cs_c, mr, nr, alpha, beta);
}

// In-register transpose of 8 rows of 8 floats.
void transpose8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4, __m256& r5, __m256& r6,
                __m256& r7) {
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r0 = _mm256_permute2f128_ps(s0, s4, 0x20);
  r1 = _mm256_permute2f128_ps(s1, s5, 0x20);
  r2 = _mm256_permute2f128_ps(s2, s6, 0x20);
  r3 = _mm256_permute2f128_ps(s3, s7, 0x20);
  r4 = _mm256_permute2f128_ps(s0, s4, 0x31);
  r5 = _mm256_permute2f128_ps(s1, s5, 0x31);
  r6 = _mm256_permute2f128_ps(s2, s6, 0x31);
  r7 = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// dst[p * ld + j] = src(p, j) for 8 k steps of 8 columns stored along k (column j at src + j * cs).
void transpose_block8(const float* src, long cs, float* dst, long ld) {
  __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + cs), r2 = _mm256_loadu_ps(src + 2 * cs),
         r3 = _mm256_loadu_ps(src + 3 * cs), r4 = _mm256_loadu_ps(src + 4 * cs),
         r5 = _mm256_loadu_ps(src + 5 * cs), r6 = _mm256_loadu_ps(src + 6 * cs),
         r7 = _mm256_loadu_ps(src + 7 * cs);
  transpose8(r0, r1, r2, r3, r4, r5, r6, r7);
  _mm256_storeu_ps(dst, r0);
  _mm256_storeu_ps(dst + ld, r1);
  _mm256_storeu_ps(dst + 2 * ld, r2);
  _mm256_storeu_ps(dst + 3 * ld, r3);
  _mm256_storeu_ps(dst + 4 * ld, r4);
  _mm256_storeu_ps(dst + 5 * ld, r5);
  _mm256_storeu_ps(dst + 6 * ld, r6);
  _mm256_storeu_ps(dst + 7 * ld, r7);
}

void pack_b(long k, int nr, const float* b, long rs_b, long cs_b, float* dst) {
  if (cs_b == 1 && nr == NR) {
    for (long p = 0; p < k; ++p, dst += NR) {
      const float* s = b + p * rs_b;
      _mm256_storeu_ps(dst, _mm256_loadu_ps(s));
      _mm256_storeu_ps(dst + 8, _mm256_loadu_ps(s + 8));
    }
    return;
  }
  long p = 0;
  if (rs_b == 1 && nr == NR) {  // B stored along k (transposed): 8x8 blocks
    for (; p + 8 <= k; p += 8) {
      transpose_block8(b + p, cs_b, dst + p * NR, NR);
      transpose_block8(b + p + 8 * cs_b, cs_b, dst + p * NR + 8, NR);
    }
  }
  for (; p < k; ++p) {
    float* d = dst + p * NR;
    int j = 0;
    for (; j < nr; ++j) d[j] = b[p * rs_b + j * cs_b];
    for (; j < NR; ++j) d[j] = 0.f;
  }
}

void pack_a(long k, int mr, const float* a, long rs_a, long cs_a, float* dst) {
  long p = 0;
  if (cs_a == 1) {  // rows of A: 8 k steps at a time through an 8x8 transpose
    const __m256i panel = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);  // MR = 6 lanes
    for (; p + 8 <= k; p += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; ++i) r[i] = i < mr ? _mm256_loadu_ps(a + i * rs_a + p) : _mm256_setzero_ps();
      transpose8(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
      for (int q = 0; q < 8; ++q) _mm256_maskstore_ps(dst + (p + q) * MR, panel, r[q]);
    }
  }
  for (; p < k; ++p) {
    int i = 0;
    for (; i < mr; ++i) dst[p * MR + i] = a[i * rs_a + p * cs_a];
    for (; i < MR; ++i) dst[p * MR + i] = 0.f;
  }
}

double fma_probe(long iters) {
  // 12 independent chains: enough to cover FMA latency x throughput on current x86 cores.
  __m256 r[12];
  for (int i = 0; i < 12; ++i) r[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-6f);
  for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) r[i] = _mm256_fmadd_ps(r[i], x, y);
  }
  __m256 s = r[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, r[i]);
  alignas(32) float out[8];
  _mm256_store_ps(out, s);
  volatile float sink = out[0];
  (void)sink;
  return static_cast<double>(iters) * 12 * 8 * 2;
}

const GemmKernels kKernels = {MR, NR, /*mc*/ 144, /*kc*/ 256, /*nc*/ 4096, ukr, pack_a, pack_b, fma_probe};

}  // namespace

const GemmKernels* gemm_kernels() { return &kKernels; }

}  // namespace avx2
}  // namespace myelin
