// Data parallelism in fit. A batch of enough rows of a Dense/Dropout network is split into row groups (their number
// from the batch and the network alone; loss and metrics summed per group, then in group order). With threads, each
// group runs forward, loss, dZ and dX on its rows of the batch's workspace on its own thread, its GEMMs on that
// thread (thread_pool.h), with no exchange until the end of the backward pass; then each thread computes its share
// of every kernel gradient's rows over the whole batch (k = the batch's rows) with the optimizer step fused, and
// whole bias gradients. Every value is computed as backward() computes it on one thread (a row's values do not
// depend on its group; a product's elements do not depend on how its rows are split), so the weights are the bits of
// the one-pass path at any thread count.
#include <algorithm>
#include <atomic>

#include "core/engine/network.h"
#include "core/gemm.h"
#include "core/gemm_config.h"
#include "core/gemm_kernel.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace myelin::engine {
namespace {

// The kernel's update fused into its gradient GEMM (gemm.h Epilogue::done): on each finished block of the
// gradient, an optimizer step, or (step null) w += v for momentum SGD, whose GEMM wrote v. Row by row, or the
// whole block at once when it spans whole rows.
struct BlockStep {
  const Network::ArrayStep* step;
  float* w;
  const float* v;
  int ld;

  void apply(size_t b, size_t c) const {
    if (step)
      step->apply(b, c);
    else
      vec().add_to(w + b, v + b, c);
  }
  static void done(void* ctx, int r0, int rows, int c0, int cols) {
    const BlockStep& s = *static_cast<const BlockStep*>(ctx);
    if (cols == s.ld) return s.apply(static_cast<size_t>(r0) * s.ld, static_cast<size_t>(rows) * s.ld);
    for (int r = r0; r < r0 + rows; ++r) s.apply(static_cast<size_t>(r) * s.ld + c0, static_cast<size_t>(cols));
  }
  Epilogue epilogue() {
    Epilogue e;
    e.done = &BlockStep::done;
    e.ctx = this;
    return e;
  }
};

// Two groups of at least 64 rows. The number must not depend on the thread count (the loss's bits).
constexpr int kGroups = 2;
constexpr int kGroupRows = 64;
// Groups run on separate threads when a step has at least this many flops (about 6 per parameter and row):
// below, the two hand-offs of a step cost more than they save.
constexpr double kParallelFlops = 4e6;

// Share t of `shares` of [0, n), on multiples of `align`.
int share_bound(int n, int t, int shares, int align) {
  return t == shares ? n : std::min(n, static_cast<int>(static_cast<long long>(n) * t / shares) / align * align);
}

// Off unless forced on (force_row_groups): on the eighth session's Zen 5 VM, W3 at 2 threads ran 6-11 % slower this
// way than with each product split over the threads (interleaved fits with other processes under 10 % of a core:
// 201k samples/s against 213k; an earlier version, 211k against 236k), though it moves as much between the cores
// and waits twice a step instead of about ten times. The one-pass path stays the default until a quiet bench says
// otherwise (bench/engine.bench.js runs W3 both ways).
std::atomic<int> g_row_groups{0};

}  // namespace

void force_row_groups(int mode) { g_row_groups.store(mode); }

int Network::row_groups(int rows) const {
  const bool on = g_row_groups.load(std::memory_order_relaxed) == 1;
  return on && groups_ok_ && rows >= kGroups * kGroupRows ? kGroups : 1;
}

