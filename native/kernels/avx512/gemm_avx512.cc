// AVX-512F GEMM kernels: a 10x32 micro-kernel (20 zmm accumulators, 2 B loads and 10 broadcasts per
// k step; 10 rows split batch-128 layers into 13 tiles and a 10-wide output into exactly one),
// B/A packing and transposed (C^T) stores through 16x16 in-register transposes, the FMA probe.
// Compiled with -mavx512f -mavx2 -mfma and reached only through gemm_kernels() after the CPU
// check, so this file holds intrinsics and plain C only: no inline code shared with other files.
#include <immintrin.h>

#include "core/gemm_kernel.h"

// GCC 12's own avx512fintrin.h trips -Wmaybe-uninitialized (_mm512_undefined_ps): not our code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace myelin {
namespace avx512 {
namespace {

constexpr int MR = 10, NR = 32;

#if defined(__GNUC__)
#define MYELIN_INLINE inline __attribute__((always_inline))
#else
#define MYELIN_INLINE __forceinline
#endif

// In-register transpose of 16 rows of 16 floats: r[j] becomes column j.
MYELIN_INLINE void transpose16(__m512* r) {
  __m512 t[16], u[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {  // per 128-bit lane: 4x4 blocks transposed
    u[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    u[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    u[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    u[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
  }
  for (int q = 0; q < 4; ++q) {  // then the 128-bit lanes
    const __m512 v = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x88), v2 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xdd);
    const __m512 w = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x88), w2 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xdd);
    r[q] = _mm512_shuffle_f32x4(v, w, 0x88);
    r[8 + q] = _mm512_shuffle_f32x4(v, w, 0xdd);
    r[4 + q] = _mm512_shuffle_f32x4(v2, w2, 0x88);
    r[12 + q] = _mm512_shuffle_f32x4(v2, w2, 0xdd);
  }
}

// Writes the tile t (MR x NR, the accumulators) to C as alpha*t + beta*C. Full row-major tiles go
// straight to C, others through t, with the same vector arithmetic for every element.
void store_tile(float* t, float* c, long rs_c, long cs_c, int mr, int nr, float alpha, float beta) {
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  const bool direct = mr == MR && nr == NR && cs_c == 1;
  if (rs_c == 1 && cs_c != 1) {  // C^T (a narrow C computed transposed): transpose 16 columns at a time
    const __mmask16 mask = static_cast<__mmask16>((1u << mr) - 1);
    for (int h = 0; h < nr; h += 16) {
      __m512 r[16];
      for (int i = 0; i < 16; ++i) r[i] = i < MR ? _mm512_load_ps(t + i * NR + h) : _mm512_setzero_ps();
      transpose16(r);
      for (int j = 0; j < 16 && h + j < nr; ++j) {
        float* out = c + (h + j) * cs_c;
        __m512 x = _mm512_mul_ps(va, r[j]);
        if (beta != 0.f) x = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, out), x);
        _mm512_mask_storeu_ps(out, mask, x);
      }
    }
    return;
  }
  if (!direct && beta != 0.f)
    for (int i = 0; i < mr; ++i)
      for (int j = 0; j < nr; ++j) t[i * NR + j + NR * MR] = c[i * rs_c + j * cs_c];
  for (int i = 0; i < MR; ++i) {
    float* out = direct ? c + i * rs_c : t + i * NR;
    const float* old = direct ? out : t + NR * MR + i * NR;
    for (int h = 0; h < NR; h += 16) {
      __m512 r = _mm512_mul_ps(va, _mm512_load_ps(t + i * NR + h));
      if (beta != 0.f) r = _mm512_fmadd_ps(vb, _mm512_loadu_ps(old + h), r);
      _mm512_storeu_ps(out + h, r);
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
    alignas(64) float t[2 * MR * NR];                          \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {    \
      _mm512_store_ps(t + i * NR, acc[i][0]);                   \
      _mm512_store_ps(t + i * NR + 16, acc[i][1]);              \
    }                                                         \
    store_tile(t, c, rs_c, cs_c, mr, nr, alpha, beta);        \
  } while (0)

// A read along its rows (cs_a == 1): one pointer per row, element p of each.
void ukr_rows(long k, const float* a, long rs_a, const float* b, long rs_b, float* c, long rs_c, long cs_c, int mr,
              int nr, float alpha, float beta) {
  __m512 acc[MR][2];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  const float* ap[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) ap[i] = a + i * rs_a;
#pragma GCC unroll 2
  for (long p = 0; p < k; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 10
    for (int i = 0; i < MR; ++i) {
      const __m512 x = _mm512_set1_ps(ap[i][p]);
      acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
    }
    b += rs_b;
  }
  MYELIN_STORE_TILE();
}

// A read down its columns (rs_a == 1): a packed panel (cs_a == MR) or a transposed operand.
void ukr_cols(long k, const float* a, long cs_a, const float* b, long rs_b, float* c, long rs_c, long cs_c, int mr,
              int nr, float alpha, float beta) {
  __m512 acc[MR][2];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
#pragma GCC unroll 2
  for (long p = 0; p < k; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 10
    for (int i = 0; i < MR; ++i) {
      const __m512 x = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
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

// dst[q * ld + j] = column j's element p0+q, for 8 columns stored along k (column j at src + j*cs).
void transpose_block8(const float* src, long cs, float* dst, long ld) {
  __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + cs), r2 = _mm256_loadu_ps(src + 2 * cs),
         r3 = _mm256_loadu_ps(src + 3 * cs), r4 = _mm256_loadu_ps(src + 4 * cs),
         r5 = _mm256_loadu_ps(src + 5 * cs), r6 = _mm256_loadu_ps(src + 6 * cs),
         r7 = _mm256_loadu_ps(src + 7 * cs);
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
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_storeu_ps(dst + ld, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_storeu_ps(dst + 2 * ld, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_storeu_ps(dst + 3 * ld, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_storeu_ps(dst + 4 * ld, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_storeu_ps(dst + 5 * ld, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_storeu_ps(dst + 6 * ld, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_storeu_ps(dst + 7 * ld, _mm256_permute2f128_ps(s3, s7, 0x31));
}

void pack_b(long k, int nr, const float* b, long rs_b, long cs_b, float* dst) {
  if (cs_b == 1 && nr == NR) {
    for (long p = 0; p < k; ++p, dst += NR) {
      const float* s = b + p * rs_b;
      _mm512_storeu_ps(dst, _mm512_loadu_ps(s));
      _mm512_storeu_ps(dst + 16, _mm512_loadu_ps(s + 16));
    }
    return;
  }
  long p = 0;
  if (rs_b == 1 && nr == NR) {  // B stored along k (transposed): 16x16 blocks
    for (; p + 16 <= k; p += 16)
      for (int j = 0; j < NR; j += 16) {
        __m512 r[16];
        for (int q = 0; q < 16; ++q) r[q] = _mm512_loadu_ps(b + p + (j + q) * cs_b);
        transpose16(r);
        for (int q = 0; q < 16; ++q) _mm512_storeu_ps(dst + (p + q) * NR + j, r[q]);
      }
    for (; p + 8 <= k; p += 8)
      for (int j = 0; j < NR; j += 8) transpose_block8(b + p + j * cs_b, cs_b, dst + p * NR + j, NR);
  }
  for (; p < k; ++p) {
    float* d = dst + p * NR;
    int j = 0;
    for (; j < nr; ++j) d[j] = b[p * rs_b + j * cs_b];
    for (; j < NR; ++j) d[j] = 0.f;
  }
}

void pack_a(long k, int mr, const float* a, long rs_a, long cs_a, float* dst) {
  const __mmask16 rows = static_cast<__mmask16>((1u << mr) - 1), panel = static_cast<__mmask16>((1u << MR) - 1);
  long p = 0;
  if (cs_a == 1) {  // rows of A: 16 k steps at a time through a 16x16 transpose
    for (; p + 16 <= k; p += 16) {
      __m512 r[16];
      for (int i = 0; i < 16; ++i) r[i] = i < mr ? _mm512_loadu_ps(a + i * rs_a + p) : _mm512_setzero_ps();
      transpose16(r);
      for (int q = 0; q < 16; ++q) _mm512_mask_storeu_ps(dst + (p + q) * MR, panel, r[q]);
    }
  } else if (rs_a == 1) {  // columns of A: MR contiguous floats per k step
    for (; p < k; ++p) _mm512_mask_storeu_ps(dst + p * MR, panel, _mm512_maskz_loadu_ps(rows, a + p * cs_a));
  }
  for (; p < k; ++p) {
    int i = 0;
    for (; i < mr; ++i) dst[p * MR + i] = a[i * rs_a + p * cs_a];
    for (; i < MR; ++i) dst[p * MR + i] = 0.f;
  }
}

double fma_probe(long iters) {
  // 12 independent zmm chains: covers FMA latency x throughput whether zmm runs as 1x512 or 2x256.
  __m512 r[12];
  for (int i = 0; i < 12; ++i) r[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-6f);
  for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) r[i] = _mm512_fmadd_ps(r[i], x, y);
  }
  __m512 s = r[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, r[i]);
  alignas(64) float out[16];
  _mm512_store_ps(out, s);
  volatile float sink = out[0];
  (void)sink;
  return static_cast<double>(iters) * 12 * 16 * 2;
}

const GemmKernels kKernels = {MR, NR, /*mc*/ 130, /*kc*/ 256, /*nc*/ 4096, ukr, pack_a, pack_b, fma_probe};

}  // namespace

const GemmKernels* gemm_kernels() { return &kKernels; }

}  // namespace avx512
}  // namespace myelin
