// NEON (arm64) GEMM kernels: the SIMD wrapper for kernels/common/gemm_kernels.inc (4-float q
// registers) and the shapes this ISA registers (core/gemm_config.cc picks one per CPU): per k step
// NR/4 B vectors and 8 broadcasts. Compiled on arm64 only, where NEON is baseline.
#include <arm_neon.h>

#include "core/gemm_kernel.h"
#include "kernels/common/simd_inline.h"

namespace myelin {
namespace neon {
namespace {

struct Simd {
  using V = float32x4_t;
  static constexpr int W = 4, kRegs = 32, kUnrollK = 2;
  static constexpr int kShapes[][2] = {{8, 8}, {8, 12}};  // 16 or 24 accumulators
  MYELIN_SIMD_INLINE static V zero() { return vdupq_n_f32(0.f); }
  MYELIN_SIMD_INLINE static V set1(float x) { return vdupq_n_f32(x); }
  MYELIN_SIMD_INLINE static V load(const float* p) { return vld1q_f32(p); }
  MYELIN_SIMD_INLINE static void store(float* p, V v) { vst1q_f32(p, v); }
  MYELIN_SIMD_INLINE static V fma(V a, V b, V c) { return vfmaq_f32(c, a, b); }
  MYELIN_SIMD_INLINE static V mul(V a, V b) { return vmulq_f32(a, b); }
  // v < 0 ? 0 : v, as act_forward's ReLU (vmaxq_f32 would turn -0 into +0)
  MYELIN_SIMD_INLINE static V relu(V v) { return vbslq_f32(vcltzq_f32(v), vdupq_n_f32(0.f), v); }
  MYELIN_SIMD_INLINE static V where_pos(V y, V v) { return vbslq_f32(vcgtzq_f32(y), v, vdupq_n_f32(0.f)); }
  // c + b * a[lane] (fmla by element), for the micro-kernel's A values (see rank1 in gemm_kernels.inc).
  static constexpr bool kLaneFma = true;
  MYELIN_SIMD_INLINE static V fma_lane(V b, V a, int lane, V c) {
    switch (lane) {  // the intrinsic wants a constant: the unrolled callers fold the switch
      case 0: return vfmaq_laneq_f32(c, b, a, 0);
      case 1: return vfmaq_laneq_f32(c, b, a, 1);
      case 2: return vfmaq_laneq_f32(c, b, a, 2);
      default: return vfmaq_laneq_f32(c, b, a, 3);
    }
  }
  // A vector load GCC must keep as one (an empty asm hides its use), not split into 4 scalar loads.
  MYELIN_SIMD_INLINE static V load_pinned(const float* p) {
    V v = vld1q_f32(p);
#if defined(__GNUC__)
    asm("" : "+w"(v));
#endif
    return v;
  }
  // No masked loads: partial vectors go through a small buffer.
  MYELIN_SIMD_INLINE static V load_n(const float* p, int n) {
    if (n >= W) return vld1q_f32(p);
    float t[W] = {0.f, 0.f, 0.f, 0.f};
    for (int i = 0; i < n; ++i) t[i] = p[i];
    return vld1q_f32(t);
  }
  MYELIN_SIMD_INLINE static void store_n(float* p, V v, int n) {
    if (n >= W) return vst1q_f32(p, v);
    float t[W];
    vst1q_f32(t, v);
    for (int i = 0; i < n; ++i) p[i] = t[i];
  }
  MYELIN_SIMD_INLINE static void transpose(V* r) {
    const float32x4x2_t a = vtrnq_f32(r[0], r[1]), b = vtrnq_f32(r[2], r[3]);
    r[0] = vcombine_f32(vget_low_f32(a.val[0]), vget_low_f32(b.val[0]));
    r[1] = vcombine_f32(vget_low_f32(a.val[1]), vget_low_f32(b.val[1]));
    r[2] = vcombine_f32(vget_high_f32(a.val[0]), vget_high_f32(b.val[0]));
    r[3] = vcombine_f32(vget_high_f32(a.val[1]), vget_high_f32(b.val[1]));
  }
};

}  // namespace

#include "kernels/common/gemm_kernels.inc"

}  // namespace neon
}  // namespace myelin
