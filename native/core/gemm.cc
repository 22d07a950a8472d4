// The BLIS-style GEMM driver: loops jc (n by NC) > pc (k by KC) > ic (m by MC) > jr (NR) > ir (MR)
// around one micro-kernel per ISA (core/gemm_kernel.h). B is always packed into NR-wide panels
// (vector loads), here or once ahead (PackedB: inference weights); A is read in place when it is contiguous along m or
// k (the broadcast side needs no layout), else packed. Threads split C into disjoint column or row ranges, each running
// the whole loop nest, and K is blocked from k alone: results do not depend on the thread count.
#include "core/gemm.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

#include "core/gemm_config.h"
#include "core/gemm_kernel.h"
#include "core/gemm_small.h"
#include "core/isa.h"
#include "core/portable.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace myelin {
namespace {

// A per-thread, 64-byte aligned, growing buffer for packed panels. No destructor, on purpose: MinGW's
// emulated TLS frees a thread_local's storage before it runs the object's destructor at thread exit
// (GCC PR 80816, msys2/MINGW-packages#2519), which then freed garbage (the win32 prebuilt crashed as
// its fit thread ended). Threads that end first call release_gemm_scratch().
struct Scratch {
  float* p = nullptr;
  size_t cap = 0;

  float* get(size_t floats) {
    if (floats > cap) {
      release();
      const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
      p = static_cast<float*>(aligned_alloc64(bytes));
      if (p == nullptr) throw std::bad_alloc();
      cap = floats;
    }
    return p;
  }
  void release() {
    aligned_free64(p);
    p = nullptr;
    cap = 0;
  }
};

static_assert(std::is_trivially_destructible<Scratch>::value, "no thread_local destructors (see above)");
thread_local Scratch t_pack_a, t_pack_b;

// A strided read-only view: element (i, j) at p[i * rs + j * cs].
struct View {
  const float* p;
  ptrdiff_t rs, cs;
};

// sums[j] += C[r][j] for rows [r0, r0 + rows) in order, columns [c0, c0 + cols).
void add_col_sums(const float* c, ptrdiff_t ldc, int r0, int rows, int c0, int cols, float* __restrict sums) {
  for (int r = r0; r < r0 + rows; ++r) {
    const float* row = c + r * ldc + c0;
    for (int j = 0; j < cols; ++j) sums[c0 + j] += row[j];
  }
}

// Bias, activation, input check, the backward's activation derivative and column sums, and done on finished
// blocks of the caller's C (row-major, ldc): what the micro-kernels' store (TileEpilogue) did not do.
struct Finish {
  float* c;
  ptrdiff_t ldc;
  bool swapped;  // the kernels compute C^T: kernel rows are C's columns
  const float* bias;
  Act act;
  bool check;  // Epilogue::nonfinite
  const Epilogue* ep;
  Act dact;     // Epilogue::dact
  float* sums;  // Epilogue::col_sums, when each thread's blocks hold whole columns of C (else summed after)

  bool elementwise() const { return act != Act::Linear && act != Act::Softmax; }
  bool any() const {
    return bias != nullptr || elementwise() || check || dact != Act::Linear || sums != nullptr || ep->done != nullptr;
  }

