// The memory of large copies that async work reads (see Held in async.h), kept for reuse between calls.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace myelin::binding {

// Fresh pages cost a fault each (about 5 ms per MB into 4 KiB pages on the 2-core VMs here, 50x the memcpy). So
// large copies go back to a small process-wide pool instead of the OS and the next call of a similar size reuses
// them, already touched. At most kPoolBlocks blocks wait there, and trim() frees those idle for a while.
class CopyPool {
 public:
  // *fresh (if given) is set when the block comes from the OS: its pages are not touched yet.
  static void* take(size_t bytes, bool* fresh = nullptr) {
    if (fresh) *fresh = false;
    if (bytes >= kMinBytes) {
      std::lock_guard<std::mutex> lock(mu());
      auto& b = blocks();
      auto best = b.end();
      for (auto it = b.begin(); it != b.end(); ++it)  // the smallest block that fits, if not twice too big
        if (it->bytes >= bytes && it->bytes / 2 <= bytes && (best == b.end() || it->bytes < best->bytes)) best = it;
      if (best != b.end()) {
        void* p = best->p;
        b.erase(best);
        return p;
      }
    }
    if (fresh) *fresh = bytes >= kMinBytes;  // small blocks come from the heap, mostly touched
    return allocate(bytes);
  }
  static void give(void* p, size_t bytes) {
    if (bytes < kMinBytes) return std::free(p);
    std::lock_guard<std::mutex> lock(mu());
    auto& b = blocks();
    b.push_back(Block{p, bytes, Clock::now()});
    if (b.size() > kPoolBlocks) {  // drop the smallest
      auto it = std::min_element(b.begin(), b.end(), [](auto& x, auto& y) { return x.bytes < y.bytes; });
      std::free(it->p);
      b.erase(it);
    }
  }
  // Frees the blocks that have waited at least idle_ms; returns the bytes freed. The pool serves calls that follow
  // one another (a service's requests, fit after fit): a training run that ended must not keep its copy for the
  // life of the process (lib/model/fit-data.ts calls this a few seconds after the last copy came back).
  static size_t trim(double idle_ms) {
    std::lock_guard<std::mutex> lock(mu());
    auto& b = blocks();
    const Clock::time_point before =
        Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(idle_ms));
    size_t freed = 0;
    for (auto it = b.begin(); it != b.end();)
      if (it->since <= before) {
        freed += it->bytes;
        std::free(it->p);
        it = b.erase(it);
      } else {
        ++it;
      }
    return freed;
  }
  // Bytes waiting in the pool.
  static size_t idle_bytes() {
    std::lock_guard<std::mutex> lock(mu());
    size_t n = 0;
    for (const Block& x : blocks()) n += x.bytes;
    return n;
  }

 private:
  static constexpr size_t kMinBytes = size_t{1} << 20, kPoolBlocks = 4;
  static constexpr size_t kHugeBytes = size_t{32} << 20, kHugePage = size_t{2} << 20;

  static void* allocate(size_t bytes) {
#if defined(__linux__)
    // Large blocks on 2 MiB pages where the kernel allows it (transparent huge pages in "madvise" mode): the
    // first touch then faults once per 2 MiB, not per 4 KiB (a 188 MB copy into fresh memory took 1.4-2.2 s on
    // a busy 2-core VM, 0.5-1.2 s so). Freed with free() like the rest.
    if (bytes >= kHugeBytes) {
      void* p = nullptr;
      if (posix_memalign(&p, kHugePage, bytes) != 0) return nullptr;
      madvise(p, bytes / kHugePage * kHugePage, MADV_HUGEPAGE);  // whole 2 MiB pages inside the block
      return p;
    }
#endif
    return std::malloc(bytes);
  }
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  using Clock = std::chrono::steady_clock;
  struct Block {
    void* p;
    size_t bytes;
    Clock::time_point since;  // given back
  };
  static std::vector<Block>& blocks() {
    static auto* b = new std::vector<Block>();  // never destroyed: used until exit
    return *b;
  }
};

}  // namespace myelin::binding
