#include "core/dense_layer.h"

#include <algorithm>
#include <cstddef>

#include "core/finite.h"
#include "core/gemm.h"
#include "core/vec.h"

namespace myelin {

void dense_forward(const DenseLayerView& d, const float* x, int rows, float* z, float* y, bool row_kernel) {
  if (rows <= 0) return;
  const VecKernels& k = vec();
  const size_t n = static_cast<size_t>(rows) * d.out;
  // Narrow layers: the GEMM epilogue would apply the activation row by row, a call per few values;
  // one call over the whole block is faster.
  const bool narrow = d.out < 16 && d.act != Act::Softmax;
  const bool rows_path = row_kernel && d.packed && d.packed->fits(d.in, d.out);
  Epilogue ep;
  ep.bias = d.bias;
  ep.nonfinite = d.nonfinite;
  if (!z && !rows_path && !narrow) {
    ep.act = d.act;
    gemm(false, false, rows, d.out, d.in, 1.f, x, d.in, d.kernel, d.out, 0.f, y, d.out, ep, d.packed);
    return;
  }
  float* pre = z ? z : y;
  if (rows_path) {
    gemv_packed(rows, x, d.in, *d.packed, d.bias, pre, d.out);
    // A NaN/Infinity in a row of x makes all its outputs NaN/Infinity (each sums a term of it): check the outputs,
    // fewer than the inputs in most networks (W3: 256 against 784); the caller confirms on x, as for the GEMM's.
    if (d.nonfinite && first_non_finite(pre, n) >= 0) d.nonfinite->store(true);
  } else {
    gemm(false, false, rows, d.out, d.in, 1.f, x, d.in, d.kernel, d.out, 0.f, pre, d.out, ep, d.packed);
  }
  if (d.act == Act::Softmax) {
    if (pre != y) std::copy(pre, pre + n, y);
    k.softmax_rows(y, static_cast<size_t>(d.out), rows, d.out);
  } else {
    k.act_forward(static_cast<int>(d.act), pre, y, n);
  }
}

}  // namespace myelin
