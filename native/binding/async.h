// Promise-returning work off the main thread: inputs that stay valid while it runs (Held) and the one
// worker template (PromiseWorker) the async entry points use.
#pragma once

#include <napi.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/copy_pool.h"
#include "binding/job_threads.h"
#include "core/finite.h"

namespace myelin::binding {

// Node-API cannot pin an ArrayBuffer. While work runs on another thread, JS may transfer the buffer away
// (structuredClone/postMessage with `transfer`) and the GC free it, or shrink a resizable buffer; a
// reference to the typed array keeps neither its memory nor its length. So async work reads its inputs
// from memory JS cannot take away:
//  - a SharedArrayBuffer can be neither detached nor shrunk: a reference keeps its memory, no copy;
//  - anything else is copied, on the main thread: at once, before the call returns, or (defer_copies) in
//    steps between which JS runs (copy_some checks the arrays again before each step).
// The alternatives cost more: refusing transferable buffers refuses every ordinary ArrayBuffer, and an
// ownership check cannot see a transfer that happens after the call returned. Sync calls copy nothing
// (no JS runs while they do), and SharedArrayBuffer inputs are the zero-copy way for large async work.
class Held {
 public:
  Held() = default;
  Held(Held&&) = default;
  Held& operator=(Held&&) = default;

  // From now on hold() only allocates; copy_some() fills the copies. The work must not start before.
  void defer_copies() { defer_ = true; }

  // Main thread: copies up to *budget bytes of the deferred copies from the arrays as they are now, and takes
  // what it copied off *budget; true once all are done. A RangeError if an array was detached or shrunk since,
  // or holds what hold() was told to refuse (a NaN/Infinity: the error's `index` names the element).
  bool copy_some(Napi::Env env, size_t* budget) {
    for (Pending& c : pending_) {
      if (c.done == c.bytes) continue;
      Napi::TypedArray a = c.src.Value().As<Napi::TypedArray>();
      Napi::ArrayBuffer buffer = a.ArrayBuffer();
      if (a.ByteLength() < c.src_bytes || !buffer.Data())
        throw Napi::RangeError::New(env, c.name + " was detached or shrunk while it was being copied (" +
                                             std::to_string(c.src_bytes) +
                                             " bytes); keep it until the call has started its work");
      const size_t n = fill(env, c, static_cast<const char*>(buffer.Data()) + a.ByteOffset(), *budget);
      *budget -= std::min(*budget, n);
      copied_bytes() += n;
      if (c.done < c.bytes) return false;
    }
    pending_.clear();  // the caller's arrays are no longer needed
    return true;
  }

  // Any thread, while nothing else uses this Held: touches each page of the deferred copies that came fresh
  // from the OS, so the page faults (most of a copy's cost) are not taken by copy_some on the main thread.
  bool has_fresh() const {
    return std::any_of(pending_.begin(), pending_.end(), [](const Pending& c) { return c.fresh; });
  }
  void touch_fresh() {
    for (Pending& c : pending_)
      if (std::exchange(c.fresh, false))
        for (size_t i = 0; i < c.bytes; i += 4096) static_cast<volatile char*>(c.dst)[i] = 0;
  }

  // Bytes copied from JS arrays by this thread, and bytes of copies alive in the process (tests count them).
  static size_t& copied_bytes() {
    static thread_local size_t n = 0;
    return n;
  }
  static std::atomic<size_t>& live_bytes() {
    static std::atomic<size_t> n{0};
    return n;
  }

  // The elements of `a`, valid until this Held is destroyed. check_finite: a NaN/Infinity in it is a RangeError
  // (found as it is copied; a SharedArrayBuffer, read in place, is not checked).
  template <typename T>
  const T* hold(Napi::Env env, Napi::TypedArrayOf<T> a, const std::string& name, bool check_finite = false) {
    const size_t n = a.ElementLength();
    if (n == 0) return nullptr;
    if (!a.ArrayBuffer().IsArrayBuffer()) {  // a SharedArrayBuffer
      refs_.push_back(Napi::Persistent(Napi::Value(a)));
      return a.Data();
    }
    return static_cast<const T*>(copy_of(env, a, n * sizeof(T), n * sizeof(T), name, check_finite, 0));
  }

