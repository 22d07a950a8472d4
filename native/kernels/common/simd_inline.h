// MYELIN_SIMD_INLINE: forced inlining for the SIMD wrappers and the kernel template (a macro, so it
// is safe in files compiled for different ISAs). Without it the accumulators leave the registers.
#pragma once

#if defined(__GNUC__)
#define MYELIN_SIMD_INLINE inline __attribute__((always_inline))
#else
#define MYELIN_SIMD_INLINE __forceinline
#endif
