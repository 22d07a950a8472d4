// Portable GEMM kernels: the SIMD wrapper for kernels/common/gemm_kernels.inc on 4-float GCC/Clang
// generic vectors, and the shapes this ISA registers. The fallback on CPUs without a SIMD path, and
// MYELIN_ISA=scalar.
#include <cstring>

#include "core/gemm_kernel.h"
#include "kernels/common/simd_inline.h"

namespace myelin {
namespace scalar {
namespace {

// GCC/Clang generic vectors (SSE2 or NEON registers; each operation is written per lane, and the
// compiler maps it onto the baseline target's vectors). MSVC has no generic vectors: there it is a
// plain array of 4 floats with the same per-lane interface.
#if defined(__GNUC__)
typedef float Vec4 __attribute__((vector_size(16)));
#else
struct Vec4 {
  float lane[4];
  MYELIN_SIMD_INLINE float& operator[](int i) { return lane[i]; }
  MYELIN_SIMD_INLINE float operator[](int i) const { return lane[i]; }
};
#endif

struct Simd {
  using V = Vec4;
  static constexpr int W = 4, kRegs = 16, kUnrollK = 1;
  static constexpr int kShapes[][2] = {{4, 8}};
  MYELIN_SIMD_INLINE static V set1(float x) {
    V v;
    for (int i = 0; i < W; ++i) v[i] = x;
    return v;
  }
  MYELIN_SIMD_INLINE static V zero() { return set1(0.f); }
  MYELIN_SIMD_INLINE static V load(const float* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  MYELIN_SIMD_INLINE static void store(float* p, V v) { std::memcpy(p, &v, sizeof v); }
  // Not fused where the target has no FMA (the compiler contracts it where it has).
  MYELIN_SIMD_INLINE static V fma(V a, V b, V c) {
    for (int i = 0; i < W; ++i) c[i] += a[i] * b[i];
    return c;
  }
  MYELIN_SIMD_INLINE static V mul(V a, V b) {
    for (int i = 0; i < W; ++i) a[i] *= b[i];
    return a;
  }
  MYELIN_SIMD_INLINE static V relu(V v) {
    for (int i = 0; i < W; ++i) v[i] = v[i] < 0.f ? 0.f : v[i];
    return v;
  }
  MYELIN_SIMD_INLINE static V where_pos(V y, V v) {
    for (int i = 0; i < W; ++i) v[i] = y[i] > 0.f ? v[i] : 0.f;
    return v;
  }
  MYELIN_SIMD_INLINE static V load_n(const float* p, int n) {
    V v = zero();
    for (int i = 0; i < n; ++i) v[i] = p[i];
    return v;
  }
  MYELIN_SIMD_INLINE static void store_n(float* p, V v, int n) {
    for (int i = 0; i < n; ++i) p[i] = v[i];
  }
  MYELIN_SIMD_INLINE static void transpose(V* r) {
    for (int i = 0; i < W; ++i)
      for (int j = i + 1; j < W; ++j) {
        const float x = r[i][j];
        r[i][j] = r[j][i];
        r[j][i] = x;
      }
  }
};

}  // namespace

#include "kernels/common/gemm_kernels.inc"

}  // namespace scalar
}  // namespace myelin