double Network::step_groups(const float* x, const float* y, const int32_t* yi, const float* sw, int rows,
                            uint64_t epoch, uint64_t batch, MetricSet& metrics) {
  const int G = row_groups(rows), od = output_dim(), L = static_cast<int>(layers_.size());
  // Group boundaries on the micro-kernel's MR rows: each group's products then have as many row tiles as the whole
  // batch's (64 rows of 10-row tiles would compute 70).
  const int mr = gemm_config().kernels->mr;
  int off[kGroups + 1];
  for (int g = 0; g <= G; ++g)
    off[g] = g == G ? rows : static_cast<int>(static_cast<long long>(rows) * g / G) / mr * mr;
  const bool parallel = num_threads() >= 2 && 6.0 * static_cast<double>(rows) * param_count() >= kParallelFlops;
  Workspace& ws = fit_ws_;
  double loss[kGroups];
  auto group_loss = [&](int g, const float* p) {
    const int o = off[g];
    return loss_and_metrics(p, off[g + 1] - o, y ? y + static_cast<size_t>(o) * od : nullptr, yi ? yi + o : nullptr,
                            sw ? sw + o : nullptr, ws.g0.data() + static_cast<size_t>(o) * od, ws, nullptr, rows, o);
  };
  const float* p = nullptr;
  if (parallel) {
    steps_.clear();  // every array's step coefficients, here: array_step updates Nadam's cache
    for (size_t a = 0; a < arrays_.size(); ++a)
      steps_.push_back(array_step(static_cast<int>(a), grads_.data() + arrays_[a].off, false));
    ws.dz.resize(L);
    for (int i = 0; i + 1 < L; ++i) ws.dz[i].reserve(static_cast<size_t>(ws.rows) * layers_[i].units);
    ws.dzp.assign(L, nullptr);
    struct Job {
      Network& net;
      decltype(group_loss)& loss_of;
      const float* x;
      const int* off;
      double* loss;
      const float** p;
      uint64_t epoch, batch;
      int rows, shares;
      // Group g: forward, loss, dZ and dX of its rows.
      void group(int g) {
        Workspace& w = net.fit_ws_;
        const int o = off[g], r = off[g + 1] - o;
        const float* pg = net.forward(net.params_.data(), x + static_cast<size_t>(o) * net.input_dim(), r, w, true,
                                      epoch, batch, nullptr, false, o);
        if (g == 0) *p = pg;
        loss[g] = loss_of(g, pg);
        net.backward_rows(o, r, w);
      }
      // Share t of every kernel's rows, and of the bias arrays: their gradients over the batch and steps.
      void share(int t) {
        const Workspace& w = net.fit_ws_;
        for (size_t i = 0; i < net.layers_.size(); ++i) {
          const LayerSpec& l = net.layers_[i];
          if (!l.dense() || static_cast<int>(i) < net.first_backward_) continue;
          const int ka = net.kernel_of_[i];
          net.kernel_step(static_cast<int>(i), share_bound(l.in, t, shares, 16), share_bound(l.in, t + 1, shares, 16),
                          rows, w.in[i], w.dzp[i], net.steps_[ka].lr, &net.steps_[ka],
                          net.grads_.data() + net.arrays_[ka].off);
          const int ba = net.bias_of_[i];
          if (ba < 0 || static_cast<int>(i) % shares != t) continue;
          vec().col_sums(w.dzp[i], rows, l.units, net.grads_.data() + net.arrays_[ba].off);
          net.steps_[ba].apply(0, net.arrays_[ba].len);
        }
      }
    } job{*this, group_loss, x, off, loss, &p, epoch, batch, rows, num_threads()};
    parallel_for(G, [&job](int g) { job.group(g); });
    parallel_for(job.shares, [&job](int t) { job.share(t); });
  } else {
    p = forward(params_.data(), x, rows, ws, true, epoch, batch, nullptr);
    for (int g = 0; g < G; ++g) loss[g] = group_loss(g, p + static_cast<size_t>(off[g]) * od);
    backward(params_.data(), params_.data(), grads_.data(), rows, ws, true, Mode::Train);
  }
  double s = 0.0;
  for (int g = 0; g < G; ++g) {
    const int o = off[g];
    metrics.add(p + static_cast<size_t>(o) * od, off[g + 1] - o, y ? y + static_cast<size_t>(o) * od : nullptr,
                yi ? yi + o : nullptr, sw ? sw + o : nullptr);
    s += loss[g];
  }
  return s;
}

