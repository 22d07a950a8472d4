#include "core/columns.h"

namespace myelin {

void affine_columns(const float* x, size_t rows, size_t cols, const double* offset, const double* scale, bool inverse,
                    float* out) {
  for (size_t i = 0; i < rows; ++i) {
    const float* in = x + i * cols;
    float* o = out + i * cols;
    if (inverse)
      for (size_t j = 0; j < cols; ++j) o[j] = static_cast<float>(static_cast<double>(in[j]) * scale[j] + offset[j]);
    else
      for (size_t j = 0; j < cols; ++j) o[j] = static_cast<float>((static_cast<double>(in[j]) - offset[j]) / scale[j]);
  }
}

}  // namespace myelin
