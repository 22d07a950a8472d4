// The contract between the GEMM driver (core/gemm.cc) and the per-ISA kernels
// (native/kernels/<isa>/gemm_<isa>.cc). Declarations and plain structs only: this header is
// included by files compiled for different ISAs, so it must not define any code (ODR).
#pragma once

namespace myelin {

// One MR x NR tile:  C = alpha * A * B + beta * C   (beta == 0: C is not read).
// A: MR rows (all valid; the driver pads edge panels), element (i, p) at a[i * rs_a + p * cs_a],
//    with rs_a == 1 or cs_a == 1 (a packed panel is rs_a = 1, cs_a = MR).
// B: NR floats per k step, rs_b apart: a packed panel (rs_b = NR, columns >= nr zero) or, when
//    nr == NR, rows of the caller's B read in place.
// C: element (i, j) at c[i * rs_c + j * cs_c]; only i < mr, j < nr are touched.
// Every element is one chain of multiply-adds over p in order (fused where the ISA has FMA), then
// alpha/beta, so its value does not depend on where the tile sits (thread count, edges, orientation).
using GemmMicroKernel = void (*)(long k, const float* a, long rs_a, long cs_a, const float* b, long rs_b,
                                 float* c, long rs_c, long cs_c, int mr, int nr, float alpha, float beta);

// Packs an NR-wide panel of B (k x nr, element (p, j) at b[p * rs_b + j * cs_b]) into dst
// (k * NR floats, columns >= nr zeroed).
using GemmPackB = void (*)(long k, int nr, const float* b, long rs_b, long cs_b, float* dst);

// Packs an MR-tall panel of A (mr x k, element (i, p) at a[i * rs_a + p * cs_a]) into dst
// (k * MR floats, rows >= mr zeroed).
using GemmPackA = void (*)(long k, int mr, const float* a, long rs_a, long cs_a, float* dst);

struct GemmKernels {
  int mr, nr;      // register block
  int mc, kc, nc;  // cache blocks: A block mc x kc (L2), B panel kc x nr (L1), B block kc x nc
  GemmMicroKernel ukr;
  GemmPackA pack_a;
  GemmPackB pack_b;
  // Runs `iters` rounds of independent FMA chains on registers; returns the flop count done
  // (and is not optimized away). The bench divides by the time it took: the FP32 FMA peak.
  double (*fma_probe)(long iters);
};

// One table per ISA, defined in that ISA's kernel file. Call only after isa_supported() said yes.
namespace scalar { const GemmKernels* gemm_kernels(); }
namespace avx2 { const GemmKernels* gemm_kernels(); }
namespace avx512 { const GemmKernels* gemm_kernels(); }
namespace neon { const GemmKernels* gemm_kernels(); }

}  // namespace myelin
