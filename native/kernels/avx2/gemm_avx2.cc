// AVX2+FMA GEMM kernels: the SIMD wrapper for kernels/common/gemm_kernels.inc (8-float ymm vectors)
// and the shapes this ISA registers. 6x16: 12 ymm accumulators, 2 B loads and 6 broadcasts per k
// step, in 16 registers. Compiled with -mavx2 -mfma and reached only through gemm_kernels() after
// the CPU check.
#include <immintrin.h>

#include "core/gemm_kernel.h"
#include "kernels/common/simd_x86.h"

namespace myelin {
namespace avx2 {
namespace {

struct Simd {
  static constexpr int W = 8, kRegs = 16, kUnrollK = 4;
  static constexpr int kShapes[][2] = {{6, 16}};
  MYELIN_X86_SIMD_OPS(_mm256, __m256)
  MYELIN_SIMD_INLINE static __m256i first(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  MYELIN_SIMD_INLINE static V load_n(const float* p, int n) { return _mm256_maskload_ps(p, first(n)); }
  MYELIN_SIMD_INLINE static void store_n(float* p, V v, int n) { _mm256_maskstore_ps(p, first(n), v); }
  MYELIN_SIMD_INLINE static V where_pos(V y, V v) {
    return _mm256_and_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GT_OQ), v);
  }
  MYELIN_SIMD_INLINE static void transpose(V* r) {
    const V t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const V t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const V t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const V t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const V s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const V s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const V s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const V s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const V s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    const V s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const V s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    const V s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
  }
};

}  // namespace

#include "kernels/common/gemm_kernels.inc"

}  // namespace avx2
}  // namespace myelin
