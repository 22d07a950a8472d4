// One pass through the layers: Dense forward (one GEMM with a fused bias + activation epilogue),
// Dropout, the loss, and the backward pass with the optimizer update fused in where Keras's
// formula allows it.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/dense_layer.h"
#include "core/engine/chunked.h"
#include "core/engine/metrics.h"
#include "core/engine/network.h"
#include "core/engine/rng.h"
#include "core/gemm.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace myelin::engine {
namespace {

// Up to this many rows, inference uses the row kernel (gemv_packed) instead of GEMM.
constexpr int kFewRows = 4;

}  // namespace

void Network::reserve(Workspace& ws, int rows, bool with_targets) const {
  const size_t r = static_cast<size_t>(rows);
  const size_t L = layers_.size();
  ws.out.resize(L);
  ws.z.resize(L);
  ws.mask.resize(L);
  ws.in.resize(L);
  ws.stat.resize(L);
  if (with_targets && halves_at(first_backward_)) ws.part.reserve(r * layers_[first_backward_].units);
  for (size_t i = 0; i < L; ++i) {
    const LayerSpec& l = layers_[i];
    ws.out[i].reserve(r * l.units);
    if (l.dense() && needs_z(l.act)) ws.z[i].reserve(r * l.units);
    if (l.kind == LayerKind::Dropout && l.rate > 0.f) ws.mask[i].reserve(r * l.units);
    reserve_norm(i, ws, r);
  }
  ws.g0.reserve(r * max_width_);
  ws.g1.reserve(r * max_width_);
  ws.scratch.reserve(r * output_dim());
  if (with_targets) {
    ws.xb.reserve(r * input_dim());
    ws.yb.reserve(r * output_dim());
    ws.swb.reserve(r);
    if (ws.ib.size() < r) ws.ib.resize(r);
  }
  if (rows > ws.rows) ws.rows = rows;
}

const float* Network::forward(const float* W, const float* x, int rows, Workspace& ws, bool dropout_on, uint64_t epoch,
                              uint64_t batch, float* final_out, bool packed) const {
  const VecKernels& k = vec();
  const float* cur = x;
  const size_t L = layers_.size();
  for (size_t i = 0; i < L; ++i) {
    const LayerSpec& l = layers_[i];
    ws.in[i] = cur;
    const size_t n = static_cast<size_t>(rows) * l.units;
    if (l.kind != LayerKind::Dense && l.kind != LayerKind::Dropout) {
      // A batch normalization may write the output of the Activation layer after it (norm.cc).
      const size_t o = bn_takes_next_act(i) ? i + 1 : i;
      float* y = final_out && o + 1 == L ? final_out : ws.out[o].data();
      forward_other(i, W, cur, rows, ws, dropout_on, y);
      if (o != i) ws.in[o] = nullptr;  // never made
      cur = y;
      i = o;
      continue;
    }
    if (!l.dense()) {
      if (dropout_on && l.rate > 0.f) {
        k.dropout(cur, ws.out[i].data(), ws.mask[i].data(), n, dropout_key(l.seed, epoch, batch), l.rate);
        cur = ws.out[i].data();
      }
      continue;
    }
    const float* kernel = W + arrays_[kernel_of_[i]].off;
    const float* bias = bias_of_[i] >= 0 ? W + arrays_[bias_of_[i]].off : nullptr;
    float* y = final_out && i + 1 == L ? final_out : ws.out[i].data();
    // Inference on a few rows (single-row predict): the row kernel on the packed kernel.
    const DenseLayerView d{
        kernel, bias, l.in, l.units, l.act, packed ? &packed_[i] : nullptr, i == 0 ? ws.nonfinite : nullptr};
    float* z = needs_z(l.act) ? ws.z[i].data() : nullptr;
    if (dropout_on && ws.part.data() && halves_at(static_cast<int>(i)))
      forward_halves(static_cast<int>(i), kernel, bias, cur, rows, z ? z : y, y, ws);  // a training step (halves.cc)
    else
      dense_forward(d, cur, rows, z, y, rows <= kFewRows && !dropout_on);
    cur = y;
  }
  return cur;
}

double Network::loss_and_metrics(const float* p, int rows, const float* y, const int32_t* yi, const float* sw,
                                 float* grad, Workspace& ws, MetricSet* metrics) const {
  LossBatch b;
  b.loss = spec_.loss;
  b.fused = fused_output_;
  b.logits = spec_.from_logits;
  b.smoothing = spec_.label_smoothing;
  b.p = p;
  b.rows = rows;
  b.cols = output_dim();
  b.t = y;
  b.idx = yi;
  b.sw = sw;
  b.scale = 1.f / static_cast<float>(rows);
  b.grad = grad;
  b.scratch = ws.scratch.data();
  const double s = vec().loss(b);
  if (metrics) metrics->add(p, rows, y, yi, sw);
  return s;
}

