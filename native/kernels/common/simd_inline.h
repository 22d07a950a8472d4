// MYELIN_SIMD_INLINE: forced inlining for the SIMD wrappers and the kernel template (a macro, so it
// is safe in files compiled for different ISAs). Without it the accumulators leave the registers.
#pragma once

#if defined(__GNUC__)
#define MYELIN_SIMD_INLINE inline __attribute__((always_inline))
#else
#define MYELIN_SIMD_INLINE __forceinline
#endif

// MYELIN_PREFETCH(p): a hint that the cache line holding p is read soon, into every cache level.
// Never faults, so it may point past the end of an operand. A no-op where the compiler has no hint.
#if defined(__GNUC__) || defined(__clang__)
#define MYELIN_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#elif defined(_M_X64)
#include <xmmintrin.h>
#define MYELIN_PREFETCH(p) _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0)
#else
#define MYELIN_PREFETCH(p) ((void)(p))
#endif
