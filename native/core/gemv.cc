// The inference row path: a few rows times a B packed once (PackedB), by the ISA's row kernel
// (kernels/common/gemm_rows.inc), its columns split over the pool's threads when B is large.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "core/gemm.h"
#include "core/gemm_kernel.h"
#include "core/thread_pool.h"

namespace myelin {
namespace {

// The row kernel splits a B by columns over the pool's threads into parts of at least this many floats (256 KiB):
// each core then streams its own part, which stays in its L2 between calls (the caller always takes part 0).
// Smaller parts gain less than the hand-off costs (about 1 us between the two cores of a Zen 5 VM): single-row W4 took
// 9 us with its 128 KiB layer split too, 8 us with only its 800 KB layer split, 11.8 us unsplit (medians).
constexpr size_t kRowSplitFloats = 65536;

// A worker starts its part about a microsecond after the caller starts part 0 (the hand-off, measured on the Zen 5
// VM), in which a core streams about this much of B: part 0 is that much wider than the others, so all end together.
// W4's 800 KB layer at 2 threads: 5 of its 8 panels to the caller, 3 to the worker; 5.8 against 7.0 us a row.
constexpr size_t kHandoffFloats = 32768;

}  // namespace

void gemv_packed(int rows, const float* x, int ldx, const PackedB& b, const float* bias, float* y, int ldy, int parts) {
  if (rows <= 0) return;
  const GemmKernels& K = *b.kernels();
  const int panels = b.n_pad() / K.nr;
  if (parts <= 0) parts = static_cast<int>(static_cast<size_t>(b.k()) * b.n_pad() / kRowSplitFloats);
  parts = std::max(1, std::min({parts, panels, num_threads(), 64}));
  // Panel edges: part 0 gets an equal share plus kHandoffFloats for each other part, in whole panels.
  const double panel_floats = static_cast<double>(b.k()) * K.nr;
  const double worker = std::max(0.0, (panels * panel_floats - kHandoffFloats) / parts);
  auto edge = [&](int i) {
    if (i == 0) return 0;
    if (i == parts) return panels;
    return std::min(panels,
                    static_cast<int>(std::lround((panels * panel_floats - (parts - i) * worker) / panel_floats)));
  };
  auto part = [&](int i) {
    const int j0 = edge(i) * K.nr, j1 = std::min(b.n(), edge(i + 1) * K.nr);
    K.rows_packed(rows, x, ldx, b.data(), b.k(), b.kc(), b.n(), j0, j1, bias, y, ldy);
  };
  if (parts == 1) return part(0);
  // Waking a sleeping worker takes longer than a part (worker asleep: 23 us per W4 row unsplit, 64 us split and
  // woken, Zen 5 VM). It pays when rows come back to back, and the worker then stays awake, so only a call that
  // follows the last one within the pool's spin time (kPoolSpin) wakes it.
  static std::atomic<int64_t> last_call{0};
  const int64_t now =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  parallel_for(parts, part, now - last_call.exchange(now, std::memory_order_relaxed) < kPoolSpin.count());
}

}  // namespace myelin