  // `classes` (one class index per row) as one-hot rows of `units` floats: always a copy, made as hold() makes
  // copies. An index outside [0, units) is a RangeError (checked as it is copied).
  const float* hold_one_hot(Napi::Env env, Napi::Int32Array classes, int units, const std::string& name) {
    const size_t rows = classes.ElementLength();
    if (rows == 0) return nullptr;
    return static_cast<const float*>(
        copy_of(env, classes, rows * units * sizeof(float), rows * sizeof(int32_t), name, false, units));
  }

  // p, which points at n elements inside one of `arrays` (typed arrays), held as above; null stays null.
  template <typename T>
  const T* hold(Napi::Env env, const T* p, size_t n, const std::vector<Napi::Value>& arrays, const std::string& name) {
    if (!p || n == 0) return p;
    for (const Napi::Value& v : arrays) {
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != TypedArrayKind<T>::type) continue;
      Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
      if (a.Data() == p && a.ElementLength() >= n) return hold<T>(env, a, name);
    }
    throw Napi::Error::New(env, "internal: " + name + " is not one of the arrays it was read from");
  }

 private:
  struct Copy {
    void* p;
    size_t bytes;
    Copy(void* p_, size_t b) : p(p_), bytes(b) { live_bytes() += b; }
    Copy(Copy&& o) noexcept : p(std::exchange(o.p, nullptr)), bytes(o.bytes) {}
    Copy& operator=(Copy&& o) noexcept {
      std::swap(p, o.p);
      std::swap(bytes, o.bytes);
      return *this;
    }
    ~Copy() {
      if (!p) return;
      CopyPool::give(p, bytes);
      live_bytes() -= bytes;
    }
  };
  struct Pending {
    void* dst;
    Napi::Reference<Napi::Value> src;  // the caller's typed array
    size_t bytes, done, src_bytes;     // bytes of the copy, filled so far; of the caller's array
    bool fresh;                        // its pages not touched yet
    std::string name;
    bool check_finite;
    int one_hot;  // > 0: src holds int32 class indexes, the copy their one-hot rows of this many floats
  };

  // A copy of `bytes` for typed array `a` (src_bytes long), filled at once or by copy_some.
  void* copy_of(Napi::Env env, Napi::TypedArray a, size_t bytes, size_t src_bytes, const std::string& name,
                bool check_finite, int one_hot) {
    bool fresh = false;
    void* copy = CopyPool::take(bytes, &fresh);
    if (!copy)
      throw Napi::RangeError::New(env,
                                  "could not allocate a copy of " + name + " (" + std::to_string(bytes) + " bytes)");
    copies_.push_back(Copy{copy, bytes});
    pending_.push_back(
        Pending{copy, Napi::Persistent(Napi::Value(a)), bytes, 0, src_bytes, fresh, name, check_finite, one_hot});
    if (!defer_) {
      size_t all = bytes;
      copy_some(env, &all);
    }
    return copy;
  }

  // Fills up to `budget` more bytes of c (at least one row of a one-hot copy) from `from`, the caller's
  // array's data; returns the bytes written.
  static size_t fill(Napi::Env env, Pending& c, const char* from, size_t budget) {
    char* dst = static_cast<char*>(c.dst);
    if (c.one_hot > 0) {
      const size_t row_bytes = c.one_hot * sizeof(float), row = c.done / row_bytes;
      const size_t rows = std::min(std::max<size_t>(budget / row_bytes, 1), c.bytes / row_bytes - row);
      const int32_t* cls = reinterpret_cast<const int32_t*>(from) + row;
      float* out = reinterpret_cast<float*>(dst + c.done);
      std::memset(out, 0, rows * row_bytes);
      for (size_t r = 0; r < rows; ++r) {
        if (cls[r] < 0 || cls[r] >= c.one_hot)
          throw Napi::RangeError::New(env, c.name + "[" + std::to_string(row + r) + "] must be a class index in [0, " +
                                               std::to_string(c.one_hot) + "), got " + std::to_string(cls[r]));
        out[r * c.one_hot + cls[r]] = 1.0f;
      }
      c.done += rows * row_bytes;
      return rows * row_bytes;
    }
    // In blocks that stay in L2 between the copy and the check: one pass over the caller's memory.
    constexpr size_t kBlock = size_t{64} << 10;
    const size_t end = c.done + std::min(budget, c.bytes - c.done);
    const size_t start = c.done;
    for (size_t at = c.done; at < end; at += kBlock) {
      const size_t n = std::min(kBlock, end - at);
      std::memcpy(dst + at, from + at, n);
      if (!c.check_finite) continue;
      const long long bad = first_non_finite(reinterpret_cast<const float*>(dst + at), n / sizeof(float));
      if (bad >= 0) {
        const double index = static_cast<double>(at / sizeof(float) + bad);
        Napi::Error e = Napi::RangeError::New(
            env, c.name + "[" + std::to_string(static_cast<long long>(index)) + "] is not a finite number");
        e.Set("index", Napi::Number::New(env, index));
        throw e;
      }
    }
    c.done = end;
    return end - start;
  }

