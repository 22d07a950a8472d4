// One Dense layer's forward pass, y = act(x · kernel + bias), written once: training, inference and
// DeepLIFT (core/explain/deeplift.cc) all run it, so an explanation sees the outputs predict() gives.
#pragma once

#include <atomic>

#include "core/contract.h"
#include "core/gemm.h"

namespace myelin {

struct DenseLayerView {
  const float* kernel;  // in x out, row-major (Keras orientation)
  const float* bias;    // out values, or null
  int in;
  int out;
  Act act;
  const PackedB* packed = nullptr;  // the kernel packed for GEMM (inference), or null
  // If set: set to true when a row of x holds NaN/Infinity (also when a row of x · kernel + bias overflows to
  // one: callers confirm on x). Fused into the GEMM's epilogue (gemm.h Epilogue::nonfinite), so x is read once.
  std::atomic<bool>* nonfinite = nullptr;
};

// x: rows x d.in; y: rows x d.out. z: where to keep the pre-activation (rows x d.out), or null when
// the caller needs only y (the activation is then fused into the GEMM's epilogue where that is faster).
// row_kernel: a few rows of inference with the kernel packed: gemv_packed, the GEMM's bits.
void dense_forward(const DenseLayerView& d, const float* x, int rows, float* z, float* y, bool row_kernel = false);

}  // namespace myelin
