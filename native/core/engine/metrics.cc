#include "core/engine/metrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/engine/spec.h"

namespace myelin::engine {
namespace {

constexpr double kEps = 1e-7;  // Keras's backend.epsilon()

// First index of the largest value (Keras's argmax); NaN never wins.
int argmax(const float* v, int n) {
  int best = 0;
  for (int j = 1; j < n; ++j)
    if (v[j] > v[best]) best = j;
  return best;
}

double div_no_nan(double a, double b) { return b == 0.0 ? 0.0 : a / b; }

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

}  // namespace

// Statistics kept per metric: mean metrics {sum}; precision/recall {tp, fp, fn}; auc {positives,
// negatives} per bucket (n + 1 buckets: how many thresholds a prediction exceeds); f1 {tp, fp, fn,
// support} per class; r2 {sum y, sum y², sum of squared residuals, weight} per output.
MetricSet::MetricSet(const std::vector<int>& ids, const std::vector<float>& args, int cols)
    : ids_(ids), args_(args), cols_(cols), st_(ids.size()), thresholds_(ids.size()) {
  if (args_.empty()) {  // defaults
    for (int id : ids) {
      const MetricId m = static_cast<MetricId>(id);
      args_.push_back(m == MetricId::TopKCategoricalAccuracy ? 5.f : m == MetricId::Auc ? 0.f : 0.5f);
      args_.push_back(m == MetricId::Auc ? 200.f : 0.f);
    }
  }
  if (args_.size() != 2 * ids.size()) throw std::invalid_argument("metricArgs must hold two numbers per metric");
  for (size_t k = 0; k < ids.size(); ++k) {
    size_t n = 1;
    switch (static_cast<MetricId>(ids[k])) {
      case MetricId::Precision:
      case MetricId::Recall: n = 3; break;
      case MetricId::Auc: {
        const int t = static_cast<int>(args_[2 * k + 1]);
        if (t < 2 || t > 100000) throw std::invalid_argument("auc: numThresholds must be in [2, 100000]");
        n = 2 * static_cast<size_t>(t + 1);
        // Keras: thresholds i / (t - 1) for i in 1..t-2, with -eps and 1 + eps at the ends, in float32.
        std::vector<float>& th = thresholds_[k];
        th.resize(t);
        th[0] = static_cast<float>(-kEps);
        for (int i = 1; i < t - 1; ++i) th[i] = static_cast<float>(static_cast<double>(i) / (t - 1));
        th[t - 1] = static_cast<float>(1.0 + kEps);
        break;
      }
      case MetricId::F1Score:
      case MetricId::R2Score: n = 4 * static_cast<size_t>(cols); break;
      default: break;
    }
    st_[k].assign(n, 0.0);
  }
}

void MetricSet::reset() {
  for (auto& s : st_) std::fill(s.begin(), s.end(), 0.0);
  weight_sum_ = 0.0;
}

void MetricSet::add(const float* p, int rows, const float* t, const int32_t* idx, const float* sw) {
  if (ids_.empty()) return;
  if (ids_.size() == 1 && static_cast<MetricId>(ids_[0]) == MetricId::BinaryAccuracy && t) {
    st_[0][0] += binary_accuracy(p, t, rows, cols_, sw);
    if (sw) {
      for (int r = 0; r < rows; ++r) weight_sum_ += sw[r];
    } else {
      weight_sum_ += rows;
    }
    return;
  }
  std::vector<float> onehot(t ? 0 : cols_);
  for (int r = 0; r < rows; ++r) {
    const float* pr = p + static_cast<size_t>(r) * cols_;
    const float* tr = t ? t + static_cast<size_t>(r) * cols_ : onehot.data();
    if (!t) {
      std::fill(onehot.begin(), onehot.end(), 0.f);
      if (idx[r] >= 0 && idx[r] < cols_) onehot[idx[r]] = 1.f;
    }
    const double w = sw ? sw[r] : 1.0;
    weight_sum_ += w;
    const int truth = idx ? idx[r] : argmax(tr, cols_);
    for (size_t k = 0; k < ids_.size(); ++k) add_row(k, pr, tr, truth, w);
  }
}

void MetricSet::add_row(size_t k, const float* pr, const float* tr, int truth, double w) {
  double* s = st_[k].data();
  const float a0 = args_[2 * k], a1 = args_[2 * k + 1];
  const int cols = cols_;
  switch (static_cast<MetricId>(ids_[k])) {
    case MetricId::BinaryAccuracy: {  // (p > 0.5) == t, averaged over outputs
      int hits = 0;
      for (int j = 0; j < cols; ++j) hits += (pr[j] > 0.5f ? 1.f : 0.f) == tr[j];
      s[0] += w * hits / cols;
      break;
    }
    case MetricId::CategoricalAccuracy:
    case MetricId::SparseCategoricalAccuracy: s[0] += argmax(pr, cols) == truth ? w : 0.0; break;
    case MetricId::TopKCategoricalAccuracy: {  // in the top k: fewer than k outputs score higher (ties count in)
      int above = 0;
      for (int j = 0; j < cols; ++j) above += pr[j] > pr[truth];
      s[0] += above < static_cast<int>(a0) && truth >= 0 && truth < cols ? w : 0.0;
      break;
    }
    case MetricId::Mse:
    case MetricId::Mae: {
      const bool sq = static_cast<MetricId>(ids_[k]) == MetricId::Mse;
      float e = 0.f;
      for (int j = 0; j < cols; ++j) {
        const float d = pr[j] - tr[j];
        e += sq ? d * d : std::fabs(d);
      }
      s[0] += w * e / cols;
      break;
    }
    case MetricId::Precision:
    case MetricId::Recall:  // every output is a binary decision (Keras flattens): a target is positive if != 0
      for (int j = 0; j < cols; ++j) {
        const bool pos = tr[j] != 0.f, yes = pr[j] > a0;
        s[0] += pos && yes ? w : 0.0;
        s[1] += !pos && yes ? w : 0.0;
        s[2] += pos && !yes ? w : 0.0;
      }
      break;
    case MetricId::Auc: {  // bucket c = how many thresholds the prediction exceeds (NaN exceeds none)
      const int n = static_cast<int>(a1);
      const float* th = thresholds_[k].data();
      for (int j = 0; j < cols; ++j) {
        const float v = pr[j];
        int c = 0;
        if (v > th[0]) {
          c = std::clamp(static_cast<int>(std::ceil(static_cast<double>(v) * (n - 1))), 1, n);
          while (c < n && v > th[c]) ++c;
          while (c > 1 && !(v > th[c - 1])) --c;
        }
        s[2 * c + (tr[j] != 0.f ? 0 : 1)] += w;
      }
      break;
    }
    case MetricId::F1Score: {  // Keras: threshold, or 1 for the row's maxima (ties all count)
      const float mx = *std::max_element(pr, pr + cols);
      for (int j = 0; j < cols; ++j) {
        const double yp = a0 < 0.f ? (pr[j] == mx ? 1.0 : 0.0) : (pr[j] > a0 ? 1.0 : 0.0);
        const double yt = tr[j];
        s[4 * j] += w * yp * yt;
        s[4 * j + 1] += w * yp * (1.0 - yt);
        s[4 * j + 2] += w * (1.0 - yp) * yt;
        s[4 * j + 3] += w * yt;
      }
      break;
    }
    case MetricId::R2Score:
      for (int j = 0; j < cols; ++j) {
        const double yt = tr[j], d = yt - pr[j];
        s[4 * j] += w * yt;
        s[4 * j + 1] += w * yt * yt;
        s[4 * j + 2] += w * d * d;
        s[4 * j + 3] += w;
      }
      break;
  }
}

// Keras's AUC.result(): ROC by the trapezoid rule over (fpr, tpr) at each threshold; PR by Davis &
// Goadrich's interpolation (interpolate_pr_auc), with divide_no_nan wherever Keras uses it.
double MetricSet::auc(size_t k) const {
  const std::vector<double>& s = st_[k];
  const int n = static_cast<int>(args_[2 * k + 1]);
  const bool pr_curve = args_[2 * k] != 0.f;
  std::vector<double> tp(n), fp(n);
  double pos = 0.0, neg = 0.0;  // weight of predictions above threshold i: buckets c > i
  for (int c = n; c >= 1; --c) {
    pos += s[2 * c];
    neg += s[2 * c + 1];
    tp[c - 1] = pos;
    fp[c - 1] = neg;
  }
  const double all_pos = pos + s[0], all_neg = neg + s[1];
  double area = 0.0;
  if (pr_curve) {
    for (int i = 0; i + 1 < n; ++i) {
      const double dtp = tp[i] - tp[i + 1];
      const double p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1];
      const double slope = div_no_nan(dtp, std::max(p0 - p1, 0.0));
      const double intercept = tp[i + 1] - slope * p1;
      const double ratio = p0 > 0 && p1 > 0 ? div_no_nan(p0, std::max(p1, 0.0)) : 1.0;
      area += div_no_nan(slope * (dtp + intercept * std::log(ratio)), all_pos);
    }
    return area;
  }
  for (int i = 0; i + 1 < n; ++i) {
    const double x0 = div_no_nan(fp[i], all_neg), x1 = div_no_nan(fp[i + 1], all_neg);
    const double y0 = div_no_nan(tp[i], all_pos), y1 = div_no_nan(tp[i + 1], all_pos);
    area += (x0 - x1) * (y0 + y1) / 2;
  }
  return area;
}

