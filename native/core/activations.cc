// The activation entry points used by the GEMM epilogue, on the active ISA's vectorized kernels.
#include "core/activations.h"

#include "core/vec.h"

namespace myelin {

void act_forward(Act act, const float* z, float* y, size_t n) {
  if (act == Act::Softmax) return;  // not elementwise: act_rows
  vec().act_forward(static_cast<int>(act), z, y, n);
}

void act_rows(Act act, float* c, int ld, int rows, int cols) {
  if (rows <= 0 || cols <= 0 || act == Act::Linear) return;
  const VecKernels& k = vec();
  if (act == Act::Softmax) {
    k.softmax_rows(c, static_cast<size_t>(ld), rows, cols);
  } else if (ld == cols) {
    k.act_forward(static_cast<int>(act), c, c, static_cast<size_t>(rows) * cols);
  } else {
    for (int r = 0; r < rows; ++r) {
      float* row = c + static_cast<size_t>(r) * ld;
      k.act_forward(static_cast<int>(act), row, row, static_cast<size_t>(cols));
    }
  }
}

}  // namespace myelin
