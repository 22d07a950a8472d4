// Data parallelism in fit. A batch of enough rows is split into row groups, their number from the batch and the
// network alone. With threads, each group runs forward, loss and the backward pass's dZ and dX on its own thread and
// workspace (the GEMMs inside run on that thread: thread_pool.h), with no exchange between threads until the end of
// the backward pass; then each thread computes its share of every kernel gradient's rows, summed over the groups
// (it reads the other groups' inputs and dZ for its rows: less than their partial gradients), and takes the
// optimizer step on them. One thread computes the same sums: the forward pass and dX on the whole batch (a row's
// values do not depend on its group), each kernel gradient group after group with the same products (the next
// group's adding onto the last's C), bias gradients and the loss per group, then summed in group order. So every
// thread count gives the same bits.
#include <algorithm>
#include <atomic>

#include "core/engine/block_step.h"
#include "core/engine/network.h"
#include "core/gemm.h"
#include "core/gemm_config.h"
#include "core/gemm_kernel.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace myelin::engine {
namespace {

// Two groups of at least 64 rows: fewer rows per group make the weight-gradient products (k = the group's rows)
// store their C more often than they compute. The number must not depend on the thread count (bits).
constexpr int kGroups = 2;
constexpr int kGroupRows = 64;
// Groups run on separate threads when a step has at least this many flops (about 6 per parameter and row):
// below, the two hand-offs of a step cost more than they save.
constexpr double kParallelFlops = 4e6;

// Share t of `shares` of [0, n), on multiples of `align`.
int share_bound(int n, int t, int shares, int align) {
  return t == shares ? n : std::min(n, static_cast<int>(static_cast<long long>(n) * t / shares) / align * align);
}

// Off unless forced on (force_row_groups): on the eighth session's Zen 5 VM, W3 at 2 threads ran ~8 % slower this
// way than with each product split over the threads (interleaved quiet rounds: 228-254k samples/s against
// 245-280k; 1 thread 1-3 % slower), so the one-pass path stays the default until a quiet bench says otherwise.
std::atomic<int> g_row_groups{0};

}  // namespace

void force_row_groups(int mode) { g_row_groups.store(mode); }

int Network::row_groups(int rows) const {
  const bool on = g_row_groups.load(std::memory_order_relaxed) == 1;
  return on && groups_ok_ && rows >= kGroups * kGroupRows ? kGroups : 1;
}

