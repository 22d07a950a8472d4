// `Network`: the training engine (core/engine/network.h) as a JS class. Parameters, optimizer
// state and workspaces live in native memory owned by the object and freed with it by the GC; their
// size is reported to V8. predictAsync/evaluate run on job threads (async.h), fit on a thread of
// its own (fit_task.h); they settle Promises and nothing touches N-API off the main thread.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/async.h"
#include "binding/fit_data.h"
#include "binding/fit_task.h"
#include "binding/modules.h"
#include "binding/spec_parse.h"
#include "core/engine/network.h"
#include "core/vec.h"

namespace myelin::binding {
namespace {

using engine::Network;

constexpr napi_type_tag kNetworkTag = {0x6d79656c696e2d6eULL, 0x6574776f726b3031ULL};

bool overlap(const Napi::Float32Array& a, const Napi::Float32Array& b) {
  return a.Data() < b.Data() + b.ElementLength() && b.Data() < a.Data() + a.ElementLength();
}

class NetworkWrap : public Napi::ObjectWrap<NetworkWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "Network",
        {InstanceAccessor<&NetworkWrap::ParamCount>("paramCount"), InstanceAccessor<&NetworkWrap::Training>("training"),
         InstanceAccessor<&NetworkWrap::Iterations>("iterations"), InstanceMethod<&NetworkWrap::Compile>("compile"),
         InstanceMethod<&NetworkWrap::GetWeights>("getWeights"), InstanceMethod<&NetworkWrap::SetWeights>("setWeights"),
         InstanceMethod<&NetworkWrap::GetOptimizerState>("getOptimizerState"),
         InstanceMethod<&NetworkWrap::SetOptimizerState>("setOptimizerState"),
         InstanceMethod<&NetworkWrap::SetLearningRate>("setLearningRate"),
         InstanceMethod<&NetworkWrap::Predict>("predict"), InstanceMethod<&NetworkWrap::PredictAsync>("predictAsync"),
         InstanceMethod<&NetworkWrap::Evaluate>("evaluate"), InstanceMethod<&NetworkWrap::Fit>("fit"),
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
    } catch (const std::bad_alloc&) {
      throw Napi::RangeError::New(env, "Network: could not allocate the parameters of these layers");
    }
    report_memory(env);
    info.This().As<Napi::Object>().TypeTag(&kNetworkTag);
  }

  const std::shared_ptr<Network>& network() const { return net_; }

