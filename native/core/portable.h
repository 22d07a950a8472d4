// What differs between GCC/Clang and MSVC, in one place: forced inlining and 64-byte aligned
// allocation (MSVC's C library has no std::aligned_alloc, nor has MinGW's). The kernels use the
// standard INFINITY/NAN macros, std::memcpy and sqrtf rather than __builtin_* for the same reason.
// Kernel files compiled with ISA flags use the macros only: an inline function they called could be
// kept in its AVX-512 copy by the linker and then run on a CPU without AVX-512.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <math.h>
#if defined(_WIN32)
#include <malloc.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MYELIN_FORCE_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define MYELIN_FORCE_INLINE __forceinline
#else
#define MYELIN_FORCE_INLINE inline
#endif

namespace myelin {

// bytes must be a multiple of 64. Free with aligned_free64 (Windows' aligned blocks need their own free).
inline void* aligned_alloc64(size_t bytes) {
#if defined(_WIN32)
  return _aligned_malloc(bytes, 64);
#else
  return std::aligned_alloc(64, bytes);
#endif
}

inline void aligned_free64(void* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

}  // namespace myelin