double Network::step_groups(const float* x, const float* y, const int32_t* yi, const float* sw, int rows,
                            uint64_t epoch, uint64_t batch, MetricSet& metrics) {
  const int G = row_groups(rows), od = output_dim();
  int off[kGroups + 1], count[kGroups];
  // Group boundaries on the micro-kernel's MR rows: each group's products then have as many row tiles as the whole
  // batch's (64 rows of 10-row tiles would compute 70). The bits depend on the GEMM config, not on the thread count.
  const int mr = gemm_config().kernels->mr;
  for (int g = 0; g <= G; ++g)
    off[g] = g == G ? rows : static_cast<int>(static_cast<long long>(rows) * g / G) / mr * mr;
  for (int g = 0; g < G; ++g) count[g] = off[g + 1] - off[g];
  const bool parallel = num_threads() >= 2 && 6.0 * static_cast<double>(rows) * param_count() >= kParallelFlops;
  // Group 0's gradients are summed into grads_; group g's are in group_grads_[g] where they are not added in place.
  if (static_cast<int>(group_grads_.size()) < G) group_grads_.resize(G);
  float* grads[kGroups] = {grads_.data()};
  for (int g = 1; g < G; ++g) {
    group_grads_[g].reserve(total_);
    grads[g] = group_grads_[g].data();
  }
  // Every array's step coefficients, here: array_step updates Nadam's cache.
  steps_.clear();
  for (size_t a = 0; a < arrays_.size(); ++a)
    steps_.push_back(array_step(static_cast<int>(a), grads_.data() + arrays_[a].off, false));
  double loss[kGroups];
  const float* p[kGroups];
  auto group_loss = [&](int g, const float* pg, float* grad, Workspace& w) {
    const int o = off[g];
    return loss_and_metrics(pg, count[g], y ? y + static_cast<size_t>(o) * od : nullptr, yi ? yi + o : nullptr,
                            sw ? sw + o : nullptr, grad, w, nullptr, rows);
  };
  if (parallel) {
    if (static_cast<int>(group_ws_.size()) < G) group_ws_.resize(G);
    for (int g = 0; g < G; ++g) reserve(group_ws_[g], count[g], false);
    struct Job {
      Network& net;
      decltype(group_loss)& loss_of;
      const float* x;
      const int *off, *count;
      float** grads;
      const float** p;
      double* loss;
      uint64_t epoch, batch;
      int groups, shares;
      // Group g: forward, loss, dZ of every layer and the bias gradients.
      void group(int g) {
        Workspace& w = net.group_ws_[g];
        const int part[2] = {0, count[g]};
        p[g] = net.forward(net.params_.data(), x + static_cast<size_t>(off[g]) * net.input_dim(), count[g], w, true,
                           epoch, batch, nullptr, false, off[g]);
        loss[g] = loss_of(g, p[g], w.g0.data(), w);
        net.backward_groups(count[g], w, 1, part, grads + g, false);
      }
      // Share t of every layer's kernel and bias rows: the groups' sums and the optimizer step.
      void share(int t) {
        for (size_t i = 0; i < net.layers_.size(); ++i) {
          const LayerSpec& l = net.layers_[i];
          if (!l.dense() || static_cast<int>(i) < net.first_backward_) continue;
          const float *in[kGroups], *dz[kGroups];
          for (int q = 0; q < groups; ++q) in[q] = net.group_ws_[q].in[i], dz[q] = net.group_ws_[q].dzp[i];
          net.kernel_step(static_cast<int>(i), share_bound(l.in, t, shares, 16), share_bound(l.in, t + 1, shares, 16),
                          groups, in, dz, count);
          if (net.bias_of_[i] >= 0)
            net.bias_step(static_cast<int>(i), share_bound(l.units, t, shares, 16),
                          share_bound(l.units, t + 1, shares, 16), groups, grads);
        }
      }
    } job{*this, group_loss, x, off, count, grads, p, loss, epoch, batch, G, num_threads()};
    parallel_for(G, [&job](int g) { job.group(g); });
    parallel_for(job.shares, [&job](int t) { job.share(t); });
  } else {
    Workspace& ws = fit_ws_;
    const float* out = forward(params_.data(), x, rows, ws, true, epoch, batch, nullptr);
    for (int g = 0; g < G; ++g) {
      p[g] = out + static_cast<size_t>(off[g]) * od;
      loss[g] = group_loss(g, p[g], ws.g0.data() + static_cast<size_t>(off[g]) * od, ws);
    }
    backward_groups(rows, ws, G, off, grads, true);
  }
  double s = 0.0;
  for (int g = 0; g < G; ++g) {
    const int o = off[g];
    metrics.add(p[g], count[g], y ? y + static_cast<size_t>(o) * od : nullptr, yi ? yi + o : nullptr,
                sw ? sw + o : nullptr);
    s += loss[g];
  }
  return s;
}

