// DeepSHAP over dense layers, batched: the background and the explained rows are each forwarded
// once; then, per explained row, the multipliers of all (output, reference) pairs travel back
// together as one matrix, so each layer's backward step is a single GEMM.
#include "core/explain/deeplift.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/dense_layer.h"
#include "core/explain/softmax_rules.h"
#include "core/gemm.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace myelin {
namespace {

using namespace softmax_rules;  // kTinyIn, SoftmaxSide and the rules

// Pre-activations and activations of every layer for a block of rows, as the engine computes them
// (dense_forward: explained outputs are predict()'s); elementwise layers also keep their activation's
// derivative (the engine's act_backward, core/vec.h), softmax layers the max-centered exponentials,
// their row sums and maxima in double, which the softmax rules need.
struct Trace {
  std::vector<std::vector<float>> z, a, e, g;
  std::vector<std::vector<double>> sum, max;
};

// The softmax rules' view of one softmax layer: exp(z - max z) per unit, and per row its sum and max.
void softmax_terms(const float* z, int rows, int units, float* e, double* sum, double* max) {
  for (int r = 0; r < rows; ++r) {
    const size_t o = static_cast<size_t>(r) * units;
    const float m = *std::max_element(z + o, z + o + units);
    double s = 0;
    for (int j = 0; j < units; ++j) s += (e[o + j] = std::exp(z[o + j] - m));
    sum[r] = s;
    max[r] = m;
  }
}

Trace forward(const std::vector<DenseLayerView>& layers, const float* x, int rows) {
  Trace t;
  const size_t L = layers.size();
  t.z.resize(L), t.a.resize(L), t.e.resize(L), t.g.resize(L), t.sum.resize(L), t.max.resize(L);
  const float* in = x;
  for (size_t l = 0; l < L; ++l) {
    const DenseLayerView& d = layers[l];
    const size_t n = static_cast<size_t>(rows) * d.out;
    t.z[l].resize(n), t.a[l].resize(n);
    dense_forward(d, in, rows, t.z[l].data(), t.a[l].data());
    if (d.act == Act::Softmax) {
      t.e[l].resize(n), t.sum[l].resize(rows), t.max[l].resize(rows);
      softmax_terms(t.z[l].data(), rows, d.out, t.e[l].data(), t.sum[l].data(), t.max[l].data());
    } else if (d.act != Act::Linear) {
      t.g[l].assign(n, 1.f);
      vec().act_backward(static_cast<int>(d.act), t.a[l].data(), t.z[l].data(), t.g[l].data(), rows, d.out, nullptr);
    }
    in = t.a[l].data();
  }
  return t;
}

// Rescale rule of an elementwise nonlinearity for one (row, reference) pair: multiplier dy/dz, or
// where |dz| is tiny the derivative at the reference, gr (SHAP reads its multipliers off the
// reference half of its batch).
void rescale_ratios(const float* zx, const float* ax, const float* zr, const float* ar, const float* gr, int units,
                    float* ratio) {
  for (int j = 0; j < units; ++j) {
    const double dz = static_cast<double>(zx[j]) - zr[j];
    ratio[j] = std::fabs(dz) < kTinyIn ? gr[j] : static_cast<float>((static_cast<double>(ax[j]) - ar[j]) / dz);
  }
}

SoftmaxSide side(const Trace& t, size_t l, int row, int units) {
  const size_t o = static_cast<size_t>(row) * units;
  return {t.z[l].data() + o, t.e[l].data() + o, t.sum[l][row], t.max[l][row]};
}

// Scratch for explaining one row; one per concurrent task.
struct Workspace {
  std::vector<float> g, h, ratio, diff;
  std::vector<double> soft;     // softmax_ratios per reference, at the layer's ratio offset
  std::vector<double> shapley;  // Shapley-rule multipliers per reference (K x K per layer)
  std::vector<float> coalitions, phi;
  std::vector<double> sums;
  std::vector<double> acc;
};

class DeepShap {
 public:
  DeepShap(const std::vector<DenseLayerView>& layers, const float* x, int rows, const float* bg, int bg_rows,
           const DeepShapOutput& out, SoftmaxRule softmax)
      : layers_(layers), x_(x), rows_(rows), bg_(bg), nb_(bg_rows), out_(out) {
    features_ = layers.front().in;
    outputs_ = layers.back().out;
    for (const auto& d : layers) {
      max_width_ = std::max({max_width_, d.in, d.out});
      ratio_offset_.push_back(ratio_width_);
      ratio_width_ += d.out;
      rule_.push_back(d.act != Act::Softmax                                         ? SoftmaxRule::ShiftInvariant
                      : softmax == SoftmaxRule::Shapley && d.out > kMaxShapleyUnits ? SoftmaxRule::ShiftInvariant
                                                                                    : softmax);
      shapley_offset_.push_back(shapley_width_);
      coef_.emplace_back();
      if (d.act == Act::Softmax && rule_.back() == SoftmaxRule::Shapley) {
        shapley_width_ += d.out * d.out;
        coef_.back() = shapley_coefficients(d.out);
      }
    }
    // Outputs handled per backward pass: bounded so one multiplier matrix stays under ~32 MB.
    const size_t budget = size_t{8} << 20;
    chunk_ = static_cast<int>(std::clamp<size_t>(budget / (static_cast<size_t>(nb_) * max_width_), 1, outputs_));
  }

