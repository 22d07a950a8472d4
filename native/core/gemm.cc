// Placeholder driver with the final contract: a plain triple loop. Replaced by the BLIS-style
// driver (packing, macro-kernel, micro-kernels per ISA, threads).
#include "core/gemm.h"

#include <cstddef>

namespace myelin {

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc, const Epilogue& ep) {
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float acc = 0.f;
      for (int p = 0; p < k; ++p) {
        const float av = trans_a ? a[static_cast<size_t>(p) * lda + i] : a[static_cast<size_t>(i) * lda + p];
        const float bv = trans_b ? b[static_cast<size_t>(j) * ldb + p] : b[static_cast<size_t>(p) * ldb + j];
        acc += av * bv;
      }
      float& out = c[static_cast<size_t>(i) * ldc + j];
      out = alpha * acc + (beta == 0.f ? 0.f : beta * out);
      if (ep.bias) out += ep.bias[j];
    }
  }
  if (ep.act != Act::Linear) act_rows(ep.act, c, ldc, m, n);
}

}  // namespace myelin