double MetricSet::result(size_t k) const {
  const std::vector<double>& s = st_[k];
  switch (static_cast<MetricId>(ids_[k])) {
    case MetricId::Precision: return div_no_nan(s[0], s[0] + s[1]);
    case MetricId::Recall: return div_no_nan(s[0], s[0] + s[2]);
    case MetricId::Auc: return auc(k);
    case MetricId::F1Score: {  // Keras 3 FBetaScore.result with beta = 1
      const int avg = static_cast<int>(args_[2 * k + 1]);
      auto f1 = [](double tp, double fp, double fn) {
        const double p = tp / (tp + fp + kEps), r = tp / (tp + fn + kEps);
        return 2 * p * r / (p + r + kEps);
      };
      double tp = 0, fp = 0, fn = 0, sum = 0, support = 0;
      for (int j = 0; j < cols_; ++j) {
        const double* c = s.data() + 4 * j;
        tp += c[0], fp += c[1], fn += c[2];
        sum += avg == 2 ? f1(c[0], c[1], c[2]) * c[3] : f1(c[0], c[1], c[2]);
        support += c[3];
      }
      return avg == 1 ? f1(tp, fp, fn) : avg == 2 ? sum / support : sum / cols_;
    }
    case MetricId::R2Score: {  // Keras R2Score, uniform average over outputs; an infinite score counts 0
      double sum = 0.0;
      for (int j = 0; j < cols_; ++j) {
        const double* c = s.data() + 4 * j;
        const double total = c[1] - c[0] * (c[0] / c[3]);
        const double r2 = 1.0 - c[2] / total;
        sum += std::isinf(r2) ? 0.0 : r2;
      }
      return sum / cols_;
    }
    default: return s[0] / weight_sum_;
  }
}

}  // namespace myelin::engine
