#include "core/finite.h"

namespace myelin {

long long first_non_finite(const float* x, size_t n) {
  // v * 0 is 0 for finite v and NaN for NaN/±Inf: a branch-free sum per block vectorizes, and only a
  // block whose sum is not 0 is searched element by element.
  constexpr size_t kBlock = 4096;
  for (size_t start = 0; start < n; start += kBlock) {
    const size_t end = start + kBlock < n ? start + kBlock : n;
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = start;
    for (; i + 8 <= end; i += 8)
      for (int l = 0; l < 8; ++l) acc[l] += x[i + l] * 0.f;
    float s = 0.f;
    for (; i < end; ++i) s += x[i] * 0.f;
    for (int l = 0; l < 8; ++l) s += acc[l];
    if (s == 0.f) continue;
    for (i = start; i < end; ++i)
      if (!(x[i] * 0.f == 0.f)) return static_cast<long long>(i);
  }
  return -1;
}

}  // namespace myelin
