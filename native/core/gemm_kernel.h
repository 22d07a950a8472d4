// The contract between the GEMM driver (core/gemm.cc) and the per-ISA kernels. Declarations and
// plain structs only: this header is included by files compiled for different ISAs, so it must not
// define any code (ODR).
//
// BLIS-style layering. The driver owns the loops over cache blocks (jc > pc > ic > jr > ir), the
// threads and the epilogue; the kernels own register tiles and packing. Each ISA is written as
// - a SIMD wrapper (native/kernels/<isa>/gemm_<isa>.cc): its vector type and a dozen one-line
//   operations (load, broadcast, fma, masked load/store of the first n lanes, a W x W transpose),
// - and the one kernel template, kernels/common/gemm_kernels.inc, included into that ISA's
//   namespace: micro-kernel, packing, edge and transposed stores, the FMA probe, for every
//   micro-kernel shape (MR x NR) the ISA registers.
// Adding an ISA = a wrapper file, a namespace line below, a case in gemm_config.cc.
#pragma once

#include <cstddef>

namespace myelin {

// Strides and k are ptrdiff_t: `long` is 32 bits on Windows (LLP64), and offsets pass 2^31 floats.
using std::ptrdiff_t;

// What a micro-kernel applies to its tile after alpha/beta, on C's last k block, before storing it (the driver's
// bias and ReLU epilogue, core/gemm.cc, fused: the same operations in the same order, one pass over C less).
// Row-major C only (cs_c == 1).
struct TileEpilogue {
  const float* bias;  // the bias of the tile's columns (nr values), or null: c + bias
  bool relu;          // then c < 0 ? 0 : c (NaN passes), as act_forward's ReLU
  int* nonfinite;     // or null: set to 1 when a row's first column is NaN/Infinity after the bias (gemm.h Epilogue)
  // The backward pass (gemm.h Epilogue::dact, col_sums), after the above: c = y > 0 ? c : 0 with ReLU's output y
  // at the tile (strides of C), if not null; then sums[j] += c[i][j] for the tile's rows i in order, if not null.
  const float* relu_y;
  float* sums;
};

// One MR x NR tile:  C = alpha * A * B + beta * C   (beta == 0: C is not read), then ep (null: nothing).
// A: MR rows (the driver pads short edge panels), element (i, p) at a[i * rs_a + p * cs_a]: a packed
//    panel (rs_a = 1, cs_a = MR), or the caller's A in place, along its rows (cs_a = 1) or columns
//    (rs_a = 1).
// B: NR floats per k step, rs_b apart: a packed panel (rs_b = NR, columns >= nr zero) or, when
//    nr == NR, rows of the caller's B read in place.
// C: element (i, j) at c[i * rs_c + j * cs_c] with rs_c == 1 or cs_c == 1; only i < mr, j < nr are
//    touched. The compute loop always runs the full MR x NR tile; edges (mr < MR, nr < NR) and
//    transposed C are handled once, in the template's store, the same way for every ISA.
// Every element is one chain of multiply-adds over p in order (fused where the ISA has FMA), then
// alpha/beta, so its value does not depend on where the tile sits (thread count, edges, orientation).
using GemmMicroKernel = void (*)(ptrdiff_t k, const float* a, ptrdiff_t rs_a, ptrdiff_t cs_a, const float* b,
                                 ptrdiff_t rs_b, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, int mr, int nr, float alpha,
                                 float beta, const TileEpilogue* ep);

// Packs an NR-wide panel of B (k x nr, element (p, j) at b[p * rs_b + j * cs_b]) into dst
// (k * NR floats, columns >= nr zeroed).
using GemmPackB = void (*)(ptrdiff_t k, int nr, const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float* dst);

// Packs an MR-tall panel of A (mr x k, element (i, p) at a[i * rs_a + p * cs_a]) into dst
// (k * MR floats, rows >= mr zeroed).
using GemmPackA = void (*)(ptrdiff_t k, int mr, const float* a, ptrdiff_t rs_a, ptrdiff_t cs_a, float* dst);

// A few rows of x (element (r, p) at x[r * ldx + p]) times columns [j0, j1) of a B the driver packed whole
// (core/gemm.h PackedB: per k block of kc steps at bp + p0 * n_pad, its NR-wide panels of kb x NR floats, panel
// j at + j * kb), plus bias when not null, into y (row stride ldy). j0 is a multiple of NR, j1 one too or n.
// Each element is the chain ukr computes (from zero per k block, blocks added in order, then the bias): the
// GEMM's bits, whatever the column range.
using GemmRowsPacked = void (*)(int rows, const float* x, ptrdiff_t ldx, const float* bp, int k, int kc, int n, int j0,
                                int j1, const float* bias, float* y, ptrdiff_t ldy);

// A small product straight from the caller's operands (core/gemm_small.cc says which): C = alpha * A * B + beta * C
// (beta == 0: C is not read), m x n x k with 1 <= k <= the kc of one k block, then ep (null: nothing; only with
// cs_c == 1). A: element (i, p) at a[i * rs_a + p * cs_a]; B: row p at b + p * rs_b, n contiguous floats; C: element
// (i, j) at c[i * rs_c + j * cs_c]. Each element is ukr's chain and store: the blocked path's bits.
using GemmSmallKernel = void (*)(int m, int n, ptrdiff_t k, const float* a, ptrdiff_t rs_a, ptrdiff_t cs_a,
                                 const float* b, ptrdiff_t rs_b, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha,
                                 float beta, const TileEpilogue* ep);

// One micro-kernel shape of one ISA.
struct GemmKernels {
  int mr, nr;          // register block
  bool rows_in_place;  // ukr reads A along its rows in place fast; else the driver packs such A
  GemmMicroKernel ukr;
  GemmPackA pack_a;
  GemmPackB pack_b;
  GemmRowsPacked rows_packed;
  GemmSmallKernel small;  // the ISA's, the same in every shape
  int w;                  // its vector width in floats
  // Runs `iters` rounds of independent FMA chains on registers; returns the flop count done
  // (and is not optimized away). The bench divides by the time it took: the FP32 FMA peak.
  double (*fma_probe)(ptrdiff_t iters);
};

// Every shape an ISA's kernel file instantiates.
struct GemmKernelList {
  const GemmKernels* shapes;
  int count;
};

// One list per ISA, defined in that ISA's kernel file. Call only after isa_supported() said yes.
namespace scalar {
GemmKernelList gemm_kernels();
}
namespace avx2 {
GemmKernelList gemm_kernels();
}
namespace avx512 {
GemmKernelList gemm_kernels();
}
namespace neon {
GemmKernelList gemm_kernels();
}

}  // namespace myelin