double Network::backward(const float* W, float* params, float* grads, int rows, Workspace& ws, bool dropout_on,
                         Mode mode) {
  const VecKernels& k = vec();
  const OptimizerSpec& o = spec_.opt;
  float* g = ws.g0.data();
  float* gn = ws.g1.data();
  double pen = 0.0;
  // global_clipnorm needs every gradient before any update: updates wait for the end of the pass.
  const bool deferred = mode == Mode::Train && o.global_clip_norm > 0.f;
  const int L = static_cast<int>(layers_.size());
  bool dz_ready = false;  // g already holds dZ of the Dense layer below and its bias gradient (dX's epilogue)
  for (int i = L - 1; i >= first_backward_; --i) {
    const LayerSpec& l = layers_[i];
    if (l.kind == LayerKind::Dropout) {
      if (dropout_on && l.rate > 0.f) k.mul(g, ws.mask[i].data(), static_cast<size_t>(rows) * l.units);
      continue;
    }
    if (!l.dense()) {
      if (!(i == L - 1 && fused_output_))
        backward_other(i, W, params, grads, g, rows, ws, dropout_on, mode, i > first_backward_, deferred);
      continue;
    }
    const WeightArray& ka = arrays_[kernel_of_[i]];
    float* db = bias_of_[i] >= 0 ? grads + arrays_[bias_of_[i]].off : nullptr;
    // dZ = dY * act'(Y), with the bias gradient summed in the same pass.
    if (i == L - 1 && fused_output_) {
      if (db) k.col_sums(g, rows, l.units, db);
    } else if (!bn_takes_act_backward(i + 1) && !dz_ready) {  // else the batch normalization above did it
      k.act_backward(static_cast<int>(l.act), ws.out[i].data(), needs_z(l.act) ? ws.z[i].data() : nullptr, g, rows,
                     l.units, db);
    }
    dz_ready = false;
    const float* kernel = W + ka.off;
    // dX = dZ W^T, before W changes; nothing below the first Dense layer needs it. When that layer is a Dense one
    // right below, its dZ = dX * act'(Y) and bias gradient are computed in the product's epilogue, on every thread.
    if (i > first_backward_) {
      Epilogue ep;
      const LayerSpec& below = layers_[i - 1];
      if (below.dense() && below.act != Act::Softmax && below.units > 1) {
        ep.dact = below.act;
        ep.dact_y = ws.out[i - 1].data();
        ep.dact_z = needs_z(below.act) ? ws.z[i - 1].data() : nullptr;
        ep.col_sums = bias_of_[i - 1] >= 0 ? grads + arrays_[bias_of_[i - 1]].off : nullptr;
        dz_ready = true;
      }
      gemm(false, true, rows, l.in, l.units, 1.f, g, l.units, kernel, l.units, 0.f, gn, l.in, ep);
    }
    const float* x = ws.in[i];
    const bool reg = l.l1 != 0.f || l.l2 != 0.f;
    float* gw = grads + ka.off;
    if (mode == Mode::GradsOnly) {
      gemm(true, false, l.in, l.units, rows, 1.f, x, l.in, g, l.units, 0.f, gw, l.units);
      if (reg) pen += k.reg_grad(kernel, gw, ka.len, l.l1, l.l2);
    } else {
      float* w = params + ka.off;
      if (!reg && !deferred && o.clip_norm == 0.f) {
        // The step fused into the gradient GEMM (kernel_step, halves.cc), whole-array.
        ArrayStep step{};
        if (!sgd_in_gemm()) step = array_step(kernel_of_[i], gw, false);
        if (halves_at(i))
          kernel_step_halves(i, rows, x, g, current_lr(), &step, gw);
        else
          kernel_step(i, 0, l.in, 0, l.units, rows, x, g, current_lr(), &step, gw);
      } else {
        gemm(true, false, l.in, l.units, rows, 1.f, x, l.in, g, l.units, 0.f, gw, l.units);
        if (reg) pen += k.reg_grad(w, gw, ka.len, l.l1, l.l2);
        if (!deferred) update_array(kernel_of_[i], gw);
      }
      if (db && !deferred) update_array(bias_of_[i], db);
    }
    std::swap(g, gn);
  }
  if (deferred) update_all_global_clip(grads);
  return pen;
}

}  // namespace myelin::engine
