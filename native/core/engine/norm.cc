// The layers that keep their width: BatchNormalization, LayerNormalization, Activation and the
// Normalization preprocessing layer, with Keras 3's semantics (keras/src/layers/normalization/).
//
// Batch normalization in training normalizes each column with the batch's mean and biased variance
// and moves moving = moving * momentum + batch * (1 - momentum); in inference it uses the moving
// statistics. Its passes over the batch are vector kernels (kernels/common/norm_kernels.inc): forward, one
// for the mean and variance and one for the output (with an elementwise Activation layer right after applied
// in it); backward, one for gamma's and beta's gradients (after that activation's derivative) and one for dx
// (then the derivative of a Dense layer's activation right before, and that layer's bias gradient).
// x_hat = (x - mean) * inv is recomputed from the input rather than stored. Each direction is one task per
// block of columns, split between threads; each column's sums run in double, in row order, so the results do
// not depend on the thread count. ws.stat[i] holds per-column arrays (Col below).
// Layer normalization normalizes each row, keeping x_hat in ws.z[i] and its rows' mean and
// 1/sqrt(var + eps) in ws.stat[i] after the per-column arrays; its column passes use the same kernels.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/engine/network.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace myelin::engine {
namespace {

// Keras's backend.epsilon(): Normalization divides by max(sqrt(variance), this).
constexpr double kNormalizationFloor = 1e-7;

// The per-column arrays of a normalization layer's ws.stat, each padded to 16 floats: the batch's mean,
// 1/sqrt(var + eps) and variance, gamma and beta (1 and 0 when absent), the coefficients of dx, and zeros
// and ones (layer normalization's x_hat goes through the kernels as (x_hat - 0) * 1).
enum Col { kMean, kInv, kVar, kGamma, kBeta, kGa, kGb, kGk, kZero, kOne, kCols };

size_t col_stride(int u) { return (static_cast<size_t>(u) + 15) & ~static_cast<size_t>(15); }

// Below this many values a pass runs on the calling thread: a wake of the pool costs more.
constexpr size_t kParallelValues = 16384;

// f(j0, j1) over blocks of columns (multiples of 16: the vector lanes cover the same columns whatever the
// split), spread over the thread pool when the batch is big enough.
template <typename F>
void by_columns(int rows, int u, F&& f) {
  const int blocks = (u + 15) / 16;
  const int tasks = std::min(num_threads(), blocks);
  if (tasks < 2 || static_cast<size_t>(rows) * u < kParallelValues) {
    f(0, u);
    return;
  }
  struct Job {
    F& f;
    int u, blocks, tasks;
  } job{f, u, blocks, tasks};
  // One pointer of capture: std::function stores it inline, so no allocation per batch.
  parallel_for(tasks, [&job](int t) {
    const int j0 = job.blocks * t / job.tasks * 16;
    const int j1 = std::min(job.u, job.blocks * (t + 1) / job.tasks * 16);
    job.f(j0, j1);
  });
}

}  // namespace

void Network::reserve_norm(size_t i, Workspace& ws, size_t rows) const {
  const LayerSpec& l = layers_[i];
  if (l.kind != LayerKind::BatchNormalization && l.kind != LayerKind::LayerNormalization) return;
  if (l.kind == LayerKind::LayerNormalization) ws.z[i].reserve(rows * l.units);  // the normalized input
  ws.stat[i].reserve(kCols * col_stride(l.units) + 2 * rows);
  if (ws.acc.size() < 2 * col_stride(l.units)) ws.acc.resize(2 * col_stride(l.units));
}

bool Network::bn_takes_next_act(size_t i) const {
  // Not the last layer (its output may be the caller's, its backward fused with the loss); gelu and swish
  // need their input, which is then not kept.
  if (layers_[i].kind != LayerKind::BatchNormalization || i + 2 >= layers_.size()) return false;
  const LayerSpec& a = layers_[i + 1];
  return a.kind == LayerKind::Activation && a.act != Act::Softmax && !needs_z(a.act);
}

