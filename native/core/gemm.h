// C = act(alpha * op(A) * op(B) + beta * C + bias), float32, row-major with leading dimensions.
// op(A) is m x k, op(B) is k x n, C is m x n. BLIS-style: packing plus one register-blocked
// micro-kernel per ISA (native/kernels/<isa>/), chosen by active_isa().
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

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
  // If set: set to true when a row of C holds NaN/Infinity after the bias, before the activation, judged on one
  // column per row. Enough where a NaN/Infinity in a row of A makes that whole row of C non-finite (x·W + b:
  // NaN·w and ±Inf·w are NaN or ±Inf, and sums keep them): predict's input check, fused into the first layer.
  std::atomic<bool>* nonfinite = nullptr;
  // The backward pass's activation derivative, fused into the product that computes dA = dZ' W'^T (C), so it runs
  // on every thread while C is in cache: C := C * dact'(...) elementwise (as VecKernels::act_backward), with dact's
  // output y and, for the activations that need it, its input z stored like C (row-major, ldc). Not Softmax.
  Act dact = Act::Linear;
  const float* dact_y = nullptr;
  const float* dact_z = nullptr;
  // If set: col_sums[j] = the sum of C's column j (after dact) over its rows in order, whatever the thread count:
  // the bias gradient, the bits of VecKernels::col_sums when n > 1.
  float* col_sums = nullptr;
};

struct GemmKernels;

// B (k x n, row-major) packed once for many products with it (inference weights, as onnxruntime packs its
// constant initializers): every k block's NR-wide panels, as gemm() would pack them for the GEMM config
// current at pack() (a forced ISA or config makes it stale: fits() then says no).
class PackedB {
 public:
  void pack(const float* b, int ldb, int k, int n);
  bool fits(int k, int n) const;
  // Panels of k block p0 at data() + p0 * n_pad(); panel j (a multiple of NR) at + j * (that block's k).
  const float* data() const { return data_.get(); }
  const GemmKernels* kernels() const { return kernels_; }
  int k() const { return k_; }
  int n() const { return n_; }
  int kc() const { return kc_; }
  int n_pad() const { return n_pad_; }
  size_t floats() const { return cap_; }  // held

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, Free> data_;
  size_t cap_ = 0;
  const GemmKernels* kernels_ = nullptr;
  int k_ = 0, n_ = 0, kc_ = 0, n_pad_ = 0;
};

// Threads from the shared pool (thread_pool.h); the result is bit-identical for any thread count.
// beta == 0 means C is only written (NaN/Inf already in C do not propagate), as in BLAS.
// packed: op(B) = B packed (packed->fits(k, n)); its panels replace B's, same bits.
void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
          int ldb, float beta, float* c, int ldc, const Epilogue& ep = Epilogue(), const PackedB* packed = nullptr);

// y = x · B + bias for a few rows (x rows x k, ldx; y rows x n, ldy), streaming the packed panels (no
// packing): the same bits as gemm() with that B and bias. A large B is split by columns into `parts` (0:
// chosen from its size and the thread count) run on the pool, part 0 on the calling thread (thread_pool.h),
// so with two threads each core keeps its part of the weights in its own cache between calls.
void gemv_packed(int rows, const float* x, int ldx, const PackedB& b, const float* bias, float* y, int ldy,
                 int parts = 0);

// Tests: 0 chooses each product's path by its shape; 1 takes the small-product path (core/gemm_small.h) wherever it
// can run, 2 never (the blocked path always).
void force_gemm_path(int path);

// Frees this thread's packing buffers (they are kept between calls). Every thread that may have run a
// GEMM calls it before it ends: thread_local destructors are unsafe with MinGW (see gemm.cc).
void release_gemm_scratch();

// FP32 FMA peak in GFLOP/s of one ISA's kernel registers (independent FMA chains), best of a few
// timed rounds, on `threads` pool threads at once. For benchmarks; the ISA must be supported.
double gemm_fma_peak(Isa isa, int threads);

}  // namespace myelin