  void run() {
    tr_ = forward(layers_, bg_, nb_);
    tx_ = forward(layers_, x_, rows_);
    const std::vector<float>& ax = tx_.a.back();
    std::copy(ax.begin(), ax.end(), out_.output);
    const std::vector<float>& ab = tr_.a.back();
    for (int k = 0; k < outputs_; ++k) {
      double s = 0;
      for (int b = 0; b < nb_; ++b) s += ab[static_cast<size_t>(b) * outputs_ + k];
      out_.expected[k] = s / nb_;
    }
    // Several rows at once, each task single-threaded (nested GEMMs run inline), or one row at a
    // time with the GEMMs spread over the pool when there are fewer rows than threads.
    // Tasks are also capped so their scratch stays under ~512 MB on many-core machines.
    const int threads = num_threads();
    const size_t scratch =
        sizeof(float) * (2 * static_cast<size_t>(chunk_) * nb_ * max_width_ +
                         static_cast<size_t>(nb_) * (9 * ratio_width_ + features_ + 2 * shapley_width_) +
                         (shapley_width_ ? size_t{1} << 22 : 0));
    const int affordable = static_cast<int>(std::max<size_t>(1, (size_t{512} << 20) / std::max<size_t>(scratch, 1)));
    const int tasks = rows_ >= threads ? std::min(threads, affordable) : 1;
    std::vector<Workspace> ws(tasks);
    parallel_for(tasks, [&](int t) {
      for (int i = t; i < rows_; i += tasks) explain_row(i, ws[t]);
    });
  }