bool Network::bn_takes_act_backward(size_t i) const {
  // Softmax's derivative needs whole rows; below first_backward_ no gradient flows.
  return i < layers_.size() && static_cast<int>(i) > first_backward_ &&
         layers_[i].kind == LayerKind::BatchNormalization && layers_[i - 1].dense() &&
         layers_[i - 1].act != Act::Softmax;
}

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
  const VecKernels& k = vec();
  switch (l.kind) {
    case LayerKind::Activation:
      if (l.act == Act::Softmax) {
        if (y != x) std::memcpy(y, x, n * sizeof(float));
        k.softmax_rows(y, static_cast<size_t>(u), rows, u);
      } else {
        k.act_forward(static_cast<int>(l.act), x, y, n);
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
    case LayerKind::BatchNormalization:
    case LayerKind::LayerNormalization: break;
    default: return;
  }
  const size_t cs = col_stride(u);
  float* col = ws.stat[i].data();
  float *mean = col + kMean * cs, *inv = col + kInv * cs, *var = col + kVar * cs;
  float *gamma = col + kGamma * cs, *beta = col + kBeta * cs;
  const float *wg = at(na.gamma), *wb = at(na.beta);
  for (int j = 0; j < u; ++j) {
    gamma[j] = wg ? wg[j] : 1.f;
    beta[j] = wb ? wb[j] : 0.f;
  }
  if (l.kind == LayerKind::LayerNormalization) {
    float* rmean = col + kCols * cs;
    float* rinv = rmean + rows;
    float* xh = ws.z[i].data();
    for (int r = 0; r < rows; ++r) {
      const float* a = x + static_cast<size_t>(r) * u;
      double s = 0.0, s2 = 0.0;
      for (int j = 0; j < u; ++j) s += a[j];
      const double m = s / u;
      for (int j = 0; j < u; ++j) s2 += (a[j] - m) * (a[j] - m);
      rmean[r] = static_cast<float>(m);
      rinv[r] = static_cast<float>(1.0 / std::sqrt(s2 / u + l.epsilon));
      float* o = xh + static_cast<size_t>(r) * u;
      for (int j = 0; j < u; ++j) o[j] = static_cast<float>((a[j] - m) * rinv[r]);
    }
    float *zero = col + kZero * cs, *one = col + kOne * cs;
    std::fill_n(zero, u, 0.f);
    std::fill_n(one, u, 1.f);
    by_columns(rows, u, [&](int j0, int j1) {
      k.bn_forward({xh, rows, u, j0, j1, zero, one}, gamma, beta, static_cast<int>(Act::Linear), y);
    });
    return;
  }
  const int next_act = static_cast<int>(bn_takes_next_act(i) ? layers_[i + 1].act : Act::Linear);
  // One task per block of columns: the statistics (training: the first row is the shift of the sums,
  // mean = shift + s / rows), then the output.
  const float *mm = at(na.mean), *mv = at(na.var);
  double* s = ws.acc.data();
  double* s2 = s + cs;
  by_columns(rows, u, [&](int j0, int j1) {
    if (training) {
      std::copy(x + j0, x + j1, mean + j0);
      k.bn_moments({x, rows, u, j0, j1, mean, nullptr}, s, s2);
      for (int j = j0; j < j1; ++j) {
        const double d = s[j] / rows;
        const double v = std::max(s2[j] / rows - d * d, 0.0);
        mean[j] = static_cast<float>(mean[j] + d);
        inv[j] = static_cast<float>(1.0 / std::sqrt(v + l.epsilon));
        var[j] = static_cast<float>(v);  // for the moving variance (backward_other, Train mode)
      }
    } else {
      for (int j = j0; j < j1; ++j) {
        mean[j] = mm[j];
        inv[j] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(mv[j]) + l.epsilon));
      }
    }
    k.bn_forward({x, rows, u, j0, j1, mean, inv}, gamma, beta, next_act, y);
  });
}

