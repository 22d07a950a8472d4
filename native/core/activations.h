// Activation functions, forward and backward, on contiguous float32 buffers. The numeric ids are
// shared with lib/ (keep lib/engine/ids.ts in step).
#pragma once

#include <cstddef>

namespace myelin {

enum class Act : int {
  Linear = 0,
  Relu = 1,
  Sigmoid = 2,
  Tanh = 3,
  Softmax = 4,    // row-wise
  LeakyRelu = 5,  // slope 0.2 below zero (Keras's activations.leaky_relu)
  Elu = 6,        // alpha 1
  Gelu = 7,       // exact (erf) form, Keras's default
  Swish = 8,      // x * sigmoid(x)
};
constexpr int kActCount = 9;

// y = act(z) elementwise; y may alias z. Softmax is not elementwise: use act_rows.
void act_forward(Act act, const float* z, float* y, size_t n);
// In place over a rows x cols block with leading dimension ld; Softmax is applied per row.
void act_rows(Act act, float* c, int ld, int rows, int cols);

}  // namespace myelin
