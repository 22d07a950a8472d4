// NEON (arm64) GEMM kernels: an 8x8 micro-kernel (16 q-register accumulators, two B vectors and
// eight scalar multipliers per k step), packing, and the FMA peak probe. Compiled on arm64 only,
// where NEON is baseline; plain arm_neon.h intrinsics and C, nothing shared with other files.
#include <arm_neon.h>

#include "core/gemm_kernel.h"

namespace myelin {
namespace neon {
namespace {

constexpr int MR = 8, NR = 8;

void ukr(long k, const float* a, long rs_a, long cs_a, const float* b, long rs_b, float* c, long rs_c, long cs_c,
         int mr, int nr, float alpha, float beta) {
  float32x4_t acc[MR][2];
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = vdupq_n_f32(0.f);
  for (long p = 0; p < k; ++p, b += rs_b) {
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4);
    const float* ap = a + p * cs_a;
    for (int i = 0; i < MR; ++i) {
      const float x = ap[i * rs_a];
      acc[i][0] = vfmaq_n_f32(acc[i][0], b0, x);
      acc[i][1] = vfmaq_n_f32(acc[i][1], b1, x);
    }
  }
  // Through a scratch tile for every shape, so all elements see the same arithmetic.
  float t[MR * NR];
  const float32x4_t va = vdupq_n_f32(alpha), vb = vdupq_n_f32(beta);
  for (int i = 0; i < MR; ++i) {
    float32x4_t r0 = vmulq_f32(va, acc[i][0]), r1 = vmulq_f32(va, acc[i][1]);
    if (beta != 0.f) {
      float old[NR] = {};
      if (i < mr)
        for (int j = 0; j < nr; ++j) old[j] = c[i * rs_c + j * cs_c];
      r0 = vfmaq_f32(r0, vb, vld1q_f32(old));
      r1 = vfmaq_f32(r1, vb, vld1q_f32(old + 4));
    }
    vst1q_f32(t + i * NR, r0);
    vst1q_f32(t + i * NR + 4, r1);
  }
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) c[i * rs_c + j * cs_c] = t[i * NR + j];
}

void pack_b(long k, int nr, const float* b, long rs_b, long cs_b, float* dst) {
  for (long p = 0; p < k; ++p, dst += NR) {
    if (cs_b == 1 && nr == NR) {
      vst1q_f32(dst, vld1q_f32(b + p * rs_b));
      vst1q_f32(dst + 4, vld1q_f32(b + p * rs_b + 4));
      continue;
    }
    int j = 0;
    for (; j < nr; ++j) dst[j] = b[p * rs_b + j * cs_b];
    for (; j < NR; ++j) dst[j] = 0.f;
  }
}

void pack_a(long k, int mr, const float* a, long rs_a, long cs_a, float* dst) {
  for (long p = 0; p < k; ++p, dst += MR) {
    int i = 0;
    for (; i < mr; ++i) dst[i] = a[i * rs_a + p * cs_a];
    for (; i < MR; ++i) dst[i] = 0.f;
  }
}

double fma_probe(long iters) {
  float32x4_t r[16];
  for (int i = 0; i < 16; ++i) r[i] = vdupq_n_f32(0.001f * static_cast<float>(i));
  const float32x4_t x = vdupq_n_f32(0.999999f), y = vdupq_n_f32(1e-6f);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 16; ++i) r[i] = vfmaq_f32(y, r[i], x);
  float32x4_t s = r[0];
  for (int i = 1; i < 16; ++i) s = vaddq_f32(s, r[i]);
  volatile float sink = vgetq_lane_f32(s, 0);
  (void)sink;
  return static_cast<double>(iters) * 16 * 4 * 2;
}

const GemmKernels kKernels = {MR, NR, /*mc*/ 128, /*kc*/ 256, /*nc*/ 4096, ukr, pack_a, pack_b, fma_probe};

}  // namespace

const GemmKernels* gemm_kernels() { return &kKernels; }

}  // namespace neon
}  // namespace myelin
