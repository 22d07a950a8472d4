// A fork-join pool tuned for back-to-back small jobs (batch-sized layers take tens of
// microseconds): workers spin on an epoch counter for a while after each job, so the next job
// starts without a futex wake-up, and sleep on a condition variable only when the pool goes quiet.
#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "core/gemm.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define MYELIN_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define MYELIN_CPU_RELAX() asm volatile("yield")
#else
#define MYELIN_CPU_RELAX() ((void)0)
#endif

namespace myelin {
namespace {

thread_local bool t_in_pool_task = false;

// An idle worker polls for kPoolSpin (thread_pool.h) before it sleeps: long enough to cover the glue between
// the GEMMs of one training step. After kHotSpins polls (a few microseconds) it polls with sched_yield, so a
// runnable thread (the JS event loop on a 2-core machine) gets the core at once.
constexpr unsigned kHotSpins = 2048;

// The caller's wait for the workers: spins on a pause while they may still be running, then yields, so a
// worker the OS preempted (more runnable threads than cores: the JS thread copying the training set, another
// process) can get this core rather than wait a time slice while the caller spins on it. Normal waits (one
// part finishing a little after the other) end well within kPoolSpin.
class Backoff {
 public:
  void operator()() {
    if (!late_ && (++spin_ % 64 != 0 || std::chrono::steady_clock::now() - start_ < kPoolSpin)) {
      MYELIN_CPU_RELAX();
    } else {
      late_ = true;
      std::this_thread::yield();
    }
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  unsigned spin_ = 0;
  bool late_ = false;
};

int cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

class Pool {
 public:
  Pool() {
    int n = cores();
    if (const char* env = std::getenv("MYELIN_NUM_THREADS")) {
      const int v = std::atoi(env);
      if (v > 0) n = v;
    }
    target_ = std::clamp(n, 1, max_threads());
  }

  ~Pool() { stop_workers(); }

  // Lowering the count ends the workers no longer needed (none is inside a job: we hold submit_).
  void set_threads(int n) {
    std::lock_guard<std::mutex> submit(submit_);
    target_ = std::clamp(n, 1, max_threads());
    const int keep = target_ - 1;
    if (static_cast<int>(workers_.size()) <= keep) return;
    {
      std::lock_guard<std::mutex> lk(mu_);
      keep_.store(keep);
    }
    cv_.notify_all();
    for (size_t i = keep; i < workers_.size(); ++i) workers_[i].join();
    workers_.resize(keep);
  }

  int threads() const { return target_; }

  void run(int n_tasks, const std::function<void(int)>& task, bool wake) {
    if (n_tasks <= 0) return;
    std::unique_lock<std::mutex> submit(submit_, std::try_to_lock);
    if (n_tasks == 1 || target_ == 1 || t_in_pool_task || !submit.owns_lock()) {
      for (int i = 0; i < n_tasks; ++i) task(i);
      return;
    }
    ensure_workers(target_ - 1);
    // Publish the job, then open it. A worker reads the job after seeing the epoch move or, one still leaving the
    // last job, after taking a slot: release stores (plain stores on x86), so the caller waits for the other core
    // once, at the epoch's increment, rather than at each store.
    task_ = &task;
    n_tasks_ = n_tasks;
    next_.store(1, std::memory_order_relaxed);  // task 0 is the caller's (see thread_pool.h)
    done_.store(0, std::memory_order_relaxed);
    slots_.store(std::min(n_tasks - 1, target_ - 1), std::memory_order_release);
    open_.store(true, std::memory_order_release);
    epoch_.fetch_add(1);
    if (wake && sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lk(mu_);
      cv_.notify_all();
    }
    run_task(0);
    work();
    Backoff wait;
    while (done_.load(std::memory_order_acquire) < n_tasks) wait();
    // Close the job and wait until no worker is still inside it.
    open_.store(false);
    while (active_.load() > 0) wait();
    task_ = nullptr;
  }

 private:
  void run_task(int i) {
    const bool was = t_in_pool_task;
    t_in_pool_task = true;
    (*task_)(i);
    t_in_pool_task = was;
    done_.fetch_add(1, std::memory_order_release);
  }

  void work() {
    for (int i = next_.fetch_add(1, std::memory_order_relaxed); i < n_tasks_;
         i = next_.fetch_add(1, std::memory_order_relaxed))
      run_task(i);
  }

  void worker_main(int index) {
    uint64_t seen = epoch_.load();
    for (;;) {
      if (!wait_for_epoch(seen, index)) {
        release_gemm_scratch();  // this thread ends here
        return;
      }
      seen = epoch_.load();
      active_.fetch_add(1);
      if (open_.load() && slots_.fetch_sub(1) > 0) work();
      active_.fetch_sub(1);
    }
  }

  // Spins, then sleeps, until the epoch moves past `seen`. False when the pool stops or shrinks
  // below this worker.
  bool wait_for_epoch(uint64_t seen, int index) {
    auto start = std::chrono::steady_clock::now();
    const auto leaving = [&] { return stop_.load(std::memory_order_relaxed) || index >= keep_.load(); };
    for (unsigned spin = 1;; ++spin) {
      if (leaving()) return false;
      if (epoch_.load(std::memory_order_acquire) != seen) return true;
      if (spin < kHotSpins)
        MYELIN_CPU_RELAX();
      else
        std::this_thread::yield();
      if (spin % 64 == 0 && std::chrono::steady_clock::now() - start > kPoolSpin) {
        std::unique_lock<std::mutex> lk(mu_);
        sleepers_.fetch_add(1);
        cv_.wait(lk, [&] { return leaving() || epoch_.load() != seen; });
        sleepers_.fetch_sub(1);
        start = std::chrono::steady_clock::now();
        spin = 0;
      }
    }
  }

  void ensure_workers(int n) {
    if (keep_.load(std::memory_order_relaxed) != n) keep_.store(n);  // spinning workers read it: write on change
    while (static_cast<int>(workers_.size()) < n) {
      const int index = static_cast<int>(workers_.size());
      workers_.emplace_back([this, index] { worker_main(index); });
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_.store(true);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex submit_;  // one parallel_for at a time owns the workers
  std::mutex mu_;      // only for sleeping and waking
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  int target_ = 1;
  // Three cache lines, so that a spinning worker's reads and the job's writes do not share one: the epoch the
  // workers poll; the job, written by the caller and claimed by the workers; what changes only with the pool's size.
  alignas(64) std::atomic<uint64_t> epoch_{0};
  alignas(64) const std::function<void(int)>* task_ = nullptr;
  int n_tasks_ = 0;
  std::atomic<bool> open_{false};
  std::atomic<int> next_{0}, done_{0}, slots_{0}, active_{0};
  alignas(64) std::atomic<bool> stop_{false};
  std::atomic<int> sleepers_{0};
  std::atomic<int> keep_{0};  // workers with an index at or above this leave
};

Pool& pool() {
  // Leaked on purpose: worker threads must not be joined from static destructors at process exit.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int max_threads() { return 4 * cores(); }
void set_num_threads(int n) { pool().set_threads(n); }
// Inside a task, nested calls run inline: one thread (so a GEMM there plans one part, not parts run in turn).
int num_threads() { return t_in_pool_task ? 1 : pool().threads(); }
void parallel_for(int n_tasks, const std::function<void(int)>& task, bool wake) { pool().run(n_tasks, task, wake); }

}  // namespace myelin