  // Workers share ownership of the network, so its memory outlives this object; a fit still running
  // (this runs only at environment teardown then) stops at its next batch.
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
      throw Napi::Error::New(env, std::string(what) +
                                      ": the model is training (a fit() call is running); "
                                      "wait for its Promise before calling " +
                                      what);
  }

  bool sparse() const { return net_->compiled() && net_->compile_spec().loss == static_cast<int>(LossId::SparseCce); }

  void need_compiled(Napi::Env env, const char* what) {
    if (!net_->compiled()) throw Napi::Error::New(env, std::string(what) + " before compile(): call compile() first");
  }

  Napi::Value ParamCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(net_->param_count()));
  }
  Napi::Value Training(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), net_->training()); }
  Napi::Value Iterations(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(net_->iterations()));
  }

  Napi::Value Compile(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    not_training(env, "compile");
    engine::CompileSpec spec = parse_compile(env, info[0]);
    try {
      net_->compile(spec);
    } catch (const std::bad_alloc&) {
      throw Napi::RangeError::New(env, "compile: could not allocate the optimizer state");
    }
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
      throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(arr.Length()) +
                                           " arrays but this network needs " + std::to_string(count));
    std::vector<const float*> src;
    for (uint32_t i = 0; i < count; ++i) {
      Napi::Value e = arr.Get(i);
      const std::string p = std::string(name) + "[" + std::to_string(i) + "]";
      if (!e.IsTypedArray() || e.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
        throw Napi::TypeError::New(env, p + " must be a Float32Array");
      const size_t need = arrays[i / per_array].len, have = e.As<Napi::TypedArray>().ElementLength();
      if (have != need)
        throw Napi::RangeError::New(env,
                                    p + " has " + std::to_string(have) + " elements but needs " + std::to_string(need));
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
      throw Napi::RangeError::New(
          info.Env(), "x has " + std::to_string(x->ElementLength()) + " elements but " + std::to_string(rows) +
                          " rows x " + std::to_string(net_->input_dim()) + " inputs need " + std::to_string(need));
    return rows;
  }

  // (x, rows, checkFinite?) checked against the input width; checkFinite: whether to look for NaN/Infinity.
  int predict_args(const Napi::CallbackInfo& info, Napi::Float32Array* x, bool* check_finite) {
    *check_finite = info.Length() > 2 && !absent(info[2]) && expect_bool(info, 2, "checkFinite");
    return predict_args(info, x);
  }

  // The outputs, or with checkFinite the index of x's first NaN/Infinity (a number) when it holds one. out, if given:
  // where to write the outputs (rows x outputs; single-row predict reuses one, see Sequential.predict), returned.
  Napi::Value Predict(const Napi::CallbackInfo& info) {
    Napi::Float32Array x;
    bool check = false;
    const int rows = predict_args(info, &x, &check);
    Napi::Float32Array out;
    if (!optional_f32(info, 3, "out", &out)) {
      out = new_output(info.Env(), rows);
    } else if (out.ElementLength() != static_cast<size_t>(rows) * net_->output_dim()) {
      throw Napi::RangeError::New(info.Env(), "out has " + std::to_string(out.ElementLength()) + " elements but " +
                                                  std::to_string(rows) + " rows x " +
                                                  std::to_string(net_->output_dim()) + " outputs need " +
                                                  std::to_string(static_cast<size_t>(rows) * net_->output_dim()));
    } else if (overlap(out, x)) {
      throw Napi::RangeError::New(info.Env(), "out must not share memory with x");
    }
    long long bad = -1;
    try {
      if (rows > 0) bad = net_->predict(x.Data(), rows, out.Data(), nullptr, check);
    } catch (const std::bad_alloc&) {
      throw Napi::RangeError::New(info.Env(), "predict: out of memory for the layers' workspaces");
    }
    report_memory(info.Env());  // the first predict packs the kernels
    if (bad >= 0) return Napi::Number::New(info.Env(), static_cast<double>(bad));
    return out;
  }

  // rows x outputs, or a RangeError when that cannot be allocated. Small outputs (single-row
  // predict) skip new_f32's global lookup and message: an allocation that small cannot fail.
  Napi::Float32Array new_output(Napi::Env env, int rows) {
    const size_t n = static_cast<size_t>(rows) * net_->output_dim();
    if (n <= (size_t{1} << 16)) return Napi::Float32Array::New(env, n);
    return new_f32(
        env, n,
        "the predictions (" + std::to_string(rows) + " rows x " + std::to_string(net_->output_dim()) + " outputs)");
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
    // Optional: training mode (dropout on, batch statistics), as in a fit step.
    const bool training = !absent(info[1]) && as_bool(env, info[1], "training");
    const double loss = net_->gradients(d.data, dst, training);
    Napi::Object o = Napi::Object::New(env);
    o.Set("loss", loss);
    o.Set("grads", grads);
    return o;
  }

  std::shared_ptr<Network> net_;  // shared with running workers
  int64_t reported_ = 0;
};

// predictAsync(data, checkFinite?) and evaluate(data, batchSize) read a FitData (fit_data.h) made for this
// network: x (inputsOnly) or x and targets, copied in steps with the event loop running between them.
struct PredictJob {
  std::shared_ptr<Network> net;
  mutable std::shared_ptr<const FitData> data;  // dropped as the Promise settles: the copy is freed then
  float* out = nullptr;
  Napi::Reference<Napi::Float32Array> out_ref;  // made here: JS cannot reach it before the Promise settles
  bool check = false;
  long long bad = -1;

