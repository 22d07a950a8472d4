// The SIMD wrapper operations that AVX2 and AVX-512 spell alike (_mm256_*_ps / _mm512_*_ps), for
// the `struct Simd` of kernels/<isa>/gemm_<isa>.cc (see kernels/common/gemm_kernels.inc). A macro,
// so each expansion is compiled with its own file's ISA flags.
#pragma once

#include "kernels/common/simd_inline.h"

#define MYELIN_X86_SIMD_OPS(P, VT)                                                 \
  using V = VT;                                                                    \
  MYELIN_SIMD_INLINE static V zero() { return P##_setzero_ps(); }                  \
  MYELIN_SIMD_INLINE static V set1(float x) { return P##_set1_ps(x); }             \
  MYELIN_SIMD_INLINE static V load(const float* p) { return P##_loadu_ps(p); }     \
  MYELIN_SIMD_INLINE static void store(float* p, V v) { P##_storeu_ps(p, v); }     \
  MYELIN_SIMD_INLINE static V fma(V a, V b, V c) { return P##_fmadd_ps(a, b, c); } \
  MYELIN_SIMD_INLINE static V mul(V a, V b) { return P##_mul_ps(a, b); }           \
  /* max returns its second operand unless the first is greater: v < 0 ? 0 : v */  \
  MYELIN_SIMD_INLINE static V relu(V v) { return P##_max_ps(P##_setzero_ps(), v); }