 private:
  void explain_row(int i, Workspace& w) {
    const size_t L = layers_.size();
    const size_t pair_rows = static_cast<size_t>(chunk_) * nb_;
    w.g.resize(pair_rows * max_width_);
    w.h.resize(pair_rows * max_width_);
    w.ratio.resize(static_cast<size_t>(nb_) * ratio_width_);
    w.soft.resize(4 * static_cast<size_t>(nb_) * ratio_width_);
    w.shapley.resize(static_cast<size_t>(nb_) * shapley_width_);
    w.diff.resize(static_cast<size_t>(nb_) * features_);
    w.acc.resize(features_);

    // Per reference: the rescale multipliers of every elementwise layer, and x - reference.
    for (int b = 0; b < nb_; ++b) {
      for (size_t l = 0; l < L; ++l) {
        const DenseLayerView& d = layers_[l];
        if (d.act == Act::Linear) continue;
        if (d.act == Act::Softmax) {
          if (rule_[l] == SoftmaxRule::ShiftInvariant)
            softmax_ratios(side(tx_, l, i, d.out), side(tr_, l, b, d.out), d.out, soft(w, b, l));
          continue;
        }
        const size_t ox = static_cast<size_t>(i) * d.out, ob = static_cast<size_t>(b) * d.out;
        rescale_ratios(tx_.z[l].data() + ox, tx_.a[l].data() + ox, tr_.z[l].data() + ob, tr_.a[l].data() + ob,
                       tr_.g[l].data() + ob, d.out, ratio(w, b, l));
      }
      const float* xi = x_ + static_cast<size_t>(i) * features_;
      const float* rb = bg_ + static_cast<size_t>(b) * features_;
      float* db = w.diff.data() + static_cast<size_t>(b) * features_;
      for (int j = 0; j < features_; ++j) db[j] = xi[j] - rb[j];
    }
    for (size_t l = 0; l < L; ++l)
      if (layers_[l].act == Act::Softmax && rule_[l] == SoftmaxRule::Shapley) shapley_multipliers(l, i, w);

    for (int k0 = 0; k0 < outputs_; k0 += chunk_) {
      const int kc = std::min(chunk_, outputs_ - k0);
      const int m = kc * nb_;  // multiplier rows, ordered (output, reference)
      // Seed: the multiplier of output k w.r.t. itself is 1; take it through the last activation.
      float* g = w.g.data();
      float* h = w.h.data();
      std::fill(g, g + static_cast<size_t>(m) * outputs_, 0.f);
      for (int kk = 0; kk < kc; ++kk)
        for (int b = 0; b < nb_; ++b) g[(static_cast<size_t>(kk) * nb_ + b) * outputs_ + k0 + kk] = 1.f;
      apply_activation(L - 1, i, m, g, w);
      for (size_t l = L; l-- > 0;) {
        const DenseLayerView& d = layers_[l];
        // Linear layers take the gradient: multipliers w.r.t. the input = g · kernelᵀ.
        gemm(false, true, m, d.in, d.out, 1.f, g, d.out, d.kernel, d.out, 0.f, h, d.in);
        std::swap(g, h);
        if (l > 0) apply_activation(l - 1, i, m, g, w);
      }
      // phi = mean over references of multiplier · (x - reference).
      for (int kk = 0; kk < kc; ++kk) {
        std::fill(w.acc.begin(), w.acc.end(), 0.0);
        double* acc = w.acc.data();
        for (int b = 0; b < nb_; ++b) {
          const float* gr = g + (static_cast<size_t>(kk) * nb_ + b) * features_;
          const float* db = w.diff.data() + static_cast<size_t>(b) * features_;
          for (int j = 0; j < features_; ++j) acc[j] += static_cast<double>(gr[j]) * db[j];
        }
        float* phi = out_.phi + (static_cast<size_t>(k0 + kk) * rows_ + i) * features_;
        for (int j = 0; j < features_; ++j) phi[j] = static_cast<float>(acc[j] / nb_);
      }
    }
  }