  // Kernel-coordinate block [i0, i0+mi) x [j0, j0+nj).
  void block(int i0, int mi, int j0, int nj) const {
    if (swapped) {
      std::swap(i0, j0);
      std::swap(mi, nj);
    }
    for (int r = i0; r < i0 + mi && bias != nullptr; ++r) {
      float* row = c + r * ldc + j0;
      for (int j = 0; j < nj; ++j) row[j] += bias[j0 + j];
    }
    if (check) {  // one column per row (Epilogue::nonfinite); v * 0 is 0 for finite v, else NaN
      bool bad = false;
      for (int r = i0; r < i0 + mi; ++r) bad |= !(c[r * ldc + j0] * 0.f == 0.f);
      if (bad) ep->nonfinite->store(true, std::memory_order_relaxed);
    }
    const bool whole = nj == ldc;  // whole rows: one call for the block (narrow layers pay a call per few values)
    // The first rows of whole columns (sums still zero): the derivative's pass sums them (VecKernels::act_backward,
    // vectorized for the ISA; the same bits when nj > 1).
    float* db = sums && whole && i0 == 0 && nj > 1 ? sums : nullptr;
    for (int r = i0; r < i0 + mi && (elementwise() || dact != Act::Linear || db); r += whole ? mi : 1) {
      const ptrdiff_t o = r * ldc + j0;
      const int rows = whole ? mi : 1;
      if (elementwise()) act_forward(act, c + o, c + o, static_cast<size_t>(rows) * nj);
      if (dact != Act::Linear || db)
        vec().act_backward(static_cast<int>(dact), dact != Act::Linear ? ep->dact_y + o : nullptr,
                           ep->dact_z ? ep->dact_z + o : nullptr, c + o, rows, nj, db);
    }
    if (sums && !db) add_col_sums(c, ldc, i0, mi, j0, nj, sums);
    if (ep->done) ep->done(ep->ctx, i0, mi, j0, nj);
  }
};

// One thread's share: kernel rows [i0, i0+m) and columns [j0, j0+n) of the (maybe swapped) product.
struct Part {
  int i0, m, j0, n;
};

struct Plan {
  const GemmKernels* K;
  int mc, nc;  // cache blocks (kc below, evened out over k)
  int m, n, k, kc;
  View A, B;  // op(A) m x k, op(B) k x n in kernel coordinates
  float* c;
  ptrdiff_t rs_c, cs_c;
  float alpha, beta;
  bool pack_a;
  const float* packed_b;  // B packed whole (PackedB), or null
  int n_pad;              // its columns, NR-padded
  bool tile_ep;           // the kernels apply TileEpilogue on the last k block, from:
  const float* bias;      // at kernel column 0
  bool relu, check;
  const float* relu_y;  // Epilogue::dact_y when dact is ReLU (laid out as C)
  float* sums;          // Epilogue::col_sums
  const Finish* fin;  // gemm()'s, by pointer: copying it read its bytes back wider than written (store-forward stalls)
};

int round_up(int x, int to) { return (x + to - 1) / to * to; }

void run_part(const Plan& P, const Part& part) {
  const GemmKernels& K = *P.K;
  const int MR = K.mr, NR = K.nr;
  const int nc_max = std::min(round_up(part.n, NR), P.nc);
  const int mc_max = std::min(round_up(part.m, MR), P.mc);
  float* bp = t_pack_b.get(static_cast<size_t>(P.kc) * nc_max);
  float* ap = t_pack_a.get(static_cast<size_t>(P.kc) * mc_max);

  // With a single block of rows, each B panel is packed just before its tiles use it (so it is
  // still in L1), or read in place when one row of tiles uses it and its rows are contiguous.
  const bool lazy_b = part.m <= P.mc;
  const bool b_in_place = lazy_b && P.B.cs == 1 && part.m <= MR;
  int nonfinite = 0;  // this thread's: set by the kernels' check

  for (int jc = 0; jc < part.n; jc += P.nc) {
    const int nc = std::min(P.nc, part.n - jc);
    const int jg = part.j0 + jc;  // global kernel column
    for (int pc = 0; pc < P.k; pc += P.kc) {
      const int kc = std::min(P.kc, P.k - pc);
      const float beta = pc == 0 ? P.beta : 1.f;
      const float* b_blk = P.B.p + static_cast<ptrdiff_t>(pc) * P.B.rs + static_cast<ptrdiff_t>(jg) * P.B.cs;
      if (!lazy_b && !P.packed_b)
        for (int jr = 0; jr < nc; jr += NR)
          K.pack_b(kc, std::min(NR, nc - jr), b_blk + static_cast<ptrdiff_t>(jr) * P.B.cs, P.B.rs, P.B.cs,
                   bp + static_cast<size_t>(jr) * kc);

      for (int ic = 0; ic < part.m; ic += P.mc) {
        const int mc = std::min(P.mc, part.m - ic);
        const int ig = part.i0 + ic;  // global kernel row
        const float* a_blk = P.A.p + static_cast<ptrdiff_t>(ig) * P.A.rs + static_cast<ptrdiff_t>(pc) * P.A.cs;
        // Packed: every panel. In place: only a short last panel, so kernels always see MR rows.
        const int full = P.pack_a ? 0 : mc / MR * MR;
        for (int ir = full; ir < mc; ir += MR)
          K.pack_a(kc, std::min(MR, mc - ir), a_blk + static_cast<ptrdiff_t>(ir) * P.A.rs, P.A.rs, P.A.cs,
                   ap + static_cast<size_t>(ir) * kc);

        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = std::min(NR, nc - jr);
          const float* b_src = b_blk + static_cast<ptrdiff_t>(jr) * P.B.cs;
          const float* b_panel = bp + static_cast<size_t>(jr) * kc;
          ptrdiff_t rs_b = NR;
          if (P.packed_b) {
            b_panel = P.packed_b + static_cast<ptrdiff_t>(pc) * P.n_pad + static_cast<ptrdiff_t>(jg + jr) * kc;
          } else if (b_in_place && nr == NR) {
            b_panel = b_src;
            rs_b = P.B.rs;
          } else if (lazy_b) {
            b_panel = bp;
            K.pack_b(kc, nr, b_src, P.B.rs, P.B.cs, bp);
          }
          float* c_col = P.c + static_cast<ptrdiff_t>(jg + jr) * P.cs_c;
          TileEpilogue tep{P.bias ? P.bias + jg + jr : nullptr, P.relu, P.check ? &nonfinite : nullptr, nullptr,
                           P.sums ? P.sums + jg + jr : nullptr};
          const TileEpilogue* ep = P.tile_ep && pc + kc == P.k ? &tep : nullptr;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = std::min(MR, mc - ir);
            float* c_tile = c_col + static_cast<ptrdiff_t>(ig + ir) * P.rs_c;
            if (P.relu_y) tep.relu_y = P.relu_y + (c_tile - P.c);
            if (ir < full)
              K.ukr(kc, a_blk + static_cast<ptrdiff_t>(ir) * P.A.rs, P.A.rs, P.A.cs, b_panel, rs_b, c_tile, P.rs_c,
                    P.cs_c, mr, nr, P.alpha, beta, ep);
            else
              K.ukr(kc, ap + static_cast<size_t>(ir) * kc, 1, MR, b_panel, rs_b, c_tile, P.rs_c, P.cs_c, mr, nr,
                    P.alpha, beta, ep);
          }
        }
        if (pc + kc == P.k && P.fin->any()) P.fin->block(ig, mc, jg, nc);
      }
    }
  }
  if (nonfinite) P.fin->ep->nonfinite->store(true, std::memory_order_relaxed);
}