void Network::backward_other(size_t i, const float* W, float* params, float* grads, float* g, int rows, Workspace& ws,
                             bool training, Mode mode, bool need_dx, bool deferred) {
  const LayerSpec& l = layers_[i];
  const NormArrays& na = norm_of_[i];
  const int u = l.units;
  const size_t n = static_cast<size_t>(rows) * u;
  const VecKernels& k = vec();
  switch (l.kind) {
    case LayerKind::Activation:
      if (need_dx && !(i > 0 && bn_takes_next_act(i - 1)))  // else the batch normalization below does it
        k.act_backward(static_cast<int>(l.act), ws.out[i].data(), needs_z(l.act) ? ws.in[i] : nullptr, g, rows, u,
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
  const bool batch = l.kind == LayerKind::BatchNormalization;
  const size_t cs = col_stride(u);
  float* col = ws.stat[i].data();
  const float *mean = col + kMean * cs, *inv = col + kInv * cs, *gamma = col + kGamma * cs;
  // Layer normalization's x_hat is stored: (x_hat - 0) * 1.
  const BnCols c = batch ? BnCols{ws.in[i], rows, u, 0, u, mean, inv}
                         : BnCols{ws.z[i].data(), rows, u, 0, u, col + kZero * cs, col + kOne * cs};
  double* sg = ws.acc.data();
  double* sgx = sg + cs;
  float* dgamma = na.gamma >= 0 ? grads + arrays_[na.gamma].off : nullptr;
  float* dbeta = na.beta >= 0 ? grads + arrays_[na.beta].off : nullptr;
  float *ga = col + kGa * cs, *gb = col + kGb * cs, *gk = col + kGk * cs;
  // The Dense layer before: its activation's derivative and bias gradient here (dense.cc skips them).
  const bool fuse = batch && bn_takes_act_backward(i);
  const int act = static_cast<int>(fuse ? layers_[i - 1].act : Act::Linear);
  const float* z = fuse && needs_z(layers_[i - 1].act) ? ws.z[i - 1].data() : nullptr;
  float* db = fuse && bias_of_[i - 1] >= 0 ? grads + arrays_[bias_of_[i - 1]].off : nullptr;
  float* mm = mode == Mode::Train && batch && training ? params + arrays_[na.mean].off : nullptr;
  float* mv = mm ? params + arrays_[na.var].off : nullptr;
  const float* var = col + kVar * cs;
  const double mom = l.momentum;
  const int next_act = static_cast<int>(bn_takes_next_act(i) ? layers_[i + 1].act : Act::Linear);
  // One task per block of columns: the column sums of g and g * x_hat (the parameters' gradients, and batch
  // normalization's dx needs them), dx, and the moving statistics.
  by_columns(rows, u, [&](int j0, int j1) {
    const BnCols cc{c.x, rows, u, j0, j1, c.mean, c.inv};
    k.bn_grad_sums(cc, next_act, next_act != static_cast<int>(Act::Linear) ? ws.out[i + 1].data() : nullptr, g, sg,
                   sgx);
    for (int j = j0; j < j1; ++j) {
      if (dbeta) dbeta[j] = static_cast<float>(sg[j]);
      if (dgamma) dgamma[j] = static_cast<float>(sgx[j]);
    }
    if (need_dx && batch) {
      // dx = kj (g - sg / rows - x_hat sgx / rows), kj = gamma inv (training: the batch statistics depend on
      // x); inference: the affine map's kj g.
      for (int j = j0; j < j1; ++j) {
        const double kj = static_cast<double>(gamma[j]) * inv[j];
        ga[j] = static_cast<float>(kj);
        gb[j] = training ? static_cast<float>(-kj * sg[j] / rows) : 0.f;
        gk[j] = training ? static_cast<float>(-kj * sgx[j] / rows) : 0.f;
      }
      k.bn_backward(cc, ga, gb, gk, g, act, z, db);
    }
    if (mm)
      for (int j = j0; j < j1; ++j) {
        mm[j] = static_cast<float>(mm[j] * mom + mean[j] * (1.0 - mom));
        mv[j] = static_cast<float>(mv[j] * mom + var[j] * (1.0 - mom));
      }
  });
  if (need_dx && !batch) {
    // Layer normalization, per row: dx = inv * (dxh - mean(dxh) - x_hat * mean(dxh * x_hat)), dxh = g * gamma.
    const float* rinv = col + kCols * cs + rows;
    const float* xh = ws.z[i].data();
    for (int r = 0; r < rows; ++r) {
      float* gr = g + static_cast<size_t>(r) * u;
      const float* a = xh + static_cast<size_t>(r) * u;
      double m1 = 0.0, m2 = 0.0;
      for (int j = 0; j < u; ++j) {
        const double d = static_cast<double>(gr[j]) * gamma[j];
        m1 += d;
        m2 += d * a[j];
      }
      m1 /= u, m2 /= u;
      for (int j = 0; j < u; ++j) {
        const double d = static_cast<double>(gr[j]) * gamma[j];
        gr[j] = static_cast<float>(rinv[r] * (d - m1 - a[j] * m2));
      }
    }
  }
  if (mode != Mode::Train || deferred) return;
  if (dgamma) update_array(na.gamma, dgamma);
  if (dbeta) update_array(na.beta, dbeta);
}

}  // namespace myelin::engine
