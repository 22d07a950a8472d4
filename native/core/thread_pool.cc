#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace myelin {
namespace {

thread_local bool t_in_pool_task = false;

class Pool {
 public:
  Pool() {
    int n = static_cast<int>(std::thread::hardware_concurrency());
    if (const char* env = std::getenv("MYELIN_NUM_THREADS")) {
      const int v = std::atoi(env);
      if (v > 0) n = v;
    }
    target_ = n < 1 ? 1 : n;
  }

  ~Pool() { stop_workers(); }

  void set_threads(int n) {
    std::lock_guard<std::mutex> submit(submit_);
    target_ = n < 1 ? 1 : n;
  }

  int threads() const { return target_; }

  void run(int n_tasks, const std::function<void(int)>& task) {
    if (n_tasks <= 0) return;
    std::unique_lock<std::mutex> submit(submit_, std::try_to_lock);
    if (n_tasks == 1 || target_ == 1 || t_in_pool_task || !submit.owns_lock()) {
      for (int i = 0; i < n_tasks; ++i) task(i);
      return;
    }
    ensure_workers(target_ - 1);
    const int helpers = std::min(n_tasks - 1, static_cast<int>(workers_.size()));
    {
      std::lock_guard<std::mutex> lk(mu_);
      task_ = &task;
      n_tasks_ = n_tasks;
      next_.store(0, std::memory_order_relaxed);
      done_.store(0, std::memory_order_relaxed);
      wanted_ = helpers;
      ++generation_;
    }
    cv_.notify_all();
    work(task, n_tasks);
    // Wait for every task to finish, spinning briefly first: batch-sized layers take microseconds.
    for (int spin = 0; done_.load(std::memory_order_acquire) < n_tasks; ++spin) {
      if (spin > 2000) std::this_thread::yield();
    }
    // Workers that have not woken yet must not pick this task up any more.
    std::unique_lock<std::mutex> lk(mu_);
    wanted_ = 0;
    idle_cv_.wait(lk, [&] { return active_ == 0; });
    task_ = nullptr;
  }

 private:
  void work(const std::function<void(int)>& task, int n_tasks) {
    const bool was = t_in_pool_task;
    t_in_pool_task = true;
    for (;;) {
      const int i = next_.fetch_add(1, std::memory_order_relaxed);
      if (i >= n_tasks) break;
      task(i);
      done_.fetch_add(1, std::memory_order_release);
    }
    t_in_pool_task = was;
  }

  void worker_main() {
    unsigned long long seen = 0;
    for (;;) {
      const std::function<void(int)>* task;
      int n;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return stop_ || (generation_ != seen && wanted_ > 0); });
        if (stop_) return;
        seen = generation_;
        --wanted_;
        ++active_;
        task = task_;
        n = n_tasks_;
      }
      work(*task, n);
      {
        std::lock_guard<std::mutex> lk(mu_);
        --active_;
      }
      idle_cv_.notify_all();
    }
  }

  void ensure_workers(int n) {
    while (static_cast<int>(workers_.size()) < n) workers_.emplace_back([this] { worker_main(); });
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex submit_;  // one parallel_for at a time owns the workers
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* task_ = nullptr;
  int n_tasks_ = 0, wanted_ = 0, active_ = 0, target_ = 1;
  unsigned long long generation_ = 0;
  bool stop_ = false;
  std::atomic<int> next_{0}, done_{0};
};

Pool& pool() {
  // Leaked on purpose: worker threads must not be joined from static destructors at process exit.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void set_num_threads(int n) { pool().set_threads(n); }
int num_threads() { return pool().threads(); }
void parallel_for(int n_tasks, const std::function<void(int)>& task) { pool().run(n_tasks, task); }

}  // namespace myelin
