// `Network`: the training engine (core/engine/network.h) as a JS class. Parameters, optimizer
// state and workspaces live in native memory owned by the object and freed with it by the GC; their
// size is reported to V8. fit/predictAsync/evaluate run on libuv worker threads and settle
// Promises; nothing touches N-API off the main thread.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/modules.h"
#include "binding/spec_parse.h"
#include "core/engine/network.h"
#include "core/vec.h"

namespace myelin::binding {
namespace {

using engine::Network;

class NetworkWrap : public Napi::ObjectWrap<NetworkWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Network",
                       {InstanceAccessor<&NetworkWrap::ParamCount>("paramCount"),
                        InstanceAccessor<&NetworkWrap::Training>("training"),
                        InstanceMethod<&NetworkWrap::Compile>("compile"),
                        InstanceMethod<&NetworkWrap::GetWeights>("getWeights"),
                        InstanceMethod<&NetworkWrap::SetWeights>("setWeights"),
                        InstanceMethod<&NetworkWrap::GetOptimizerState>("getOptimizerState"),
                        InstanceMethod<&NetworkWrap::SetOptimizerState>("setOptimizerState"),
                        InstanceMethod<&NetworkWrap::SetLearningRate>("setLearningRate"),
                        InstanceMethod<&NetworkWrap::Predict>("predict"),
                        InstanceMethod<&NetworkWrap::PredictAsync>("predictAsync"),
                        InstanceMethod<&NetworkWrap::Evaluate>("evaluate"),
                        InstanceMethod<&NetworkWrap::Fit>("fit"),
                        InstanceMethod<&NetworkWrap::RequestStop>("requestStop"),
                        InstanceMethod<&NetworkWrap::Gradients>("gradients")});
  }

  explicit NetworkWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NetworkWrap>(info) {
    Napi::Env env = info.Env();
    if (!info.IsConstructCall()) throw Napi::TypeError::New(env, "Network must be called with new");
    std::vector<engine::LayerSpec> layers = parse_layers(env, info[0]);
    try {
      net_ = std::make_shared<Network>(std::move(layers));
    } catch (const std::invalid_argument& e) {
      throw Napi::RangeError::New(env, e.what());
    }
    report_memory(env);
  }

  // Only at environment teardown can this run while a worker uses the network (workers pin the
  // object): they share ownership, so the memory stays valid, and a fit stops at its next batch.
  void Finalize(Napi::BasicEnv env) override {
    if (net_->training()) net_->abort();
    if (reported_) Napi::MemoryManagement::AdjustExternalMemory(env, -reported_);
    reported_ = 0;
  }


 private:
  void report_memory(Napi::Env env) {
    const int64_t now = static_cast<int64_t>(net_->native_bytes());
    if (now != reported_) Napi::MemoryManagement::AdjustExternalMemory(env, now - reported_);
    reported_ = now;
  }

  void not_training(Napi::Env env, const char* what) {
    if (net_->training())
      throw Napi::Error::New(env, std::string(what) + ": the model is training (a fit() call is running); "
                                  "wait for its Promise before calling " + what);
  }

  bool sparse() const {
    return net_->compiled() && net_->compile_spec().loss == static_cast<int>(LossId::SparseCce);
  }

  void need_compiled(Napi::Env env, const char* what) {
    if (!net_->compiled()) throw Napi::Error::New(env, std::string(what) + " before compile(): call compile() first");
  }

  Napi::Value ParamCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(net_->param_count()));
  }
  Napi::Value Training(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), net_->training()); }

  Napi::Value Compile(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    not_training(env, "compile");
    engine::CompileSpec spec = parse_compile(env, info[0]);
    net_->compile(spec);
    report_memory(env);
    return env.Undefined();
  }

  Napi::Value GetWeights(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const auto& arrays = net_->arrays();
    Napi::Array out = Napi::Array::New(env, arrays.size());
    std::vector<float*> dst;
    std::vector<Napi::Float32Array> keep;
    for (size_t a = 0; a < arrays.size(); ++a) {
      keep.push_back(Napi::Float32Array::New(env, arrays[a].len));
      dst.push_back(keep.back().Data());
      out.Set(static_cast<uint32_t>(a), keep.back());
    }
    net_->get_weights(dst);
    return out;
  }

  // Float32Arrays matching arrays() (or slots) in count and lengths; `name` for messages.
  std::vector<const float*> expect_arrays(Napi::Env env, Napi::Value v, const char* name, size_t per_array) {
    const auto& arrays = net_->arrays();
    const size_t count = arrays.size() * per_array;
    if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(name) + " must be an array of Float32Array");
    Napi::Array arr = v.As<Napi::Array>();
    if (arr.Length() != count)
      throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(arr.Length()) + " arrays but this network needs " +
                                           std::to_string(count));
    std::vector<const float*> src;
    for (uint32_t i = 0; i < count; ++i) {
      Napi::Value e = arr.Get(i);
      const std::string p = std::string(name) + "[" + std::to_string(i) + "]";
      if (!e.IsTypedArray() || e.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
        throw Napi::TypeError::New(env, p + " must be a Float32Array");
      const size_t need = arrays[i / per_array].len, have = e.As<Napi::TypedArray>().ElementLength();
      if (have != need)
        throw Napi::RangeError::New(env, p + " has " + std::to_string(have) + " elements but needs " + std::to_string(need));
      src.push_back(e.As<Napi::Float32Array>().Data());
    }
    return src;
  }

  Napi::Value SetWeights(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    not_training(env, "setWeights");
    net_->set_weights(expect_arrays(env, info[0], "weights", 1));
    return env.Undefined();
  }

  Napi::Value GetOptimizerState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const auto& arrays = net_->arrays();
    const int s = net_->slots_per_array();
    Napi::Array slots = Napi::Array::New(env);
    std::vector<float*> dst;
    for (size_t a = 0; a < arrays.size(); ++a)
      for (int k = 0; k < s; ++k) {
        Napi::Float32Array f = Napi::Float32Array::New(env, arrays[a].len);
        dst.push_back(f.Data());
        slots.Set(static_cast<uint32_t>(a * s + k), f);
      }
    const int64_t it = net_->get_optimizer_state(dst);
    Napi::Object o = Napi::Object::New(env);
    o.Set("iterations", Napi::Number::New(env, static_cast<double>(it)));
    o.Set("slots", slots);
    return o;
  }

  Napi::Value SetOptimizerState(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    not_training(env, "setOptimizerState");
    need_compiled(env, "setOptimizerState");
    Napi::Object o = expect_object(env, info[0], "state");
    const int it = int_field(env, o, "iterations", "state", 0, false, 0);
    std::vector<const float*> src = expect_arrays(env, o.Get("slots"), "state.slots", net_->slots_per_array());
    net_->set_optimizer_state(it, src);
    return env.Undefined();
  }

  Napi::Value SetLearningRate(const Napi::CallbackInfo& info) {
    const double lr = expect_number(info, 0, "learningRate");
    if (!(lr > 0)) throw Napi::RangeError::New(info.Env(), "learningRate must be > 0, got " + std::to_string(lr));
    net_->set_learning_rate(static_cast<float>(lr));
    return info.Env().Undefined();
  }

  // (x, rows) checked against the input width.
  int predict_args(const Napi::CallbackInfo& info, Napi::Float32Array* x) {
    *x = expect_f32(info, 0, "x");
    const int rows = expect_int(info, 1, "rows", 0);
    const size_t need = static_cast<size_t>(rows) * net_->input_dim();
    if (x->ElementLength() != need)
      throw Napi::RangeError::New(info.Env(), "x has " + std::to_string(x->ElementLength()) + " elements but " +
                                                  std::to_string(rows) + " rows x " + std::to_string(net_->input_dim()) +
                                                  " inputs need " + std::to_string(need));
    return rows;
  }

  Napi::Value Predict(const Napi::CallbackInfo& info) {
    Napi::Float32Array x;
    const int rows = predict_args(info, &x);
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), static_cast<size_t>(rows) * net_->output_dim());
    if (rows > 0) net_->predict(x.Data(), rows, out.Data(), ws_);
    return out;
  }

  Napi::Value PredictAsync(const Napi::CallbackInfo& info);
  Napi::Value Evaluate(const Napi::CallbackInfo& info);
  Napi::Value Fit(const Napi::CallbackInfo& info);

  Napi::Value RequestStop(const Napi::CallbackInfo& info) {
    net_->request_stop();
    return info.Env().Undefined();
  }

  Napi::Value Gradients(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    need_compiled(env, "gradients");
    ParsedData d;
    parse_data(env, info[0], "data", *net_, sparse(), &d);
    const auto& arrays = net_->arrays();
    Napi::Array grads = Napi::Array::New(env, arrays.size());
    std::vector<float*> dst;
    for (size_t a = 0; a < arrays.size(); ++a) {
      Napi::Float32Array f = Napi::Float32Array::New(env, arrays[a].len);
      dst.push_back(f.Data());
      grads.Set(static_cast<uint32_t>(a), f);
    }
    const double loss = net_->gradients(d.data, dst);
    Napi::Object o = Napi::Object::New(env);
    o.Set("loss", loss);
    o.Set("grads", grads);
    return o;
  }

  std::shared_ptr<Network> net_;  // shared with running workers
  engine::Workspace ws_;  // predict() on the main thread
  int64_t reported_ = 0;
};