// The whole product on the small path (core/gemm_small.h), then Finish's pass over it.
void run_small(const Plan& P) {
  int nonfinite = 0;
  const TileEpilogue tep{P.bias, P.relu, P.check ? &nonfinite : nullptr, P.relu_y, P.sums};
  gemm_small(*P.K, P.m, P.n, P.k, P.A.p, P.A.rs, P.A.cs, P.B.p, P.B.rs, P.B.cs, P.c, P.rs_c, P.cs_c, P.alpha, P.beta,
             P.tile_ep ? &tep : nullptr);
  if (P.fin->any()) P.fin->block(0, P.m, 0, P.n);
  if (nonfinite) P.fin->ep->nonfinite->store(true, std::memory_order_relaxed);
}

// Work below this many flops per extra thread costs more in hand-off than it saves (measured: a
// 128x128x10 layer, 0.33 MFLOP, still runs 1.5x faster on two threads with the pool spinning).
constexpr double kMinFlopsPerThread = 3.0e5;

// Splits the product over threads along kernel columns (each thread packs its own B panels and
// shares A) or, when there are more row tiles, along rows. A read in place along its rows stays shared
// (column split); A read in place down its columns (a transposed operand: the weight gradient X^T dZ, m
// inputs x n units) is split by rows, so each core reads only its part of X and updates whole rows of the
// weights. A column split, as the forward X W's (each core would keep the same units of W, of its gradient and of
// the momentum: none of their lines would move between cores), streams all of X on each core beside its half of
// W and the momentum, more than a 1 MiB L2 for W3's first layer: W3 at 2 threads, 1.24x the samples/s by rows
// (sixth session), 1.13x (seventh: 164k against 145k, interleaved, loaded Zen 5; by columns, 9 % more GEMM
// kernel samples and 40 % more in the momentum step). Boundaries fall on MR/NR.
// Training splits the first layer's kernel its own way (engine/halves.cc), so that its lines stay on one core.
int plan_parts(const Plan& P, Part* parts, int max_parts) {
  const double flops = 2.0 * P.m * P.n * P.k;
  int t = std::min(max_parts, static_cast<int>(flops / kMinFlopsPerThread) + 1);
  const int n_tiles = (P.n + P.K->nr - 1) / P.K->nr, m_tiles = (P.m + P.K->mr - 1) / P.K->mr;
  const bool by_cols = n_tiles >= t && (n_tiles >= m_tiles || (!P.pack_a && P.A.rs != 1));
  const int tiles = by_cols ? n_tiles : m_tiles;
  const int step = by_cols ? P.K->nr : P.K->mr;
  const int extent = by_cols ? P.n : P.m;
  t = std::max(1, std::min(t, tiles));
  for (int i = 0; i < t; ++i) {
    const int lo = std::min(static_cast<int>(static_cast<ptrdiff_t>(tiles) * i / t) * step, extent);
    const int hi = std::min(static_cast<int>(static_cast<ptrdiff_t>(tiles) * (i + 1) / t) * step, extent);
    parts[i] = by_cols ? Part{0, P.m, lo, hi - lo} : Part{lo, hi - lo, 0, P.n};
  }
  return t;
}

