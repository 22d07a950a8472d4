// fit() on a thread of its own rather than the libuv pool: a fit may run for hours and would hold one
// of libuv's four threads (fs, dns, zlib) all that time, and Node waits for pool work before it runs
// an environment's cleanup hooks, so worker.terminate() waited for the whole fit. Here the thread
// reports through a thread-safe function, and a cleanup hook (worker teardown) or abort_fits (the
// 'exit' event, see lib/native.ts) aborts the fit, which stops at its next batch, and joins it.
#include "binding/fit_task.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <thread>

#include "core/gemm.h"

namespace myelin::binding {

namespace {

using engine::Network;

struct Msg {
  bool done;
  int epoch, batch, batches;
  double loss;
};

class FitTask;
void call_js(Napi::Env env, Napi::Function, FitTask* task, Msg* msg);
using Tsfn = Napi::TypedThreadSafeFunction<FitTask, Msg, call_js>;

// The running fits of every environment (worker threads each have one), for abort_fits.
std::mutex registry_mu;
std::vector<FitTask*> registry;

class FitTask {
 public:
  FitTask(Napi::Env env, std::shared_ptr<Network> net, FitJob&& job, Napi::Function on_progress)
      : env_(env), net_(std::move(net)), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }

  Napi::Promise start(Napi::Env env) {
    tsfn_ = Tsfn::New(env, "myelin:fit", 0, 1, this, [](Napi::Env, void*, FitTask* t) { t->finalize(); });
    // Registered after the thread-safe function's own hook, so it runs before that one (hooks run LIFO).
    hook_ = env.AddCleanupHook(
        +[](FitTask* t) { t->stop_and_join(); }, this);
    {
      std::lock_guard<std::mutex> lk(registry_mu);
      registry.push_back(this);
    }
    net_->set_training(true);
    thread_ = std::thread([this] { run(); });
    return deferred_.Promise();
  }

  // Main thread: the fit returns at its next batch; wait for it.
  void stop_and_join() {
    net_->abort();
    if (thread_.joinable()) thread_.join();
    unregister();
  }

  napi_env env() const { return env_; }

  void progress(Napi::Env env) {
    Msg m;
    {
      std::lock_guard<std::mutex> lk(progress_mu_);
      m = latest_;
      progress_pending_ = false;
    }
    if (on_progress_.IsEmpty() || !callback_error_.IsEmpty()) return;
    try {
      on_progress_.Call({Napi::Number::New(env, m.epoch), Napi::Number::New(env, m.batch),
                         Napi::Number::New(env, m.batches), Napi::Number::New(env, m.loss)});
    } catch (const Napi::Error& e) {  // a throwing callback stops training and rejects the fit
      callback_error_ = Napi::Persistent(static_cast<Napi::Value>(e.Value()));
      net_->request_stop();
    }
  }

  void finish(Napi::Env env) {
    if (thread_.joinable()) thread_.join();
    unregister();
    hook_.Remove(env);
    net_->set_training(false);
    job_.data.reset();  // the FitData object may have been released: its copies go back to the pool now
    if (!callback_error_.IsEmpty()) return deferred_.Reject(callback_error_.Value());
    if (!error_.empty())
      return deferred_.Reject(oom_ ? Napi::RangeError::New(env, error_).Value()
                                   : Napi::Error::New(env, error_).Value());
    Napi::Object r = Napi::Object::New(env);
    Napi::Float64Array logs = Napi::Float64Array::New(env, out_.logs.size());
    std::copy(out_.logs.begin(), out_.logs.end(), logs.Data());
    r.Set("logs", logs);
    r.Set("epochsRun", out_.epochs_run);
    r.Set("stopped", out_.stopped);
    if (out_.nonfinite_epoch >= 0) {
      Napi::Object nf = Napi::Object::New(env);
      nf.Set("epoch", out_.nonfinite_epoch);
      nf.Set("batch", out_.nonfinite_batch);
      r.Set("nonFinite", nf);
    } else {
      r.Set("nonFinite", env.Null());
    }
    deferred_.Resolve(r);
  }

 private:
  // Training thread: no N-API here but the thread-safe function.
  void run() {
    if (!on_progress_.IsEmpty())
      job_.opts.on_progress = [this](int e, int b, int n, double loss) {
        // Only the latest report waits in the queue: JS is never flooded, whatever progressMs is.
        std::lock_guard<std::mutex> lk(progress_mu_);
        latest_ = Msg{false, e, b, n, loss};
        if (!progress_pending_) progress_pending_ = send(latest_);
      };
    try {
      out_ = net_->fit(job_.opts);
    } catch (const std::bad_alloc&) {
      oom_ = true;
      error_ = "fit: out of memory for the training workspaces; use a smaller batchSize";
    } catch (const std::exception& e) {
      error_ = e.what();
    }
    release_gemm_scratch();  // this thread ends here
    send(Msg{true, 0, 0, 0, 0});
    tsfn_.Release();
  }

  bool send(const Msg& m) {
    Msg* p = new Msg(m);
    if (tsfn_.NonBlockingCall(p) == napi_ok) return true;
    delete p;  // closing: the environment is going away
    return false;
  }

  void unregister() {
    std::lock_guard<std::mutex> lk(registry_mu);
    registry.erase(std::remove(registry.begin(), registry.end(), this), registry.end());
  }

  // The thread-safe function is gone (after finish, or at teardown after stop_and_join).
  void finalize() {
    if (thread_.joinable()) thread_.join();
    unregister();
    delete this;
  }

  napi_env env_;
  std::shared_ptr<Network> net_;
  FitJob job_;
  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_progress_;
  Napi::Reference<Napi::Value> callback_error_;
  Tsfn tsfn_;
  Napi::Env::CleanupHook<void (*)(FitTask*), FitTask> hook_;
  std::thread thread_;
  engine::FitOutcome out_;
  std::string error_;
  bool oom_ = false;
  std::mutex progress_mu_;
  Msg latest_{};
  bool progress_pending_ = false;
};

void call_js(Napi::Env env, Napi::Function, FitTask* task, Msg* msg) {
  std::unique_ptr<Msg> own(msg);
  if (env == nullptr) return;  // torn down: only free the message
  if (msg->done)
    task->finish(env);
  else
    task->progress(env);
}

}  // namespace

Napi::Promise start_fit(Napi::Env env, std::shared_ptr<Network> net, FitJob job, Napi::Function on_progress) {
  auto* task = new FitTask(env, std::move(net), std::move(job), on_progress);
  return task->start(env);
}

void abort_fits(Napi::Env env) {
  std::vector<FitTask*> mine;
  {
    std::lock_guard<std::mutex> lk(registry_mu);
    for (FitTask* t : registry)
      if (t->env() == static_cast<napi_env>(env)) mine.push_back(t);
  }
  for (FitTask* t : mine) t->stop_and_join();  // only this thread deletes this environment's tasks
}

}  // namespace myelin::binding
