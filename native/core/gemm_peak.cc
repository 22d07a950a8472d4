// The FP32 FMA peak probe (gemm.h gemm_fma_peak), for benchmarks.
#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "core/gemm.h"
#include "core/gemm_config.h"
#include "core/gemm_kernel.h"
#include "core/thread_pool.h"

namespace myelin {

double gemm_fma_peak(Isa isa, int threads) {
  int count = 0;
  const GemmConfig* configs = gemm_configs(&count);
  const GemmConfig* cfg = std::find_if(configs, configs + count, [&](const GemmConfig& c) { return c.isa == isa; });
  if (cfg == configs + count) throw std::runtime_error(std::string("ISA ") + isa_name(isa) + " is not supported");
  const GemmKernels& K = *cfg->kernels;
  double best = 0.0;
  ptrdiff_t iters = 1 << 16;
  for (int round = 0; round < 8; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    double flops = 0.0;
    if (threads <= 1) {
      flops = K.fma_probe(iters);
    } else {
      double per[64] = {};
      const int t = std::min(threads, 64);
      parallel_for(t, [&](int i) { per[i] = K.fma_probe(iters); });
      for (int i = 0; i < t; ++i) flops += per[i];
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < 0.02) {  // too short to time: grow and retry
      iters *= 4;
      --round;
      continue;
    }
    best = std::max(best, flops / s * 1e-9);
  }
  return best;
}

}  // namespace myelin
