// Elementwise work over n floats, split over the thread pool only when it is big enough to pay for a wake.
#pragma once

#include <cstddef>

#include "core/thread_pool.h"

namespace myelin::engine {

template <typename F>
void chunked(size_t n, F&& f) {
  constexpr size_t kChunk = 16384;
  if (n < 4 * kChunk || num_threads() < 2) {
    f(size_t{0}, n);
    return;
  }
  const int tasks = static_cast<int>((n + kChunk - 1) / kChunk);
  struct Job {
    F& f;
    size_t n;
  } job{f, n};
  // One pointer of capture: std::function stores it inline, so no allocation per batch.
  parallel_for(tasks, [&job](int t) {
    const size_t b = static_cast<size_t>(t) * kChunk;
    job.f(b, job.n - b < kChunk ? job.n - b : kChunk);
  });
}

}  // namespace myelin::engine
