#include "binding/job_threads.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace myelin::binding::jobs {
namespace {

struct Queue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<Ticket, std::function<void()>>> waiting;
  Ticket next = 1;
  size_t threads = 0, idle = 0;
};

// Leaked on purpose, like the kernel thread pool: its threads may still wait on it during exit.
Queue& queue() {
  static Queue* q = new Queue();
  return *q;
}

size_t max_threads() { return std::max<size_t>(4, std::thread::hardware_concurrency()); }

void serve() {
  Queue& q = queue();
  std::unique_lock<std::mutex> lk(q.mu);
  for (;;) {
    ++q.idle;
    q.cv.wait(lk, [&] { return !q.waiting.empty(); });
    --q.idle;
    std::function<void()> fn = std::move(q.waiting.front().second);
    q.waiting.pop_front();
    lk.unlock();
    fn();  // never throws: PromiseWorker catches what its job throws
    fn = nullptr;
    lk.lock();
  }
}

}  // namespace

Ticket submit(std::function<void()> fn) {
  Queue& q = queue();
  std::lock_guard<std::mutex> lk(q.mu);
  const Ticket t = q.next++;
  q.waiting.emplace_back(t, std::move(fn));
  if (q.idle < q.waiting.size() && q.threads < max_threads()) {
    try {
      std::thread(serve).detach();
      ++q.threads;
    } catch (const std::system_error&) {
      if (q.threads == 0) {  // nothing would ever run it
        q.waiting.pop_back();
        throw;
      }
    }
  }
  q.cv.notify_one();
  return t;
}

bool drop(Ticket t) {
  Queue& q = queue();
  std::lock_guard<std::mutex> lk(q.mu);
  auto it = std::find_if(q.waiting.begin(), q.waiting.end(), [t](const auto& j) { return j.first == t; });
  if (it == q.waiting.end()) return false;
  q.waiting.erase(it);
  return true;
}

}  // namespace myelin::binding::jobs
