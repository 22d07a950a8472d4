// The layers that keep their width: BatchNormalization, LayerNormalization, Activation and the
// Normalization preprocessing layer, with Keras 3's semantics (keras/src/layers/normalization/).
//
// Batch normalization in training normalizes each column with the batch's mean and biased variance
// and moves moving = moving * momentum + batch * (1 - momentum); in inference it uses the moving
// statistics. Layer normalization normalizes each row. Both keep x_hat = (x - mean) / sqrt(var + eps)
// in ws.z for the backward pass, and ws.stat holds mean and 1/sqrt(var + eps) (per column for batch
// normalization, then the batch's variance; per row for layer normalization). Sums run in double, in row order, on one
// thread: the results do not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/engine/network.h"
#include "core/vec.h"

namespace myelin::engine {
namespace {

// Keras's backend.epsilon(): Normalization divides by max(sqrt(variance), this).
constexpr double kNormalizationFloor = 1e-7;

bool needs_z(Act a) { return a == Act::Gelu || a == Act::Swish; }

// y = x_hat * gamma + beta per column (absent gamma: 1, absent beta: 0).
void scale_shift(const float* xh, int rows, int u, const float* gamma, const float* beta, float* y) {
  for (int r = 0; r < rows; ++r) {
    const float* a = xh + static_cast<size_t>(r) * u;
    float* o = y + static_cast<size_t>(r) * u;
    for (int j = 0; j < u; ++j) o[j] = a[j] * (gamma ? gamma[j] : 1.f) + (beta ? beta[j] : 0.f);
  }
}

// dgamma = sum over rows of g * x_hat, dbeta = sum of g (either may be null).
void param_grads(const float* g, const float* xh, int rows, int u, double* acc, float* dgamma, float* dbeta) {
  std::fill_n(acc, 2 * static_cast<size_t>(u), 0.0);
  for (int r = 0; r < rows; ++r) {
    const float* gr = g + static_cast<size_t>(r) * u;
    const float* a = xh + static_cast<size_t>(r) * u;
    for (int j = 0; j < u; ++j) {
      acc[j] += gr[j];
      acc[u + j] += static_cast<double>(gr[j]) * a[j];
    }
  }
  for (int j = 0; j < u; ++j) {
    if (dbeta) dbeta[j] = static_cast<float>(acc[j]);
    if (dgamma) dgamma[j] = static_cast<float>(acc[u + j]);
  }
}

}  // namespace

void Network::add_norm_arrays(size_t i) {
  const LayerSpec& l = layers_[i];
  NormArrays& na = norm_of_[i];
  auto add = [&](int& slot, bool trainable) {
    slot = static_cast<int>(arrays_.size());
    arrays_.push_back({total_, static_cast<size_t>(l.units), static_cast<int>(i), false, trainable});
    total_ += (static_cast<size_t>(l.units) + 15) & ~static_cast<size_t>(15);
  };
  switch (l.kind) {
    case LayerKind::BatchNormalization:
    case LayerKind::LayerNormalization:
      if (l.scale) add(na.gamma, true);
      if (l.center) add(na.beta, true);
      if (l.kind == LayerKind::BatchNormalization) add(na.mean, false), add(na.var, false);
      break;
    case LayerKind::Normalization: add(na.mean, false), add(na.var, false); break;
    default: break;
  }
}

void Network::forward_other(size_t i, const float* W, const float* x, int rows, Workspace& ws, bool training,
                            float* y) const {
  const LayerSpec& l = layers_[i];
  const NormArrays& na = norm_of_[i];
  const int u = l.units;
  const size_t n = static_cast<size_t>(rows) * u;
  auto at = [&](int a) { return a >= 0 ? W + arrays_[a].off : nullptr; };
  switch (l.kind) {
    case LayerKind::Activation:
      if (l.act == Act::Softmax) {
        if (y != x) std::memcpy(y, x, n * sizeof(float));
        vec().softmax_rows(y, static_cast<size_t>(u), rows, u);
      } else {
        vec().act_forward(static_cast<int>(l.act), x, y, n);
      }
      return;
    case LayerKind::Normalization: {
      const float *mean = at(na.mean), *var = at(na.var);
      for (int r = 0; r < rows; ++r)
        for (int j = 0; j < u; ++j) {
          const size_t e = static_cast<size_t>(r) * u + j;
          const double sd = std::max(std::sqrt(static_cast<double>(var[j])), kNormalizationFloor);
          y[e] = static_cast<float>(l.invert ? mean[j] + x[e] * sd : (x[e] - mean[j]) / sd);
        }
      return;
    }
    case LayerKind::BatchNormalization: {
      float* mean = ws.stat[i].data();
      float* inv = mean + u;
      if (training) {
        double* s = ws.acc.data();
        double* s2 = s + u;
        std::fill_n(s, 2 * static_cast<size_t>(u), 0.0);
        for (int r = 0; r < rows; ++r)
          for (int j = 0; j < u; ++j) s[j] += x[static_cast<size_t>(r) * u + j];
        for (int j = 0; j < u; ++j) s[j] /= rows;
        for (int r = 0; r < rows; ++r)
          for (int j = 0; j < u; ++j) {
            const double d = x[static_cast<size_t>(r) * u + j] - s[j];
            s2[j] += d * d;
          }
        for (int j = 0; j < u; ++j) {
          const double var = s2[j] / rows;
          mean[j] = static_cast<float>(s[j]);
          inv[j] = static_cast<float>(1.0 / std::sqrt(var + l.epsilon));
          inv[u + j] = static_cast<float>(var);  // for the moving variance (backward_other, Train mode)
        }
      } else {
        const float *mm = at(na.mean), *mv = at(na.var);
        for (int j = 0; j < u; ++j) {
          mean[j] = mm[j];
          inv[j] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(mv[j]) + l.epsilon));
        }
      }
      float* xh = ws.z[i].data();
      for (int r = 0; r < rows; ++r)
        for (int j = 0; j < u; ++j) {
          const size_t e = static_cast<size_t>(r) * u + j;
          xh[e] = (x[e] - mean[j]) * inv[j];
        }
      scale_shift(xh, rows, u, at(na.gamma), at(na.beta), y);
      return;
    }
    case LayerKind::LayerNormalization: {
      float* mean = ws.stat[i].data();
      float* inv = mean + rows;
      float* xh = ws.z[i].data();
      for (int r = 0; r < rows; ++r) {
        const float* a = x + static_cast<size_t>(r) * u;
        double s = 0.0, s2 = 0.0;
        for (int j = 0; j < u; ++j) s += a[j];
        const double m = s / u;
        for (int j = 0; j < u; ++j) s2 += (a[j] - m) * (a[j] - m);
        mean[r] = static_cast<float>(m);
        inv[r] = static_cast<float>(1.0 / std::sqrt(s2 / u + l.epsilon));
        float* o = xh + static_cast<size_t>(r) * u;
        for (int j = 0; j < u; ++j) o[j] = static_cast<float>((a[j] - m) * inv[r]);
      }
      scale_shift(xh, rows, u, at(na.gamma), at(na.beta), y);
      return;
    }
    default: return;
  }
}

