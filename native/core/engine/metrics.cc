#include "core/engine/metrics.h"

#include <cmath>

#include "core/engine/spec.h"

namespace myelin::engine {
namespace {

// First index of the largest value (Keras's argmax); NaN never wins.
int argmax(const float* v, int n) {
  int best = 0;
  for (int j = 1; j < n; ++j)
    if (v[j] > v[best]) best = j;
  return best;
}

}  // namespace

// Binary accuracy on dense targets: the common single-output case in one tight pass.
double binary_accuracy(const float* p, const float* t, int rows, int cols, const float* sw) {
  if (!sw) {
    const size_t n = static_cast<size_t>(rows) * cols;
    size_t hits = 0;
    for (size_t i = 0; i < n; ++i) hits += (p[i] > 0.5f ? 1.f : 0.f) == t[i];
    return static_cast<double>(hits) / cols;
  }
  double s = 0.0;
  for (int r = 0; r < rows; ++r) {
    int hits = 0;
    for (int j = 0; j < cols; ++j) {
      const size_t i = static_cast<size_t>(r) * cols + j;
      hits += (p[i] > 0.5f ? 1.f : 0.f) == t[i];
    }
    s += sw[r] * static_cast<double>(hits) / cols;
  }
  return s;
}

void accumulate_metrics(const std::vector<int>& ids, const float* p, int rows, int cols, const float* t,
                        const int32_t* idx, const float* sw, double* sums, double* weight_sum) {
  if (ids.empty()) return;
  if (ids.size() == 1 && static_cast<MetricId>(ids[0]) == MetricId::BinaryAccuracy && t) {
    sums[0] += binary_accuracy(p, t, rows, cols, sw);
    if (sw) {
      for (int r = 0; r < rows; ++r) *weight_sum += sw[r];
    } else {
      *weight_sum += rows;
    }
    return;
  }
  for (int r = 0; r < rows; ++r) {
    const float* pr = p + static_cast<size_t>(r) * cols;
    const float* tr = t ? t + static_cast<size_t>(r) * cols : nullptr;
    const double w = sw ? sw[r] : 1.0;
    *weight_sum += w;
    auto target = [&](int j) { return tr ? tr[j] : (j == idx[r] ? 1.f : 0.f); };
    for (size_t k = 0; k < ids.size(); ++k) {
      double v = 0.0;
      switch (static_cast<MetricId>(ids[k])) {
        case MetricId::BinaryAccuracy: {  // (p > 0.5) == t, averaged over outputs
          int hits = 0;
          for (int j = 0; j < cols; ++j) hits += (pr[j] > 0.5f ? 1.f : 0.f) == target(j);
          v = static_cast<double>(hits) / cols;
          break;
        }
        case MetricId::CategoricalAccuracy:
        case MetricId::SparseCategoricalAccuracy: {
          const int truth = idx ? idx[r] : argmax(tr, cols);
          v = argmax(pr, cols) == truth ? 1.0 : 0.0;
          break;
        }
        case MetricId::Mse:
        case MetricId::Mae: {
          const bool sq = static_cast<MetricId>(ids[k]) == MetricId::Mse;
          float s = 0.f;
          for (int j = 0; j < cols; ++j) {
            const float d = pr[j] - target(j);
            s += sq ? d * d : std::fabs(d);
          }
          v = s / cols;
          break;
        }
      }
      sums[k] += w * v;
    }
  }
}

}  // namespace myelin::engine
