// Column-wise transforms of row-major float32 data (feature scaling), on the hot path of predict for
// models that carry their preprocessing.
#pragma once

#include <cstddef>

namespace myelin {

// out[i][j] = (x[i][j] - offset[j]) / scale[j], or x[i][j] * scale[j] + offset[j] when inverse;
// computed in double, as the statistics are kept, and stored as float. out may alias x.
void affine_columns(const float* x, size_t rows, size_t cols, const double* offset, const double* scale, bool inverse,
                    float* out);

}  // namespace myelin
