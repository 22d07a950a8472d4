// AVX-512F GEMM kernels: the SIMD wrapper for kernels/common/gemm_kernels.inc (16-float zmm vectors)
// and the shapes this ISA registers (core/gemm_config.cc picks one per CPU): per k step NR / 16 B
// loads and MR broadcasts into NR / 16 x MR accumulators.
// Compiled with -mavx512f -mavx2 -mfma and reached only through gemm_kernels() after the CPU check.
#include <immintrin.h>

#include "core/gemm_kernel.h"
#include "kernels/common/simd_x86.h"

// GCC 12's own avx512fintrin.h trips -Wmaybe-uninitialized (_mm512_undefined_ps): not our code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace myelin {
namespace avx512 {
namespace {

struct Simd {
  static constexpr int W = 16, kRegs = 32, kUnrollK = 2;
  static constexpr int kShapes[][2] = {
      {10, 32},  // 20 accumulators: splits batch-128 layers into 13 tiles, a 10-wide output into one
      {12, 32},  // 24 accumulators: BLIS's skx shape (its 32x12, transposed), for Intel Xeon
      {8, 48},   // 24 accumulators, 11 loads per 24 FMAs instead of 14: OpenBLAS's skylakex sgemm shape
  };
  MYELIN_X86_SIMD_OPS(_mm512, __m512)
  MYELIN_SIMD_INLINE static __mmask16 first(int n) { return static_cast<__mmask16>((1u << n) - 1); }
  MYELIN_SIMD_INLINE static V load_n(const float* p, int n) { return _mm512_maskz_loadu_ps(first(n), p); }
  MYELIN_SIMD_INLINE static void store_n(float* p, V v, int n) { _mm512_mask_storeu_ps(p, first(n), v); }
  MYELIN_SIMD_INLINE static V where_pos(V y, V v) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ), v);
  }
  // 16 x 16: 2x2 blocks within pairs of rows, then 4x4 within 128-bit lanes, then the lanes.
  MYELIN_SIMD_INLINE static void transpose(V* r) {
    V t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
      u[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
      u[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
      u[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
      u[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    for (int q = 0; q < 4; ++q) {
      const V v = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x88), v2 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xdd);
      const V w = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x88);
      const V w2 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xdd);
      r[q] = _mm512_shuffle_f32x4(v, w, 0x88);
      r[8 + q] = _mm512_shuffle_f32x4(v, w, 0xdd);
      r[4 + q] = _mm512_shuffle_f32x4(v2, w2, 0x88);
      r[12 + q] = _mm512_shuffle_f32x4(v2, w2, 0xdd);
    }
  }
};

}  // namespace

#include "kernels/common/gemm_kernels.inc"

}  // namespace avx512
}  // namespace myelin
