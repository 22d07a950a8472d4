// The small-product path of gemm() (core/gemm.cc): products so small (a course network's 32 x 16 x 16) that
// packing, the cache-block loops and edge tiles through a scratch tile cost more than the arithmetic. Each
// element is the blocked path's chain (GemmSmallKernel in core/gemm_kernel.h), so both give the same bits; the
// choice depends on the shape alone.
#pragma once

#include <cstddef>

#include "core/gemm_kernel.h"

namespace myelin {

// Whether gemm() computes an m x n x k product with k blocks of kc on the small path.
bool small_product(int m, int n, int k, int kc);

// Whether the small path computes C^T (kernel rows along C's columns): for a C narrower than a vector, when op(A)
// is contiguous down its columns (trans_a: a transposed operand), so that C^T's B, op(A)^T, has contiguous rows.
bool small_swapped(const GemmKernels& K, int m, int n, bool trans_a);

// The product in kernel coordinates (as the blocked driver's: C^T when swapped): A (i, p) at a[i * rs_a + p * cs_a],
// B (p, j) at b[p * rs_b + j * cs_b], C (i, j) at c[i * rs_c + j * cs_c]. B is copied to contiguous rows first
// when cs_b != 1 (n * k is small).
void gemm_small(const GemmKernels& K, int m, int n, int k, const float* a, ptrdiff_t rs_a, ptrdiff_t cs_a,
                const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha,
                float beta, const TileEpilogue* ep);

}  // namespace myelin
