// C = act(alpha * op(A) * op(B) + beta * C + bias), float32, row-major with leading dimensions.
// op(A) is m x k, op(B) is k x n, C is m x n. BLIS-style: packing plus one register-blocked
// micro-kernel per ISA (native/kernels/<isa>/), chosen by active_isa().
#pragma once

#include "core/activations.h"
#include "core/isa.h"

namespace myelin {

struct Epilogue {
  const float* bias = nullptr;  // n values added to every row, or null
  Act act = Act::Linear;        // applied after the bias (Softmax: per row)
  // Called, if set, on each block of C once it is final (after bias and act): rows [r0, r0 + rows), columns
  // [c0, c0 + cols), on the thread that computed it while the block is still in its caches. Blocks depend on
  // the thread count: what it does to each element must not depend on its neighbours (the fused optimizer step).
  void (*done)(void* ctx, int r0, int rows, int c0, int cols) = nullptr;
  void* ctx = nullptr;
};

// Threads from the shared pool (thread_pool.h); the result is bit-identical for any thread count.
// beta == 0 means C is only written (NaN/Inf already in C do not propagate), as in BLAS.
void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
          int ldb, float beta, float* c, int ldc, const Epilogue& ep = Epilogue());

// Frees this thread's packing buffers (they are kept between calls). Every thread that may have run a
// GEMM calls it before it ends: thread_local destructors are unsafe with MinGW (see gemm.cc).
void release_gemm_scratch();

// FP32 FMA peak in GFLOP/s of one ISA's kernel registers (independent FMA chains), best of a few
// timed rounds, on `threads` pool threads at once. For benchmarks; the ISA must be supported.
double gemm_fma_peak(Isa isa, int threads);

}  // namespace myelin