void Network::backward_other(size_t i, const float* W, float* params, float* grads, float* g, int rows, Workspace& ws,
                             bool training, Mode mode, bool need_dx, bool deferred) {
  const LayerSpec& l = layers_[i];
  const NormArrays& na = norm_of_[i];
  const int u = l.units;
  const size_t n = static_cast<size_t>(rows) * u;
  const float* gamma = na.gamma >= 0 ? W + arrays_[na.gamma].off : nullptr;
  switch (l.kind) {
    case LayerKind::Activation:
      if (need_dx)
        vec().act_backward(static_cast<int>(l.act), ws.out[i].data(), needs_z(l.act) ? ws.in[i] : nullptr, g, rows, u,
                           nullptr);
      return;
    case LayerKind::Normalization:
      if (need_dx) {
        const float* var = W + arrays_[na.var].off;
        for (size_t e = 0; e < n; ++e) {
          const double sd = std::max(std::sqrt(static_cast<double>(var[e % u])), kNormalizationFloor);
          g[e] = static_cast<float>(l.invert ? g[e] * sd : g[e] / sd);
        }
      }
      return;
    case LayerKind::BatchNormalization:
    case LayerKind::LayerNormalization: break;
    default: return;
  }
  const float* xh = ws.z[i].data();
  double* acc = ws.acc.data();
  float* dgamma = na.gamma >= 0 ? grads + arrays_[na.gamma].off : nullptr;
  float* dbeta = na.beta >= 0 ? grads + arrays_[na.beta].off : nullptr;
  // Column sums of g and g * x_hat: the parameters' gradients, and batch normalization's dx needs them.
  param_grads(g, xh, rows, u, acc, dgamma, dbeta);
  const float* stat = ws.stat[i].data();
  if (need_dx && l.kind == LayerKind::BatchNormalization) {
    const float* inv = stat + u;
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < u; ++j) {
        const size_t e = static_cast<size_t>(r) * u + j;
        const double k = (gamma ? gamma[j] : 1.f) * static_cast<double>(inv[j]);
        // Training: the batch statistics depend on x; inference: an affine map.
        g[e] = static_cast<float>(training ? k * (g[e] - acc[j] / rows - xh[e] * acc[u + j] / rows) : k * g[e]);
      }
  } else if (need_dx) {
    // Layer normalization, per row: dx = inv * (dxh - mean(dxh) - x_hat * mean(dxh * x_hat)), dxh = g * gamma.
    const float* inv = stat + rows;
    for (int r = 0; r < rows; ++r) {
      float* gr = g + static_cast<size_t>(r) * u;
      const float* a = xh + static_cast<size_t>(r) * u;
      double m1 = 0.0, m2 = 0.0;
      for (int j = 0; j < u; ++j) {
        const double d = static_cast<double>(gr[j]) * (gamma ? gamma[j] : 1.f);
        m1 += d;
        m2 += d * a[j];
      }
      m1 /= u, m2 /= u;
      for (int j = 0; j < u; ++j) {
        const double d = static_cast<double>(gr[j]) * (gamma ? gamma[j] : 1.f);
        gr[j] = static_cast<float>(inv[r] * (d - m1 - a[j] * m2));
      }
    }
  }
  if (mode != Mode::Train) return;
  if (l.kind == LayerKind::BatchNormalization && training) {
    const float* mean = stat;
    const float* var = stat + 2 * u;
    float* mm = params + arrays_[na.mean].off;
    float* mv = params + arrays_[na.var].off;
    const double m = l.momentum;
    for (int j = 0; j < u; ++j) {
      mm[j] = static_cast<float>(mm[j] * m + mean[j] * (1.0 - m));
      mv[j] = static_cast<float>(mv[j] * m + var[j] * (1.0 - m));
    }
  }
  if (deferred) return;
  if (dgamma) update_array(na.gamma, dgamma);
  if (dbeta) update_array(na.beta, dbeta);
}

}  // namespace myelin::engine