  std::vector<Copy> copies_;
  std::vector<Pending> pending_;
  std::vector<Napi::Reference<Napi::Value>> refs_;
  bool defer_ = false;
};

// Runs job.run(&cancel) on a job thread (job_threads.h; no N-API there) and settles a Promise with
// job.result(env) on the main thread. A failed allocation rejects with a RangeError, any other C++
// exception with an Error, and so does a throw from result(): nothing escapes as an uncaught exception.
// Job owns what the work reads (Held inputs, references to the output arrays it made), so they outlive
// the work. When the environment goes away first (worker.terminate(), the end of the process), its
// cleanup hook drops the job if it has not started, else sets `cancel` and waits for the work to end.
template <typename Job>
class PromiseWorker {
 public:
  static Napi::Promise start(Napi::Env env, const char* name, Job job) {
    auto* w = new PromiseWorker(env, std::move(job));
    Napi::Promise p = w->deferred_.Promise();
    w->tsfn_ = Tsfn::New(env, name, 0, 1, w, [](Napi::Env, void*, PromiseWorker* w) {
      w->ran_.wait();
      delete w;
    });
    // Registered after the thread-safe function's own hook, so it runs before that one (hooks run LIFO).
    w->hook_ = env.AddCleanupHook(
        +[](PromiseWorker* w) { w->cancel(); }, w);
    try {
      w->ticket_ = jobs::submit([w] { w->execute(); });
    } catch (const std::exception&) {
      w->hook_.Remove(env);
      w->tsfn_.Release();
      w->ran_.set();
      throw Napi::Error::New(env, std::string(name) + ": could not start a thread for the work");
    }
    return p;
  }

 private:
  static void call_js(Napi::Env env, Napi::Function, PromiseWorker* w, void*) {
    if (env == nullptr) return;  // torn down
    w->ran_.wait();              // the work is done with everything but the latch
    w->hook_.Remove(env);
    w->settle(env);
  }
  using Tsfn = Napi::TypedThreadSafeFunction<PromiseWorker, void, call_js>;

  // Set once the job thread is done with this object (the thread-safe function released).
  class Latch {
   public:
    void set() {
      std::lock_guard<std::mutex> lk(mu_);
      done_ = true;
      cv_.notify_all();
    }
    void wait() {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [this] { return done_; });
    }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
  };

  PromiseWorker(Napi::Env env, Job&& job) : job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}

  // Job thread.
  void execute() {
    if (!cancel_.load()) try {
        job_.run(&cancel_);
      } catch (const std::bad_alloc&) {
        out_of_memory_ = true;
        error_ = "out of memory while running the work; use fewer rows per call";
      } catch (const std::exception& e) {
        error_ = e.what();
        if (error_.empty()) error_ = "the native work failed";
      }
    tsfn_.NonBlockingCall();  // fails only when the environment is closing: nothing to settle then
    tsfn_.Release();
    ran_.set();  // the last touch of this object from this thread
  }

  // Main thread, at environment teardown.
  void cancel() {
    cancel_.store(true);
    if (jobs::drop(ticket_)) {
      tsfn_.Release();
      ran_.set();
    }
    ran_.wait();
  }

  void settle(Napi::Env env) {
    if (!error_.empty())
      return deferred_.Reject(out_of_memory_ ? Napi::RangeError::New(env, error_).Value()
                                             : Napi::Error::New(env, error_).Value());
    try {
      deferred_.Resolve(job_.result(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  Job job_;
  Napi::Promise::Deferred deferred_;
  Tsfn tsfn_;
  Napi::Env::CleanupHook<void (*)(PromiseWorker*), PromiseWorker> hook_;
  jobs::Ticket ticket_ = 0;
  std::atomic<bool> cancel_{false};
  Latch ran_;
  std::string error_;
  bool out_of_memory_ = false;
};

}  // namespace myelin::binding