// The k block gemm() uses: cfg.kc evened out over k, so blocks depend on k alone.
int k_block(int k, int kc) {
  const int blocks = (k + kc - 1) / kc;
  return (k + blocks - 1) / blocks;
}

void scale_c(float* c, ptrdiff_t ldc, int m, int n, float beta) {
  for (int i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.f)
      std::fill(row, row + n, 0.f);
    else
      for (int j = 0; j < n; ++j) row[j] *= beta;
  }
}

}  // namespace

void PackedB::Free::operator()(float* p) const { aligned_free64(p); }

void PackedB::pack(const float* b, int ldb, int k, int n) {
  const GemmConfig& cfg = gemm_config();
  const GemmKernels& K = *cfg.kernels;
  const int kc = k_block(k, cfg.kc), n_pad = round_up(n, K.nr);
  const size_t need = static_cast<size_t>(k) * n_pad;
  kernels_ = nullptr;  // not valid until packed
  if (need > cap_) {
    float* p = static_cast<float*>(aligned_alloc64((need * sizeof(float) + 63) / 64 * 64));
    if (p == nullptr) throw std::bad_alloc();
    data_.reset(p);
    cap_ = need;
  }
  for (int pc = 0; pc < k; pc += kc) {
    const int kb = std::min(kc, k - pc);
    for (int j = 0; j < n; j += K.nr)
      K.pack_b(kb, std::min(K.nr, n - j), b + static_cast<ptrdiff_t>(pc) * ldb + j, ldb, 1,
               data_.get() + static_cast<size_t>(pc) * n_pad + static_cast<size_t>(j) * kb);
  }
  kernels_ = &K;
  k_ = k, n_ = n, kc_ = kc, n_pad_ = n_pad;
}

bool PackedB::fits(int k, int n) const {
  const GemmConfig& cfg = gemm_config();
  return kernels_ == cfg.kernels && k == k_ && n == n_ && kc_ == k_block(k, cfg.kc);
}