void Network::backward_groups(int rows, Workspace& ws, int groups, const int* off, float* const* grads, bool apply) {
  const VecKernels& k = vec();
  const int L = static_cast<int>(layers_.size());
  ws.dz.resize(L);
  ws.dzp.assign(L, nullptr);
  float* g = ws.g0.data();
  bool dz_ready = false;  // g already holds dZ of the Dense layer below (dX's epilogue)
  for (int i = L - 1; i >= first_backward_; --i) {
    const LayerSpec& l = layers_[i];
    if (!l.dense()) {  // Dropout
      if (l.rate > 0.f) k.mul(g, ws.mask[i].data(), static_cast<size_t>(rows) * l.units);
      continue;
    }
    if (!(i == L - 1 && fused_output_) && !dz_ready)
      k.act_backward(static_cast<int>(l.act), ws.out[i].data(), needs_z(l.act) ? ws.z[i].data() : nullptr, g, rows,
                     l.units, nullptr);
    dz_ready = false;
    ws.dzp[i] = g;
    const int ba = bias_of_[i];
    for (int q = 0; q < groups && ba >= 0; ++q)
      k.col_sums(g + static_cast<size_t>(off[q]) * l.units, off[q + 1] - off[q], l.units, grads[q] + arrays_[ba].off);
    // dX = dZ W^T before W changes, with the derivative of a Dense layer right below in its epilogue, into a buffer
    // of its own: dZ of every layer is kept for the kernel gradients.
    if (i > first_backward_) {
      Epilogue ep;
      const LayerSpec& below = layers_[i - 1];
      if (below.dense() && below.act != Act::Softmax && below.units > 1) {
        ep.dact = below.act;
        ep.dact_y = ws.out[i - 1].data();
        ep.dact_z = needs_z(below.act) ? ws.z[i - 1].data() : nullptr;
        dz_ready = true;
      }
      ws.dz[i - 1].reserve(static_cast<size_t>(ws.rows) * l.in);
      float* dx = ws.dz[i - 1].data();
      gemm(false, true, rows, l.in, l.units, 1.f, g, l.units, params_.data() + arrays_[kernel_of_[i]].off, l.units, 0.f,
           dx, l.in, ep);
      g = dx;
    }
    if (apply) {
      const float *in[kGroups], *dz[kGroups];
      int count[kGroups];
      for (int q = 0; q < groups; ++q) {
        in[q] = ws.in[i] + static_cast<size_t>(off[q]) * l.in;
        dz[q] = ws.dzp[i] + static_cast<size_t>(off[q]) * l.units;
        count[q] = off[q + 1] - off[q];
      }
      kernel_step(i, 0, l.in, groups, in, dz, count);
      if (ba >= 0) bias_step(i, 0, static_cast<size_t>(l.units), groups, grads);
    }
  }
}

void Network::kernel_step(int i, int r0, int r1, int groups, const float* const* in, const float* const* dz,
                          const int* rows) {
  if (r0 >= r1) return;
  const LayerSpec& l = layers_[i];
  const int ka = kernel_of_[i];
  const OptimizerSpec& o = spec_.opt;
  const size_t at = static_cast<size_t>(r0) * l.units, off = arrays_[ka].off + at;
  float* w = params_.data() + off;
  // Each group's product adds onto the last's C (beta 1), as backward() computes the whole batch's, in its three
  // ways: plain SGD onto the weights, SGD with momentum onto v (w += v on each finished block), else the gradient
  // (the step on each finished block).
  const bool plain_sgd = o.kind == OptId::Sgd && !o.nesterov && o.clip_value == 0.f && o.weight_decay == 0.f;
  const Network::ArrayStep step = steps_[ka].from(at);
  float* c = grads_.data() + off;
  float alpha = 1.f, beta = 0.f;
  BlockStep bs{&step, nullptr, nullptr, l.units};
  if (plain_sgd && o.momentum == 0.f) {
    c = w, alpha = -step.lr, beta = 1.f;
  } else if (plain_sgd) {
    c = slots_.data() + slot_off_[ka] + at, alpha = -step.lr, beta = o.momentum;
    bs = BlockStep{nullptr, w, c, l.units};
  }
  for (int q = 0; q < groups; ++q) {
    const bool last = q + 1 == groups, stepped = !(plain_sgd && o.momentum == 0.f);
    gemm(true, false, r1 - r0, l.units, rows[q], alpha, in[q] + r0, l.in, dz[q], l.units, q > 0 ? 1.f : beta, c,
         l.units, last && stepped ? bs.epilogue() : Epilogue());
  }
}

void Network::bias_step(int i, size_t b0, size_t b1, int groups, float* const* grads) {
  if (b0 >= b1) return;
  const int ba = bias_of_[i];
  const size_t o = arrays_[ba].off + b0;
  for (int q = 1; q < groups; ++q) vec().add_to(grads[0] + o, grads[q] + o, b1 - b0);
  steps_[ba].apply(b0, b1 - b0);
}

}  // namespace myelin::engine
