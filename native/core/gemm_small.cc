#include "core/gemm_small.h"

#include <atomic>
#include <cstdint>

#include "core/gemm.h"

namespace myelin {
namespace {

// Up to these sizes the small path wins (W2's products are 32 x 16 x 16 and 16 x 16 x 32): B (n x k floats, 16 KiB)
// stays in L1 while the rows of A stream past it, and the product is below one thread's share
// (gemm.cc kMinFlopsPerThread), so the blocked path would not use the pool either.
constexpr int kSmallB = 4096;
constexpr int64_t kSmallVolume = 65536;

std::atomic<int> g_path{0};  // force_gemm_path

}  // namespace

void force_gemm_path(int path) { g_path.store(path); }

bool small_product(int m, int n, int k, int kc) {
  const int path = g_path.load(std::memory_order_relaxed);
  if (path == 2 || k > kc || static_cast<int64_t>(n) * k > kSmallB) return false;
  return path == 1 || static_cast<int64_t>(m) * n * k <= kSmallVolume;
}

bool small_swapped(const GemmKernels& K, int m, int n, bool trans_a) { return trans_a && n < K.w && m > n; }

void gemm_small(const GemmKernels& K, int m, int n, int k, const float* a, ptrdiff_t rs_a, ptrdiff_t cs_a,
                const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha,
                float beta, const TileEpilogue* ep) {
  // B's rows, when they are not contiguous (a transposed B: dZ W^T): through the kernels' W x W transposes (pack_b:
  // rows of NR floats) when one panel holds them, else one by one. small_product keeps n * k <= kSmallB.
  float rows[kSmallB];
  if (cs_b != 1) {
    if (n <= K.nr && k * K.nr <= kSmallB) {
      K.pack_b(k, n, b, rs_b, cs_b, rows);
      rs_b = K.nr;
    } else {
      for (int p = 0; p < k; ++p)
        for (int j = 0; j < n; ++j) rows[p * n + j] = b[p * rs_b + j * cs_b];
      rs_b = n;
    }
    b = rows;
  }
  K.small(m, n, k, a, rs_a, cs_a, b, rs_b, c, rs_c, cs_c, alpha, beta, ep);
}

}  // namespace myelin
