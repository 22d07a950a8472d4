// The epoch loop (fit), evaluation, inference and the gradient probe used by tests.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/engine/network.h"
#include "core/engine/rng.h"
#include "core/finite.h"
#include "core/gemm_config.h"
#include "core/gemm_kernel.h"
#include "core/thread_pool.h"
#include "kernels/common/simd_inline.h"

namespace myelin::engine {
namespace {

// Rows per forward pass in predict, about: bounds the workspaces, and lets a batch of 1024 rows run as
// four independent chunks on separate threads. Large enough that packing the weights once per chunk is cheap.
constexpr int kPredictChunk = 256;

// The chunk predict uses for `rows`: as many chunks as kPredictChunk gives, of equal size rounded up to the
// micro-kernel's MR rows, so only the last chunk ends on a part tile (1024 rows in chunks of 256 left a
// 6-row tile of 10 per chunk and layer, computed whole with its A packed) and threads get even shares. A
// row's value does not depend on its tile: the chunk changes no result.
int predict_chunk(int rows) {
  const int mr = gemm_config().kernels->mr;
  const int chunks = std::max(1, (rows + kPredictChunk - 1) / kPredictChunk);
  return std::max(mr, ((rows + chunks - 1) / chunks + mr - 1) / mr * mr);
}

// dst row i = src row idx[i]; short rows are copied inline (a memcpy call per 8 bytes costs more). split > 0: the
// columns before it and those after are copied by different threads, as the first layer's input halves are read
// (halves.cc), so that no thread writes lines another one read in the previous step.
void gather_rows(float* dst, const float* src, const int32_t* idx, int rows, int cols, int split = 0) {
  if (cols <= 8) {
    for (int i = 0; i < rows; ++i) {
      const float* s = src + static_cast<size_t>(idx[i]) * cols;
      for (int j = 0; j < cols; ++j) dst[static_cast<size_t>(i) * cols + j] = s[j];
    }
    return;
  }
  struct Job {
    float* dst;
    const float* src;
    const int32_t* idx;
    int rows, cols, per;
    int c0 = 0, c1 = cols;  // the columns copied
    // The rows are random, so the hardware prefetcher starts on each only after its first misses: the rows
    // kAhead bytes ahead are prefetched meanwhile (W3's 128 rows of 3 KB: 47 us instead of 59 at one thread
    // on Zen 5; twice as far ahead was slower: too many prefetches in flight).
    void copy(int begin, int end) const {
      constexpr size_t kAhead = 6144;
      const size_t bytes = (c1 - c0) * sizeof(float), head = std::min(bytes, kAhead);
      const int ahead = static_cast<int>(std::max<size_t>(1, kAhead / bytes));
      const auto prefetch = [&](int i) {
        const char* s = reinterpret_cast<const char*>(src + static_cast<size_t>(idx[i]) * cols + c0);
        for (size_t b = 0; b < head; b += 64) MYELIN_PREFETCH(s + b);
      };
      for (int i = begin; i < std::min(end, begin + ahead); ++i) prefetch(i);
      for (int i = begin; i < end; ++i) {
        if (i + ahead < end) prefetch(i + ahead);
        std::memcpy(dst + static_cast<size_t>(i) * cols + c0, src + static_cast<size_t>(idx[i]) * cols + c0, bytes);
      }
    }
  };
  // Random rows come from DRAM: several threads keep more loads in flight.
  const int threads = num_threads();
  Job job{dst, src, idx, rows, cols, (rows + threads - 1) / threads};
  if (threads < 2 || static_cast<size_t>(rows) * cols < 65536) {
    job.copy(0, rows);
    return;
  }
  if (split > 0) {  // 2 x (threads / 2) tasks: a half of the columns, a share of the rows
    const int shares = std::max(1, threads / 2);
    job.per = (rows + shares - 1) / shares;
    parallel_for(2 * shares, [&job, split, shares](int t) {
      Job j = job;
      (t < shares ? j.c1 : j.c0) = split;
      const int r = t % shares;
      j.copy(r * j.per, std::min(j.rows, (r + 1) * j.per));
    });
    return;
  }
  // One pointer of capture: std::function stores it inline, so no allocation per batch.
  parallel_for(threads, [&job](int t) { job.copy(t * job.per, std::min(job.rows, (t + 1) * job.per)); });
}

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

}  // namespace

long long Network::predict(const float* x, int rows, float* out, const std::atomic<bool>* cancel,
                           bool check_finite) const {
  std::lock_guard<std::mutex> lk(snap_mu_);
  pack_snapshot();
  const int in = input_dim(), od = output_dim();
  const int chunk = predict_chunk(rows);
  const int chunks = (rows + chunk - 1) / chunk;
  // Chunks on separate threads when each thread gets at least two (one chunk more or less is then a
  // small imbalance); fewer rows run chunk after chunk, each with the threads inside its GEMMs.
  const int threads = chunks >= 2 * num_threads() ? num_threads() : 1;
  // Workspaces persist across calls (guarded by snap_mu_): a predict allocates only its output.
  if (predict_ws_.size() < static_cast<size_t>(threads)) predict_ws_.resize(threads);
  std::atomic<bool> bad{false};  // a chunk held NaN/Infinity: stop
  auto stopped = [&] { return cancelled(cancel) || bad.load(std::memory_order_relaxed); };
  // A first Dense layer checks its input as its GEMM finishes each block (Epilogue::nonfinite): x is read from
  // memory once, by the GEMM, instead of by a scan first. A flag is confirmed on x (it may be an overflow).
  const bool fused_check = check_finite && layers_.front().dense();
  auto run_chunk = [&](int c, Workspace& w) {
    const int start = c * chunk, r = std::min(chunk, rows - start);
    const float* xc = x + static_cast<size_t>(start) * in;
    const size_t n = static_cast<size_t>(r) * in;
    if (check_finite && !fused_check && first_non_finite(xc, n) >= 0) {
      bad.store(true);
      return;
    }
    std::atomic<bool> flagged{false};
    w.nonfinite = fused_check ? &flagged : nullptr;
    float* dst = out + static_cast<size_t>(start) * od;
    const float* y = forward(snap_.data(), xc, r, w, false, 0, 0, dst, true);
    w.nonfinite = nullptr;
    if (flagged.load() && first_non_finite(xc, n) >= 0) {
      bad.store(true);
      return;
    }
    if (y != dst) std::memcpy(dst, y, static_cast<size_t>(r) * od * sizeof(float));
  };
  if (threads < 2) {
    reserve(predict_ws_[0], std::min(rows, chunk), false);
    for (int c = 0; c < chunks && !stopped(); ++c) run_chunk(c, predict_ws_[0]);
  } else {
    // Each thread runs whole chunks through every layer (the GEMMs inside run on that thread alone), so
    // threads never wait on each other between layers; chunks are taken in turn, so a thread the OS
    // delays holds none back. Chunk boundaries do not depend on the thread count, nor do the results.
    struct Job {
      decltype(run_chunk)& run;
      decltype(stopped)& stop;
      std::vector<Workspace>& wss;
      int chunks;
      std::atomic<int> next{0};
    } job{run_chunk, stopped, predict_ws_, chunks};
    for (int t = 0; t < threads; ++t) reserve(predict_ws_[t], chunk, false);
    parallel_for(threads, [&job](int t) {
      for (int c = job.next.fetch_add(1); c < job.chunks && !job.stop(); c = job.next.fetch_add(1))
        job.run(c, job.wss[t]);
    });
  }
  // The first bad value of all (threads may have stopped past an earlier chunk's): the error path only.
  return bad.load() ? first_non_finite(x, static_cast<size_t>(rows) * in) : -1;
}

void Network::pack_snapshot() const {
  bool fresh = packed_version_ == snap_version_;
  packed_.resize(layers_.size());
  for (size_t i = 0; i < layers_.size() && fresh; ++i)
    fresh = !layers_[i].dense() || packed_[i].fits(layers_[i].in, layers_[i].units);
  if (fresh) return;
  packed_version_ = ~uint64_t{0};  // until every layer is packed (a failed allocation leaves it stale)
  for (size_t i = 0; i < layers_.size(); ++i)
    if (layers_[i].dense())
      packed_[i].pack(snap_.data() + arrays_[kernel_of_[i]].off, layers_[i].units, layers_[i].in, layers_[i].units);
  size_t floats = 0;
  for (const PackedB& p : packed_) floats += p.floats();
  packed_floats_.store(floats);
  packed_version_ = snap_version_;
}

std::vector<double> Network::evaluate_on(const float* W, const Data& d, int batch_size, Workspace& ws,
                                         const std::atomic<bool>* cancel) const {
  const int in = input_dim(), od = output_dim();
  MetricSet metrics(spec_.metrics, spec_.metric_args, od);
  const size_t m = metrics.size();
  double loss_sum = 0.0;
  const int b = std::max(1, std::min(batch_size, d.rows));
  reserve(ws, b, false);
  for (int start = 0; start < d.rows && !cancelled(cancel); start += b) {
    const int r = std::min(b, d.rows - start);
    const float* p = forward(W, d.x + static_cast<size_t>(start) * in, r, ws, false, 0, 0, nullptr);
    loss_sum += loss_and_metrics(p, r, d.y ? d.y + static_cast<size_t>(start) * od : nullptr,
                                 d.yi ? d.yi + start : nullptr, d.sw ? d.sw + start : nullptr, nullptr, ws, &metrics);
  }
  std::vector<double> res(1 + m);
  res[0] = loss_sum / d.rows + penalty(W);
  for (size_t k = 0; k < m; ++k) res[1 + k] = metrics.result(k);
  return res;
}

std::vector<double> Network::evaluate(const Data& d, int batch_size, const std::atomic<bool>* cancel) const {
  FloatBuf w(total_);
  {
    std::lock_guard<std::mutex> lk(snap_mu_);
    std::memcpy(w.data(), snap_.data(), total_ * sizeof(float));
  }
  Workspace ws;
  return evaluate_on(w.data(), d, batch_size, ws, cancel);
}

double Network::gradients(const Data& d, const std::vector<float*>& grads, bool training) const {
  std::lock_guard<std::mutex> lk(snap_mu_);
  Workspace ws;
  reserve(ws, d.rows, false);
  FloatBuf g(total_);
  const float* p = forward(snap_.data(), d.x, d.rows, ws, training, 0, 0, nullptr);
  const double s = loss_and_metrics(p, d.rows, d.y, d.yi, d.sw, ws.g0.data(), ws, nullptr);
  // GradsOnly never writes parameters or optimizer state, so the const_cast changes nothing shared.
  const double pen =
      const_cast<Network*>(this)->backward(snap_.data(), nullptr, g.data(), d.rows, ws, training, Mode::GradsOnly);
  for (size_t a = 0; a < arrays_.size(); ++a)
    std::memcpy(grads[a], g.data() + arrays_[a].off, arrays_[a].len * sizeof(float));
  return s / d.rows + pen;
}

FitOutcome Network::fit(const FitOptions& o) {
  if (!compiled_) throw std::logic_error("fit before compile");
  FitOutcome out;
  const Data& d = o.train;
  const int n = d.rows, in = input_dim(), od = output_dim();
  const int b = std::max(1, std::min(o.batch_size, n));
  const int batches = (n + b - 1) / b;
  MetricSet metrics(spec_.metrics, spec_.metric_args, od);
  const size_t m = metrics.size();
  // Kept across calls: fresh buffers cost a page fault per 4 KiB on first touch (W3: ~1 MB of them, 2-3 ms per
  // call on a loaded VM, where faults are slow), the same at every thread count.
  Workspace& ws = fit_ws_;
  reserve(ws, b, true);
  std::vector<int32_t> perm(o.shuffle ? n : 0);
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_progress = Clock::now();
  const auto progress_every = std::chrono::milliseconds(o.progress_ms);
  out.logs.reserve(static_cast<size_t>(o.epochs) * (1 + m) * (o.has_val ? 2 : 1));

  for (int e = 0; e < o.epochs; ++e) {
    const int epoch = o.initial_epoch + e;
    if (o.shuffle) shuffle_rows(perm.data(), n, o.seed, static_cast<uint64_t>(epoch));
    metrics.reset();
    double loss_sum = 0.0;
    for (int bi = 0; bi < batches; ++bi) {
      const int start = bi * b;
      const int r = std::min(b, n - start);
      const float *x, *y = nullptr, *sw = nullptr;
      const int32_t* yi = nullptr;
      if (!o.shuffle) {  // batches are contiguous rows: no copy
        x = d.x + static_cast<size_t>(start) * in;
        if (d.y) y = d.y + static_cast<size_t>(start) * od;
        if (d.yi) yi = d.yi + start;
        if (d.sw) sw = d.sw + start;
      } else {
        gather_rows(ws.xb.data(), d.x, perm.data() + start, r, in, ws.part.data() ? halves_at(0) : 0);
        x = ws.xb.data();
        if (d.y) {
          gather_rows(ws.yb.data(), d.y, perm.data() + start, r, od);
          y = ws.yb.data();
        }
        if (d.yi) {
          for (int i = 0; i < r; ++i) ws.ib[i] = d.yi[perm[start + i]];
          yi = ws.ib.data();
        }
        if (d.sw) {
          for (int i = 0; i < r; ++i) ws.swb.data()[i] = d.sw[perm[start + i]];
          sw = ws.swb.data();
        }
      }
      const float* p =
          forward(params_.data(), x, r, ws, true, static_cast<uint64_t>(epoch), static_cast<uint64_t>(bi), nullptr);
      // The owner is going away (worker.terminate(), process.exit()): return now rather than after the
      // batch; here and below, so a large batch holds teardown for half its time at most.
      if (cancelled(&abort_)) {
        out.stopped = true;
        return out;
      }
      const double s = loss_and_metrics(p, r, y, yi, sw, ws.g0.data(), ws, &metrics);
      const double pen = backward(params_.data(), params_.data(), grads_.data(), r, ws, true, Mode::Train);
      ++iterations_;
      const double batch_loss = s / r + pen;
      if (!std::isfinite(batch_loss)) {
        restore_snapshot();
        out.nonfinite_epoch = epoch;
        out.nonfinite_batch = bi;
        return out;
      }
      loss_sum += batch_loss * r;
      if (cancelled(&abort_)) {
        out.stopped = true;
        return out;
      }
      if (o.on_progress) {
        const Clock::time_point now = Clock::now();
        if (now - last_progress >= progress_every) {
          last_progress = now;
          o.on_progress(epoch, bi + 1, batches, loss_sum / (start + r));
        }
      }
    }
    out.logs.push_back(loss_sum / n);
    for (size_t k = 0; k < m; ++k) out.logs.push_back(metrics.result(k));
    if (o.has_val) {
      const std::vector<double> v = evaluate_on(params_.data(), o.val, b, ws, &abort_);
      if (cancelled(&abort_)) {  // the validation pass stopped part way: its values are meaningless
        out.stopped = true;
        return out;
      }
      out.logs.insert(out.logs.end(), v.begin(), v.end());
    }
    take_snapshot();
    ++out.epochs_run;
    if (stop_.load()) {
      out.stopped = e + 1 < o.epochs;
      break;
    }
  }
  return out;
}

}  // namespace myelin::engine
