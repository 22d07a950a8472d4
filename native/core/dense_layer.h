// One Dense layer's forward pass, y = act(x · kernel + bias), written once: training, inference and
// DeepLIFT (core/explain/deeplift.cc) all run it, so an explanation sees the outputs predict() gives.
#pragma once

#include "core/contract.h"

namespace myelin {

struct DenseLayerView {
  const float* kernel;  // in x out, row-major (Keras orientation)
  const float* bias;    // out values, or null
  int in;
  int out;
  Act act;
};

// x: rows x d.in; y: rows x d.out. z: where to keep the pre-activation (rows x d.out), or null when
// the caller needs only y (the activation is then fused into the GEMM's epilogue where that is faster).
// row_kernel: the streaming row kernel instead of GEMM (inference on a few rows: no packing, no threads).
void dense_forward(const DenseLayerView& d, const float* x, int rows, float* z, float* y, bool row_kernel = false);

}  // namespace myelin
