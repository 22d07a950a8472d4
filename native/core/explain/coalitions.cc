#include "core/explain/coalitions.h"

#include <cstddef>
#include <algorithm>
#include <cstring>
#include <vector>

namespace myelin {

void fill_coalitions(const float* x, const float* background, int bg_rows, int features, const uint8_t* masks,
                     int n_masks, float* out) {
  const size_t block = static_cast<size_t>(bg_rows) * features;
  for (int c = 0; c < n_masks; ++c) {
    float* o = out + c * block;
    std::memcpy(o, background, block * sizeof(float));
    const uint8_t* mask = masks + static_cast<size_t>(c) * features;
    for (int j = 0; j < features; ++j) {
      if (!mask[j]) continue;
      for (int b = 0; b < bg_rows; ++b) o[static_cast<size_t>(b) * features + j] = x[j];
    }
  }
}

void group_means(const float* p, int groups, int group_rows, int cols, double* out) {
  std::vector<double> acc(cols);
  for (int g = 0; g < groups; ++g) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int r = 0; r < group_rows; ++r) {
      const float* row = p + (static_cast<size_t>(g) * group_rows + r) * cols;
      for (int k = 0; k < cols; ++k) acc[k] += row[k];
    }
    for (int k = 0; k < cols; ++k) out[static_cast<size_t>(g) * cols + k] = acc[k] / group_rows;
  }
}

}  // namespace myelin
