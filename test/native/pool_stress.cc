// The thread pool (native/core/thread_pool.cc) alone, built with -fsanitize=thread by test/thread-pool.test.ts:
// many small jobs at 2-4 threads, woken or not, between pauses that put the workers to sleep, while the pool
// shrinks and grows, and from two callers at once (one runs inline). Prints "ok" when every task ran once.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/thread_pool.h"

namespace myelin {
void release_gemm_scratch() {}  // thread_pool.cc's only other dependency (core/gemm.h)
}  // namespace myelin

int main() {
  for (int threads : {2, 4, 3, 2}) {
    myelin::set_num_threads(threads);
    for (int it = 0; it < 20000; ++it) {
      const int n = 1 + it % 7;
      std::vector<int> runs(n, 0);
      myelin::parallel_for(
          n, [&](int i) { runs[i] += i + 1; }, it % 3 != 0);
      for (int i = 0; i < n; ++i)
        if (runs[i] != i + 1) return std::printf("job %d task %d ran %d times\n", it, i, runs[i] / (i + 1)), 1;
      if (it % 4000 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));  // workers go to sleep
    }
  }
  std::atomic<long> sum{0};
  std::thread other([&] {
    for (int it = 0; it < 5000; ++it) myelin::parallel_for(3, [&](int i) { sum += i; });
  });
  for (int it = 0; it < 5000; ++it) myelin::parallel_for(4, [&](int i) { sum += i; });
  other.join();
  if (sum != 5000L * 3 + 5000L * 6) return std::printf("sum %ld\n", sum.load()), 1;
  myelin::set_num_threads(1);
  std::puts("ok");
  return 0;
}