// Keeps the Network object and the typed arrays a worker reads alive until it settles.
struct Pins {
  std::vector<Napi::Reference<Napi::Value>> refs;
  void add(Napi::Value v) { refs.push_back(Napi::Persistent(v)); }
  void add_all(const std::vector<Napi::Value>& vs) {
    for (const Napi::Value& v : vs) add(v);
  }
};

class PredictWorker : public Napi::AsyncWorker {
 public:
  PredictWorker(Napi::Env env, std::shared_ptr<Network> net, const float* x, int rows, Napi::Float32Array out)
      : Napi::AsyncWorker(env, "myelin:predict"), net_(std::move(net)), x_(x), rows_(rows), out_ptr_(out.Data()),
        deferred_(Napi::Promise::Deferred::New(env)) {
    out_ = Napi::Persistent(out);
  }
  Pins pins;
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    engine::Workspace ws;
    net_->predict(x_, rows_, out_ptr_, ws);
  }
  void OnOK() override { deferred_.Resolve(out_.Value()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::shared_ptr<Network> net_;
  const float* x_;
  int rows_;
  float* out_ptr_;
  Napi::Reference<Napi::Float32Array> out_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value NetworkWrap::PredictAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x;
  const int rows = predict_args(info, &x);
  Napi::Float32Array out = Napi::Float32Array::New(env, static_cast<size_t>(rows) * net_->output_dim());
  auto* w = new PredictWorker(env, net_, x.Data(), rows, out);
  w->pins.add(info.This());
  w->pins.add(x);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

class EvaluateWorker : public Napi::AsyncWorker {
 public:
  EvaluateWorker(Napi::Env env, std::shared_ptr<Network> net, ParsedData&& d, int batch)
      : Napi::AsyncWorker(env, "myelin:evaluate"), net_(std::move(net)), batch_(batch), deferred_(Napi::Promise::Deferred::New(env)) {
    pins.add_all(d.pins);
    data_ = d.data;
    labels_ = std::move(d.labels);
    if (data_.yi) data_.yi = labels_.data();
  }
  Pins pins;
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override { res_ = net_->evaluate(data_, batch_); }
  void OnOK() override {
    Napi::Float64Array a = Napi::Float64Array::New(Env(), res_.size());
    for (size_t i = 0; i < res_.size(); ++i) a[i] = res_[i];
    deferred_.Resolve(a);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::shared_ptr<Network> net_;
  engine::Data data_;
  std::vector<int32_t> labels_;
  int batch_;
  std::vector<double> res_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value NetworkWrap::Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  need_compiled(env, "evaluate");
  ParsedData d;
  parse_data(env, info[0], "data", *net_, sparse(), &d);
  const int batch = expect_int(info, 1, "batchSize", 1);
  auto* w = new EvaluateWorker(env, net_, std::move(d), batch);
  w->pins.add(info.This());
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

struct Progress {
  int epoch, batch, batches;
  double loss;
};

class FitWorker : public Napi::AsyncProgressWorker<Progress> {
 public:
  FitWorker(Napi::Env env, std::shared_ptr<Network> net)
      : Napi::AsyncProgressWorker<Progress>(env, "myelin:fit"), net_(std::move(net)),
                                           deferred_(Napi::Promise::Deferred::New(env)) {}
  Pins pins;
  engine::FitOptions opts;
  std::vector<int32_t> train_labels, val_labels;
  Napi::FunctionReference on_progress;
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute(const ExecutionProgress& progress) override {
    if (!on_progress.IsEmpty())
      opts.on_progress = [&progress](int e, int b, int n, double loss) {
        const Progress p{e, b, n, loss};
        progress.Send(&p, 1);
      };
    try {
      out_ = net_->fit(opts);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnProgress(const Progress* p, size_t count) override {
    if (count == 0 || on_progress.IsEmpty() || !callback_error_.IsEmpty()) return;
    Napi::Env env = Env();
    try {
      on_progress.Call({Napi::Number::New(env, p->epoch), Napi::Number::New(env, p->batch),
                        Napi::Number::New(env, p->batches), Napi::Number::New(env, p->loss)});
    } catch (const Napi::Error& e) {  // a throwing callback stops training and rejects the fit
      callback_error_ = Napi::Persistent(static_cast<Napi::Value>(e.Value()));
      net_->request_stop();
    }
  }
  void OnOK() override {
    net_->set_training(false);
    Napi::Env env = Env();
    if (!callback_error_.IsEmpty()) {
      deferred_.Reject(callback_error_.Value());
      return;
    }
    Napi::Object r = Napi::Object::New(env);
    Napi::Float64Array logs = Napi::Float64Array::New(env, out_.logs.size());
    for (size_t i = 0; i < out_.logs.size(); ++i) logs[i] = out_.logs[i];
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
  void OnError(const Napi::Error& e) override {
    net_->set_training(false);
    deferred_.Reject(e.Value());
  }

 private:
  std::shared_ptr<Network> net_;
  engine::FitOutcome out_;
  Napi::Reference<Napi::Value> callback_error_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value NetworkWrap::Fit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object a = expect_object(env, info[0], "args");
  if (net_->training()) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    d.Reject(Napi::Error::New(env, "fit: the network is already training (a fit() call is running)").Value());
    return d.Promise();
  }
  if (!net_->compiled()) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    d.Reject(Napi::Error::New(env, "fit before compile(): call compile() first").Value());
    return d.Promise();
  }
  ParsedData train, val;
  parse_data(env, a.Get("train"), "args.train", *net_, sparse(), &train);
  Napi::Value vv = a.Get("val");
  const bool has_val = !vv.IsNull() && !vv.IsUndefined();
  if (has_val) parse_data(env, vv, "args.val", *net_, sparse(), &val);
  engine::FitOptions o;
  o.epochs = int_field(env, a, "epochs", "args", 0, false, 0);
  o.initial_epoch = int_field(env, a, "initialEpoch", "args", 0, true, 0);
  o.batch_size = int_field(env, a, "batchSize", "args", 1, false, 0);
  o.shuffle = bool_field(env, a, "shuffle", "args", true, true);
  const double seed = number_field(env, a, "seed", "args", true, 0);
  o.seed = static_cast<uint64_t>(static_cast<int64_t>(seed));
  o.progress_ms = int_field(env, a, "progressMs", "args", 0, true, 100);
  Napi::Value cb = a.Get("onProgress");
  if (!cb.IsUndefined() && !cb.IsNull() && !cb.IsFunction())
    throw Napi::TypeError::New(env, "args.onProgress must be a function");

  auto* w = new FitWorker(env, net_);
  w->pins.add(info.This());
  w->pins.add_all(train.pins);
  w->pins.add_all(val.pins);
  w->train_labels = std::move(train.labels);
  w->val_labels = std::move(val.labels);
  o.train = train.data;
  if (o.train.yi) o.train.yi = w->train_labels.data();
  o.has_val = has_val;
  o.val = val.data;
  if (o.val.yi) o.val.yi = w->val_labels.data();
  if (cb.IsFunction()) w->on_progress = Napi::Persistent(cb.As<Napi::Function>());
  w->opts = std::move(o);
  net_->set_training(true);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

}  // namespace

void init_network(Napi::Env env, Napi::Object exports) {
  exports.Set("Network", NetworkWrap::Define(env));
}

}  // namespace myelin::binding