void release_gemm_scratch() {
  t_pack_a.release();
  t_pack_b.release();
}

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
          int ldb, float beta, float* c, int ldc, const Epilogue& ep, const PackedB* packed) {
  if (m <= 0 || n <= 0) return;
  Finish fin{c, ldc, false, ep.bias, ep.act, ep.nonfinite != nullptr, &ep, ep.dact, ep.col_sums};
  if (ep.col_sums) std::fill(ep.col_sums, ep.col_sums + n, 0.f);
  if (k <= 0 || alpha == 0.f) {  // BLAS: A and B are not read
    scale_c(c, ldc, m, n, beta);
    if (fin.any()) fin.block(0, m, 0, n);
  } else {
    Plan P;
    const GemmConfig& cfg = gemm_config();
    P.K = cfg.kernels;
    P.mc = cfg.mc, P.nc = cfg.nc;
    const View A{a, trans_a ? 1 : lda, trans_a ? lda : 1};
    const View B{b, trans_b ? 1 : ldb, trans_b ? ldb : 1};
    const bool small = small_product(m, n, k, cfg.kc);
    // A narrow C wastes most of an NR-wide register block: compute C^T = op(B)^T op(A)^T instead,
    // so the narrow side runs along MR. Same products in the same order: same bits.
    fin.swapped = small ? small_swapped(*P.K, m, n, trans_a) : n < P.K->nr && m > n;
    if (fin.swapped) {
      P.m = n, P.n = m;
      P.A = View{B.p, B.cs, B.rs};
      P.B = View{A.p, A.cs, A.rs};
      P.rs_c = 1, P.cs_c = ldc;
    } else {
      P.m = m, P.n = n;
      P.A = A, P.B = B;
      P.rs_c = ldc, P.cs_c = 1;
    }
    P.k = k;
    P.kc = k_block(k, cfg.kc);
    P.packed_b = packed && !trans_b && !fin.swapped && packed->fits(k, n) ? packed->data() : nullptr;
    P.n_pad = packed ? packed->n_pad() : 0;
    P.c = c;
    P.alpha = alpha, P.beta = beta;
    // A is read in place (broadcasts do not care about layout) unless neither stride is 1, or its
    // rows/columns are a multiple of 2 KiB apart (MR/2 or more of them then share an L1 set beside B's
    // panel; 512^3 in place had 3 % more L1 and 14 % more L2 misses in cachegrind, AVX2 kernels), or
    // the kernels want rows packed (NEON: kernels/common/gemm_kernels.inc, rank1).
    const ptrdiff_t a_stride = P.A.cs == 1 ? P.A.rs : P.A.cs;
    P.pack_a =
        !(P.A.rs == 1 || P.A.cs == 1) || (a_stride % 512 == 0 && P.m > P.K->mr) || (P.A.rs != 1 && !P.K->rows_in_place);
    Part parts[64];
    const int t = small ? 1 : plan_parts(P, parts, std::min(num_threads(), 64));
    // Column sums in the blocks when each thread holds all of C's rows (the blocks of a column then come in row
    // order), else after the product.
    const bool all_rows = t == 1 || (fin.swapped ? parts[0].n == P.n : parts[0].m == P.m);
    if (!all_rows) fin.sums = nullptr;
    // Bias and the check in the kernels' store where the tiles are rows of C (both come first in Finish's order too);
    // ReLU, ReLU's derivative and the column sums there as well when no activation in Finish's pass comes before.
    const bool tile = !fin.swapped;
    const bool tile_back =
        tile && (ep.act == Act::Linear || ep.act == Act::Relu) && (ep.dact == Act::Linear || ep.dact == Act::Relu);
    P.bias = tile ? ep.bias : nullptr;
    P.relu = tile && ep.act == Act::Relu;
    P.check = tile && ep.nonfinite != nullptr;
    P.relu_y = tile_back && ep.dact == Act::Relu ? ep.dact_y : nullptr;
    P.sums = tile_back ? fin.sums : nullptr;
    P.tile_ep = P.bias || P.relu || P.check || P.relu_y || P.sums;
    if (P.bias) fin.bias = nullptr;
    if (P.relu) fin.act = Act::Linear;
    if (P.check) fin.check = false;
    if (P.relu_y) fin.dact = Act::Linear;
    if (P.sums) fin.sums = nullptr;
    P.fin = &fin;
    if (small)
      run_small(P);
    else if (t == 1)
      run_part(P, parts[0]);
    else
      parallel_for(t, [&](int i) { run_part(P, parts[i]); });
    if (!all_rows && ep.col_sums) add_col_sums(c, ldc, 0, m, 0, n, ep.col_sums);
  }
  if (ep.act == Act::Softmax) {
    const int chunk = std::max(1, 16384 / n);
    const int tasks = (m + chunk - 1) / chunk;
    auto rows = [&](int i) {
      const int r0 = i * chunk;
      act_rows(Act::Softmax, c + static_cast<ptrdiff_t>(r0) * ldc, ldc, std::min(chunk, m - r0), n);
    };
    if (tasks == 1)
      rows(0);
    else
      parallel_for(tasks, rows);
  }
}

}  // namespace myelin