  // The Shapley rule's K x K multipliers of layer l for row i against every reference, with the
  // coalition softmaxes of a block of references turned into Shapley values by one GEMM.
  void shapley_multipliers(size_t l, int i, Workspace& w) {
    const int K = layers_[l].out;
    const int n = 1 << K;
    const int block = std::max(1, std::min(nb_, (1 << 22) / (n * K)));  // P under ~16 MB
    w.coalitions.resize(static_cast<size_t>(n) * block * K);
    w.phi.resize(static_cast<size_t>(K) * block * K);
    for (int b0 = 0; b0 < nb_; b0 += block) {
      const int bc = std::min(block, nb_ - b0);
      const size_t ld = static_cast<size_t>(bc) * K;
      for (int b = 0; b < bc; ++b)
        coalition_softmax(side(tx_, l, i, K), side(tr_, l, b0 + b, K), K, w.sums, w.coalitions.data(), ld,
                          static_cast<size_t>(b) * K);
      gemm(false, false, K, static_cast<int>(ld), n, 1.f, coef_[l].data(), n, w.coalitions.data(), static_cast<int>(ld),
           0.f, w.phi.data(), static_cast<int>(ld));
      for (int b = 0; b < bc; ++b) {
        double* m = shapley(w, b0 + b, l);
        const float* zx = tx_.z[l].data() + static_cast<size_t>(i) * K;
        const float* zr = tr_.z[l].data() + static_cast<size_t>(b0 + b) * K;
        const float* pr = tr_.a[l].data() + static_cast<size_t>(b0 + b) * K;
        for (int j = 0; j < K; ++j) {
          const double dz = static_cast<double>(zx[j]) - zr[j];
          for (int k = 0; k < K; ++k)
            m[k * K + j] = std::fabs(dz) < kTinyIn
                               ? pr[k] * ((k == j) - static_cast<double>(pr[j]))  // Jacobian at the reference
                               : w.phi[j * ld + static_cast<size_t>(b) * K + k] / dz;
        }
      }
    }
  }

  double* shapley(Workspace& w, int b, size_t l) {
    return w.shapley.data() + static_cast<size_t>(b) * shapley_width_ + shapley_offset_[l];
  }

  double* soft(Workspace& w, int b, size_t l) {
    return w.soft.data() + 4 * (static_cast<size_t>(b) * ratio_width_ + ratio_offset_[l]);
  }

  float* ratio(Workspace& w, int b, size_t l) {
    return w.ratio.data() + static_cast<size_t>(b) * ratio_width_ + ratio_offset_[l];
  }

  // Multipliers w.r.t. layer l's activation (m rows, ordered (output, reference)) become
  // multipliers w.r.t. its pre-activation.
  void apply_activation(size_t l, int i, int m, float* g, Workspace& w) {
    const DenseLayerView& d = layers_[l];
    if (d.act == Act::Linear) return;
    for (int row = 0; row < m; ++row) {
      const int b = row % nb_;
      float* gr = g + static_cast<size_t>(row) * d.out;
      if (d.act == Act::Softmax) {
        if (rule_[l] == SoftmaxRule::Shapley) {
          const double* m = shapley(w, b, l);
          double out[kMaxShapleyUnits] = {};
          for (int k = 0; k < d.out; ++k)
            if (gr[k] != 0.f)
              for (int j = 0; j < d.out; ++j) out[j] += gr[k] * m[k * d.out + j];
          for (int j = 0; j < d.out; ++j) gr[j] = static_cast<float>(out[j]);
        } else if (rule_[l] == SoftmaxRule::Shap)
          softmax_rule_shap(side(tx_, l, i, d.out), side(tr_, l, b, d.out), d.out, gr);
        else
          softmax_rule_invariant(side(tx_, l, i, d.out), side(tr_, l, b, d.out), soft(w, b, l), d.out, gr);
      } else {
        const float* rt = ratio(w, b, l);
        for (int j = 0; j < d.out; ++j) gr[j] *= rt[j];
      }
    }
  }

  const std::vector<DenseLayerView>& layers_;
  const float* x_;
  int rows_;
  const float* bg_;
  int nb_;
  DeepShapOutput out_;
  int features_ = 0, outputs_ = 0, max_width_ = 0, ratio_width_ = 0, chunk_ = 1;
  std::vector<int> ratio_offset_, shapley_offset_;
  int shapley_width_ = 0;
  std::vector<SoftmaxRule> rule_;         // per layer, for softmax layers
  std::vector<std::vector<float>> coef_;  // per Shapley-rule softmax layer: C (K x 2^K)
  Trace tr_, tx_;
};

}  // namespace

void deep_shap(const std::vector<DenseLayerView>& layers, const float* x, int rows, const float* background,
               int bg_rows, const DeepShapOutput& out, SoftmaxRule softmax) {
  DeepShap(layers, x, rows, background, bg_rows, out, softmax).run();
}

}  // namespace myelin
