// Input halves. In a training step, the first Dense layer's kernel (the largest: W3's 784 x 256 is 800 KB) is split
// by its rows, the layer's inputs, into two halves, each read, differentiated and updated by the same thread every
// step. Its lines then never move between the cores: on a VM whose two vCPUs sit on different dies, writing a line
// the other core has read costs ~19x a local write (400 KB: 78 against 4 us on the ninth session's Zen 5), and W3's
// first layer, read by columns in the forward product and updated by rows, paid it every step.
// The forward product is two partial products, X[:, half] W[half, :], added before the bias and activation (that
// order at any thread count, so the bits do not depend on it); the batch's inputs are gathered by the same halves.
// With more than two threads, each half's products are split further by columns.
#include <algorithm>

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

// The tasks of a step in halves: 2 x `cols` (half t / cols, column share t % cols of `cols`), one per thread.
struct Grid {
  int cols;
  Grid() : cols(std::max(1, num_threads() / 2)) {}
  int tasks() const { return 2 * cols; }
  // Column share j of n columns, on multiples of the micro-kernel's width.
  static int bound(int n, int j, int cols) {
    const int nr = gemm_config().kernels->nr;
    return j == cols ? n : std::min(n, static_cast<int>(static_cast<long long>(n) * j / cols) / nr * nr);
  }
};

}  // namespace

void Network::plan_halves() {
  halves_layer_ = -1;
  halves_at_ = 0;
  const int i = first_backward_;
  if (i < 0) return;
  const LayerSpec& l = layers_[i];
  const OptimizerSpec& o = spec_.opt;
  // Where the kernel is large and each half keeps a deep product; with the step fused into the gradient GEMM
  // (kernel_step: no penalties, no clipping by a norm).
  if (!l.dense() || l.act == Act::Softmax || l.in < 256 || static_cast<size_t>(l.in) * l.units < 65536 || l.l1 != 0.f ||
      l.l2 != 0.f || o.clip_norm != 0.f || o.global_clip_norm != 0.f)
    return;
  halves_layer_ = i;
  halves_at_ = l.in / 2 / 16 * 16;  // a multiple of a cache line's floats
}

void Network::forward_halves(int i, const float* kernel, const float* bias, const float* x, int rows, float* pre,
                             float* y, Workspace& ws) const {
  const LayerSpec& l = layers_[i];
  const int h = halves_at(i), n = l.units;
  float* part = ws.part.data();
  const Grid grid;
  parallel_for(grid.tasks(), [&](int t) {
    const int s = t / grid.cols, c0 = Grid::bound(n, t % grid.cols, grid.cols),
              c1 = Grid::bound(n, t % grid.cols + 1, grid.cols);
    if (c0 >= c1) return;
    const int k0 = s ? h : 0, k = s ? l.in - h : h;
    gemm(false, false, rows, c1 - c0, k, 1.f, x + k0, l.in, kernel + static_cast<size_t>(k0) * n + c0, n, 0.f,
         (s ? part : pre) + c0, n);
  });
  // pre = (pre + part) + bias, then the activation into y, each thread on its rows.
  const int tasks = grid.tasks();
  parallel_for(tasks, [&](int t) {
    const VecKernels& k = vec();
    const int r0 = rows * t / tasks, r1 = rows * (t + 1) / tasks;
    for (int r = r0; r < r1; ++r) {
      float* row = pre + static_cast<size_t>(r) * n;
      k.add_to(row, part + static_cast<size_t>(r) * n, n);
      if (bias) k.add_to(row, bias, n);
    }
    const size_t o = static_cast<size_t>(r0) * n, c = static_cast<size_t>(r1 - r0) * n;
    k.act_forward(static_cast<int>(l.act), pre + o, y + o, c);
  });
}

void Network::kernel_step_halves(int i, int rows, const float* x, const float* dz, float lr, const ArrayStep* step,
                                 float* grad) {
  const LayerSpec& l = layers_[i];
  const int h = halves_at(i);
  const Grid grid;
  parallel_for(grid.tasks(), [&](int t) {
    const int s = t / grid.cols, j = t % grid.cols;
    kernel_step(i, s ? h : 0, s ? l.in : h, Grid::bound(l.units, j, grid.cols), Grid::bound(l.units, j + 1, grid.cols),
                rows, x, dz, lr, step, grad);
  });
}

bool Network::sgd_in_gemm() const {
  const OptimizerSpec& o = spec_.opt;
  return o.kind == OptId::Sgd && !o.nesterov && o.clip_value == 0.f && o.weight_decay == 0.f;
}

void Network::kernel_step(int i, int r0, int r1, int c0, int c1, int rows, const float* x, const float* dz, float lr,
                          const ArrayStep* step, float* grad) {
  if (r0 >= r1 || c0 >= c1) return;
  const LayerSpec& l = layers_[i];
  const int ka = kernel_of_[i], m = r1 - r0, n = c1 - c0;
  const size_t at = static_cast<size_t>(r0) * l.units + c0;
  float* w = params_.data() + arrays_[ka].off + at;
  x += r0;
  dz += c0;
  if (sgd_in_gemm() && spec_.opt.momentum == 0.f) {
    // w -= lr * X^T dZ straight from the GEMM.
    gemm(true, false, m, n, rows, -lr, x, l.in, dz, l.units, 1.f, w, l.units);
  } else if (sgd_in_gemm()) {
    // v = mu v - lr * X^T dZ straight from the GEMM, and w += v on each block of v as it is finished.
    float* v = slots_.data() + slot_off_[ka] + at;
    BlockStep bs{nullptr, w, v, l.units};
    gemm(true, false, m, n, rows, -lr, x, l.in, dz, l.units, spec_.opt.momentum, v, l.units, bs.epilogue());
  } else {
    // The optimizer step on each block of the gradient as the GEMM finishes it (still in cache).
    const ArrayStep s = step->from(at);
    BlockStep bs{&s, nullptr, nullptr, l.units};
    gemm(true, false, m, n, rows, 1.f, x, l.in, dz, l.units, 0.f, grad + at, l.units, bs.epilogue());
  }
}

}  // namespace myelin::engine
