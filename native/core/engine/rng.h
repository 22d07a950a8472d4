// Counter-based randomness for training: every stream is a pure function of (seed, epoch, batch),
// so results do not depend on thread count or on how many epochs earlier calls ran.
#pragma once

#include <cstdint>

namespace myelin::engine {

// SplitMix64's finalizer: a bijective 64-bit mix.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The permutation of n rows for one epoch (Fisher-Yates on a SplitMix64 stream).
inline void shuffle_rows(int32_t* perm, int n, uint64_t seed, uint64_t epoch) {
  for (int i = 0; i < n; ++i) perm[i] = i;
  uint64_t s = mix64(seed ^ mix64(epoch ^ 0x5851f42d4c957f2dULL));
  for (int i = n - 1; i > 0; --i) {
    s += 0x9e3779b97f4a7c15ULL;
    const uint64_t r = mix64(s) >> 32;
    const int j = static_cast<int>((r * static_cast<uint64_t>(i + 1)) >> 32);
    const int32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
}

// Key of one dropout layer's mask for one batch.
inline uint64_t dropout_key(uint64_t layer_seed, uint64_t epoch, uint64_t batch) {
  return mix64(mix64(mix64(layer_seed ^ 0xd1b54a32d192ed03ULL) ^ epoch) ^ batch);
}

}  // namespace myelin::engine
