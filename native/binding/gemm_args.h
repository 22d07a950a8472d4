// The arguments of one GEMM call from JS, checked against the buffers they point into (ops.cc's gemm, gemmAsync and
// gemmBench; gemm_testing.cc's gemmEpilogue).
#pragma once

#include <napi.h>

#include <cstddef>

#include "core/activations.h"
#include "core/gemm.h"

namespace myelin::binding {

struct GemmArgs {
  bool ta = false, tb = false;
  int m = 0, n = 0, k = 0, lda = 0, ldb = 0, ldc = 0;
  float alpha = 1.f, beta = 0.f;
  const float* a = nullptr;
  const float* b = nullptr;
  float* c = nullptr;
  const float* bias = nullptr;
  Act act = Act::Linear;

  void run() const { gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Epilogue{bias, act}); }
};

// Extent in elements of a row-major rows x cols view with leading dimension ld.
inline size_t extent(int rows, int cols, int ld) {
  return rows == 0 || cols == 0 ? 0 : static_cast<size_t>(rows - 1) * ld + cols;
}

// The product's 13 arguments: (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); no bias, Linear.
GemmArgs parse_gemm_product(const Napi::CallbackInfo& info);

}  // namespace myelin::binding
