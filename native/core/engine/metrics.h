// Epoch metrics, accumulated over every batch of an epoch and reduced once at its end, as Keras does:
// mean metrics keep sum(value * weight) and sum(weight); confusion metrics (precision, recall, AUC, F1)
// keep weighted counts; R² keeps per-output sums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace myelin::engine {

class MetricSet {
 public:
  // ids: MetricId values; args: two options per metric (see native/contract.json), or empty for defaults.
  MetricSet(const std::vector<int>& ids, const std::vector<float>& args, int cols);
  void reset();
  // One batch: predictions p (rows x cols), targets dense t (rows x cols) or class indexes idx.
  void add(const float* p, int rows, const float* t, const int32_t* idx, const float* sw);
  size_t size() const { return ids_.size(); }
  double result(size_t k) const;

 private:
  void add_row(size_t k, const float* pr, const float* tr, int truth, double w);
  double auc(size_t k) const;
  std::vector<int> ids_;
  std::vector<float> args_;  // two per metric
  int cols_;
  std::vector<std::vector<double>> st_;         // per metric: its accumulated statistics
  std::vector<std::vector<float>> thresholds_;  // per AUC metric: Keras's thresholds, in float32
  double weight_sum_ = 0.0;
};

}  // namespace myelin::engine
