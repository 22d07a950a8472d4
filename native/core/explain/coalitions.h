// Kernel SHAP's batched model inputs: each coalition of features is evaluated against every
// background row, so one model call covers many coalitions.
#pragma once

#include <cstdint>

namespace myelin {

// out[(c * bg_rows + b) * features + j] = masks[c * features + j] ? x[j] : background[b * features + j]
void fill_coalitions(const float* x, const float* background, int bg_rows, int features, const uint8_t* masks,
                     int n_masks, float* out);

// out[g * cols + k] = mean over the group's rows r of p[(g * group_rows + r) * cols + k]
void group_means(const float* p, int groups, int group_rows, int cols, double* out);

}  // namespace myelin