  void run(const std::atomic<bool>* cancel) {
    const engine::Data& d = data->train.data;
    bad = net->predict(d.x, d.rows, out, cancel, check);
  }
  Napi::Value result(Napi::Env env) const {
    data.reset();
    if (bad >= 0) return Napi::Number::New(env, static_cast<double>(bad));
    return out_ref.Value();
  }
};

Napi::Value NetworkWrap::PredictAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PredictJob job;
  job.net = net_;
  job.data = fit_data_of(env, info[0], *net_, "data", true);
  job.check = info.Length() > 1 && !absent(info[1]) && expect_bool(info, 1, "checkFinite");
  Napi::Float32Array out = new_output(env, job.data->train.data.rows);
  job.out = out.Data();
  job.out_ref = Napi::Persistent(out);
  return PromiseWorker<PredictJob>::start(env, "myelin:predict", std::move(job));
}

struct EvaluateJob {
  std::shared_ptr<Network> net;
  mutable std::shared_ptr<const FitData> data;  // dropped as the Promise settles
  int batch = 1;
  std::vector<double> res;

  void run(const std::atomic<bool>* cancel) { res = net->evaluate(data->train.data, batch, cancel); }
  Napi::Value result(Napi::Env env) const {
    data.reset();
    Napi::Float64Array a = Napi::Float64Array::New(env, res.size());
    for (size_t i = 0; i < res.size(); ++i) a[i] = res[i];
    return a;
  }
};

Napi::Value NetworkWrap::Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  need_compiled(env, "evaluate");
  EvaluateJob job;
  job.net = net_;
  job.data = fit_data_of(env, info[0], *net_, "data");
  job.batch = expect_int(info, 1, "batchSize", 1);
  return PromiseWorker<EvaluateJob>::start(env, "myelin:evaluate", std::move(job));
}

Napi::Value NetworkWrap::Fit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object a = expect_object(env, info[0], "args");
  const char* refusal = net_->training()    ? "fit: the network is already training (a fit() call is running)"
                        : !net_->compiled() ? "fit before compile(): call compile() first"
                                            : nullptr;
  if (refusal) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    d.Reject(Napi::Error::New(env, refusal).Value());
    return d.Promise();
  }
  FitJob job;
  job.data = fit_data_of(env, a.Get("data"), *net_, "args.data");
  engine::FitOptions o;
  o.epochs = int_field(env, a, "epochs", "args", 0, false, 0);
  o.initial_epoch = int_field(env, a, "initialEpoch", "args", 0, true, 0);
  o.batch_size = int_field(env, a, "batchSize", "args", 1, false, 0);
  o.shuffle = bool_field(env, a, "shuffle", "args", true, true);
  const double seed = number_field(env, a, "seed", "args", true, 0);
  o.seed = static_cast<uint64_t>(static_cast<int64_t>(seed));
  o.progress_ms = int_field(env, a, "progressMs", "args", 0, true, 100);
  Napi::Value cb = a.Get("onProgress");
  if (!absent(cb) && !cb.IsFunction()) type_error(env, "args.onProgress", "a function", cb);
  o.train = job.data->train.data;
  o.has_val = job.data->has_val;
  o.val = job.data->val.data;
  job.opts = std::move(o);
  return start_fit(env, net_, std::move(job), cb.IsFunction() ? cb.As<Napi::Function>() : Napi::Function());
}

Napi::Value AbortFits(const Napi::CallbackInfo& info) {
  abort_fits(info.Env());
  return info.Env().Undefined();
}

}  // namespace

std::shared_ptr<Network> network_of(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsObject() || !v.As<Napi::Object>().CheckTypeTag(&kNetworkTag)) type_error(env, name, "a Network", v);
  return NetworkWrap::Unwrap(v.As<Napi::Object>())->network();
}

void init_network(Napi::Env env, Napi::Object exports) {
  exports.Set("Network", NetworkWrap::Define(env));
  exports.Set("abortFits", Napi::Function::New<AbortFits>(env, "abortFits"));
}

}  // namespace myelin::binding
