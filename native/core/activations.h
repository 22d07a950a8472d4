// Activation functions, forward and backward, on contiguous float32 buffers. Their ids (Act) are in
// core/contract.h, generated from native/contract.json; the math is in kernels/common/vec_kernels.inc:
// Softmax is row-wise, LeakyRelu has slope 0.2 below zero (Keras's activations.leaky_relu), Elu alpha 1,
// Gelu the exact (erf) form (Keras's default), Swish x * sigmoid(x).
#pragma once

#include <cstddef>

#include "core/contract.h"

namespace myelin {

// y = act(z) elementwise; y may alias z. Softmax is not elementwise: use act_rows.
void act_forward(Act act, const float* z, float* y, size_t n);
// In place over a rows x cols block with leading dimension ld; Softmax is applied per row.
void act_rows(Act act, float* c, int ld, int rows, int cols);

}  // namespace myelin