void Network::backward_rows(int row0, int rows, Workspace& ws) {
  const VecKernels& k = vec();
  const int L = static_cast<int>(layers_.size());
  const auto at = [row0](int width) { return static_cast<size_t>(row0) * width; };
  float* g = ws.g0.data() + at(output_dim());
  bool dz_ready = false;  // g already holds dZ of the Dense layer below (dX's epilogue)
  for (int i = L - 1; i >= first_backward_; --i) {
    const LayerSpec& l = layers_[i];
    if (!l.dense()) {  // Dropout
      if (l.rate > 0.f) k.mul(g, ws.mask[i].data() + at(l.units), static_cast<size_t>(rows) * l.units);
      continue;
    }
    if (!(i == L - 1 && fused_output_) && !dz_ready)
      k.act_backward(static_cast<int>(l.act), ws.out[i].data() + at(l.units),
                     needs_z(l.act) ? ws.z[i].data() + at(l.units) : nullptr, g, rows, l.units, nullptr);
    dz_ready = false;
    if (row0 == 0) ws.dzp[i] = g;
    if (i == first_backward_) break;
    // dX = dZ W^T, with the derivative of a Dense layer right below in its epilogue, into a buffer of its own: every
    // layer's dZ is kept for the kernel gradients.
    Epilogue ep;
    const LayerSpec& below = layers_[i - 1];
    if (below.dense() && below.act != Act::Softmax && below.units > 1) {
      ep.dact = below.act;
      ep.dact_y = ws.out[i - 1].data() + at(l.in);
      ep.dact_z = needs_z(below.act) ? ws.z[i - 1].data() + at(l.in) : nullptr;
      dz_ready = true;
    }
    float* dx = ws.dz[i - 1].data() + at(l.in);
    gemm(false, true, rows, l.in, l.units, 1.f, g, l.units, params_.data() + arrays_[kernel_of_[i]].off, l.units, 0.f,
         dx, l.in, ep);
    g = dx;
  }
}

bool Network::sgd_in_gemm() const {
  const OptimizerSpec& o = spec_.opt;
  return o.kind == OptId::Sgd && !o.nesterov && o.clip_value == 0.f && o.weight_decay == 0.f;
}

void Network::kernel_step(int i, int r0, int r1, int rows, const float* x, const float* dz, float lr,
                          const ArrayStep* step, float* grad) {
  if (r0 >= r1) return;
  const LayerSpec& l = layers_[i];
  const int ka = kernel_of_[i];
  const size_t at = static_cast<size_t>(r0) * l.units;
  float* w = params_.data() + arrays_[ka].off + at;
  x += r0;
  if (sgd_in_gemm() && spec_.opt.momentum == 0.f) {
    // w -= lr * X^T dZ straight from the GEMM.
    gemm(true, false, r1 - r0, l.units, rows, -lr, x, l.in, dz, l.units, 1.f, w, l.units);
  } else if (sgd_in_gemm()) {
    // v = mu v - lr * X^T dZ straight from the GEMM, and w += v on each block of v as it is finished.
    float* v = slots_.data() + slot_off_[ka] + at;
    BlockStep bs{nullptr, w, v, l.units};
    gemm(true, false, r1 - r0, l.units, rows, -lr, x, l.in, dz, l.units, spec_.opt.momentum, v, l.units, bs.epilogue());
  } else {
    // The optimizer step on each block of the gradient as the GEMM finishes it (still in cache).
    const ArrayStep s = step->from(at);
    BlockStep bs{&s, nullptr, nullptr, l.units};
    gemm(true, false, r1 - r0, l.units, rows, 1.f, x, l.in, dz, l.units, 0.f, grad + at, l.units, bs.epilogue());
  }
}

}  // namespace myelin::engine
