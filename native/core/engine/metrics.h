// Epoch metrics: per-batch sums of per-sample values weighted by sample weight (Keras's Mean
// metrics: the epoch value is sum(value * weight) / sum(weight)).
#pragma once

#include <cstdint>
#include <vector>

namespace myelin::engine {

// Adds sum_r w_r * metric_r to sums[k] for each metric id in ids, and sum_r w_r to *weight_sum.
// Targets are dense t (rows x cols) or class indexes idx.
void accumulate_metrics(const std::vector<int>& ids, const float* p, int rows, int cols, const float* t,
                        const int32_t* idx, const float* sw, double* sums, double* weight_sum);

}  // namespace myelin::engine
