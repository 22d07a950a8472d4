// Portable GEMM kernels: a 4x8 micro-kernel in plain C++ (the compiler may vectorize it for the
// baseline target), packing, and the FMA peak probe for that code. The fallback on CPUs without
// a SIMD path, and MYELIN_ISA=scalar.
#include "core/gemm_kernel.h"

namespace myelin {
namespace scalar {
namespace {

constexpr int MR = 4, NR = 8;

void ukr(long k, const float* a, long rs_a, long cs_a, const float* b, long rs_b, float* c, long rs_c, long cs_c,
         int mr, int nr, float alpha, float beta) {
  float acc[MR][NR] = {};
  for (long p = 0; p < k; ++p, b += rs_b) {
    for (int i = 0; i < MR; ++i) {
      const float x = a[i * rs_a + p * cs_a];
      for (int j = 0; j < NR; ++j) acc[i][j] += x * b[j];
    }
  }
  for (int i = 0; i < mr; ++i) {
    for (int j = 0; j < nr; ++j) {
      float& out = c[i * rs_c + j * cs_c];
      const float r = alpha * acc[i][j];
      out = beta == 0.f ? r : r + beta * out;
    }
  }
}

void pack_b(long k, int nr, const float* b, long rs_b, long cs_b, float* dst) {
  for (long p = 0; p < k; ++p, dst += NR) {
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
  float r[16];
  for (int i = 0; i < 16; ++i) r[i] = 0.001f * static_cast<float>(i);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 16; ++i) r[i] = r[i] * 0.999999f + 1e-6f;
  float s = 0.f;
  for (int i = 0; i < 16; ++i) s += r[i];
  volatile float sink = s;
  (void)sink;
  return static_cast<double>(iters) * 16 * 2;
}

const GemmKernels kKernels = {MR, NR, /*mc*/ 128, /*kc*/ 256, /*nc*/ 2048, ukr, pack_a, pack_b, fma_probe};

}  // namespace

const GemmKernels* gemm_kernels() { return &kKernels; }

}  // namespace scalar
}  // namespace myelin
