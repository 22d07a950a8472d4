// Explanations: DeepSHAP over dense layers (sync and Promise-returning) and Kernel SHAP's batch
// helpers. Typed arrays are read in place; shapes are checked here so kernels see valid views.
#include <napi.h>

#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/modules.h"
#include "core/explain/coalitions.h"
#include "core/explain/deeplift.h"

namespace myelin::binding {
namespace {

std::string str(size_t v) { return std::to_string(v); }

// JS: deepShap(layers: {kernel, bias | null, inDim, units, act}[], x, rows, background, bgRows,
//              softmaxRule: 0 shift-invariant | 1 SHAP's | 2 Shapley)
// -> { phi: Float32Array(outputs * rows * features), output: Float32Array(rows * outputs),
//      expected: Float64Array(outputs) }
struct DeepShapJob {
  std::vector<DenseLayerView> layers;
  const float* x = nullptr;
  const float* bg = nullptr;
  int rows = 0, bg_rows = 0;
  SoftmaxRule softmax = SoftmaxRule::ShiftInvariant;
  DeepShapOutput out{};
  // The result arrays, referenced so they outlive the call's handle scope (async work).
  Napi::Reference<Napi::Object> result_ref;
  std::vector<Napi::Reference<Napi::Value>> pinned;  // inputs, for async work

  void run() { deep_shap(layers, x, rows, bg, bg_rows, out, softmax); }
  Napi::Object result() const { return result_ref.Value(); }
};

Napi::Float32Array layer_f32(Napi::Env env, Napi::Object layer, const char* key, const std::string& where) {
  Napi::Value v = layer.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(env, where + "." + key + " must be a Float32Array");
  return v.As<Napi::Float32Array>();
}

int layer_int(Napi::Env env, Napi::Object layer, const char* key, const std::string& where, int min_value) {
  Napi::Value v = layer.Get(key);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!v.IsNumber() || d != static_cast<int>(d) || d < min_value)
    throw Napi::RangeError::New(env, where + "." + key + " must be an integer >= " + std::to_string(min_value));
  return static_cast<int>(d);
}

DeepShapJob parse_deep_shap(const Napi::CallbackInfo& info, bool pin) {
  Napi::Env env = info.Env();
  if (info.Length() < 6) throw Napi::TypeError::New(env, "deepShap expects 6 arguments");
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "layers must be an array");
  Napi::Array arr = info[0].As<Napi::Array>();
  if (arr.Length() == 0) throw Napi::RangeError::New(env, "layers must hold at least one dense layer");
  DeepShapJob job;
  for (uint32_t l = 0; l < arr.Length(); ++l) {
    const std::string where = "layers[" + std::to_string(l) + "]";
    if (!arr.Get(l).IsObject()) throw Napi::TypeError::New(env, where + " must be an object");
    Napi::Object o = arr.Get(l).As<Napi::Object>();
    DenseLayerView d{};
    d.in = layer_int(env, o, "inDim", where, 1);
    d.out = layer_int(env, o, "units", where, 1);
    const int act = layer_int(env, o, "act", where, 0);
    if (act >= kActCount) throw Napi::RangeError::New(env, where + ".act must be an activation id below " + std::to_string(kActCount));
    d.act = static_cast<Act>(act);
    Napi::Float32Array kernel = layer_f32(env, o, "kernel", where);
    if (kernel.ElementLength() != static_cast<size_t>(d.in) * d.out)
      throw Napi::RangeError::New(env, where + ".kernel has " + str(kernel.ElementLength()) + " values; " +
                                           std::to_string(d.in) + "x" + std::to_string(d.out) + " needs " +
                                           str(static_cast<size_t>(d.in) * d.out));
    d.kernel = kernel.Data();
    if (pin) job.pinned.push_back(Napi::Persistent(Napi::Value(kernel)));
    Napi::Value bias = o.Get("bias");
    if (!bias.IsNull() && !bias.IsUndefined()) {
      Napi::Float32Array b = layer_f32(env, o, "bias", where);
      if (b.ElementLength() != static_cast<size_t>(d.out))
        throw Napi::RangeError::New(env, where + ".bias has " + str(b.ElementLength()) + " values; needs " + std::to_string(d.out));
      d.bias = b.Data();
      if (pin) job.pinned.push_back(Napi::Persistent(bias));
    }
    if (l > 0 && job.layers.back().out != d.in)
      throw Napi::RangeError::New(env, where + ".inDim is " + std::to_string(d.in) + " but the layer before has " +
                                           std::to_string(job.layers.back().out) + " units");
    job.layers.push_back(d);
  }
  const size_t features = job.layers.front().in;
  const int outputs = job.layers.back().out;
  Napi::Float32Array x = expect_f32(info, 1, "x");
  job.rows = expect_int(info, 2, "rows", 0);
  Napi::Float32Array bg = expect_f32(info, 3, "background");
  job.bg_rows = expect_int(info, 4, "bgRows", 1);
  const int rule = expect_int(info, 5, "softmaxRule", 0);
  if (rule >= kSoftmaxRuleCount) throw Napi::RangeError::New(env, "softmaxRule must be 0 (shift-invariant), 1 (SHAP's) or 2 (Shapley)");
  job.softmax = static_cast<SoftmaxRule>(rule);
  if (x.ElementLength() != job.rows * features)
    throw Napi::RangeError::New(env, "x has " + str(x.ElementLength()) + " values; " + std::to_string(job.rows) + " rows of " + str(features) + " features need " + str(job.rows * features));
  if (bg.ElementLength() != job.bg_rows * features)
    throw Napi::RangeError::New(env, "background has " + str(bg.ElementLength()) + " values; " + std::to_string(job.bg_rows) + " rows of " + str(features) + " features need " + str(job.bg_rows * features));
  job.x = x.Data();
  job.bg = bg.Data();
  Napi::Float32Array phi = Napi::Float32Array::New(env, static_cast<size_t>(outputs) * job.rows * features);
  Napi::Float32Array output = Napi::Float32Array::New(env, static_cast<size_t>(job.rows) * outputs);
  Napi::Float64Array expected = Napi::Float64Array::New(env, outputs);
  job.out = {phi.Data(), output.Data(), expected.Data()};
  Napi::Object result = Napi::Object::New(env);
  result.Set("phi", phi);
  result.Set("output", output);
  result.Set("expected", expected);
  job.result_ref = Napi::Persistent(result);
  if (pin) {
    job.pinned.push_back(Napi::Persistent(Napi::Value(x)));
    job.pinned.push_back(Napi::Persistent(Napi::Value(bg)));
  }
  return job;
}

Napi::Value DeepShap(const Napi::CallbackInfo& info) {
  DeepShapJob job = parse_deep_shap(info, false);
  job.run();
  return job.result();
}

class DeepShapWorker : public Napi::AsyncWorker {
 public:
  DeepShapWorker(Napi::Env env, DeepShapJob job)
      : Napi::AsyncWorker(env, "myelin:deepShap"), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override { job_.run(); }
  void OnOK() override { deferred_.Resolve(job_.result()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  DeepShapJob job_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value DeepShapAsync(const Napi::CallbackInfo& info) {
  auto* w = new DeepShapWorker(info.Env(), parse_deep_shap(info, true));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

// JS: fillCoalitions(x, background, bgRows, features, masks: Uint8Array, nMasks, out)
Napi::Value FillCoalitions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) throw Napi::TypeError::New(env, "fillCoalitions expects 7 arguments");
  Napi::Float32Array x = expect_f32(info, 0, "x");
  Napi::Float32Array bg = expect_f32(info, 1, "background");
  const int nb = expect_int(info, 2, "bgRows", 1);
  const int features = expect_int(info, 3, "features", 1);
  if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(env, "masks must be a Uint8Array");
  Napi::Uint8Array masks = info[4].As<Napi::Uint8Array>();
  const int n = expect_int(info, 5, "nMasks", 0);
  Napi::Float32Array out = expect_f32(info, 6, "out");
  const size_t f = features;
  require_length(env, x.ElementLength(), f, "x", "one row");
  require_length(env, bg.ElementLength(), nb * f, "background", "bgRows x features");
  require_length(env, masks.ElementLength(), n * f, "masks", "nMasks x features");
  require_length(env, out.ElementLength(), static_cast<size_t>(n) * nb * f, "out", "nMasks x bgRows x features");
  fill_coalitions(x.Data(), bg.Data(), nb, features, masks.Data(), n, out.Data());
  return env.Undefined();
}

// JS: groupMeans(p, groups, groupRows, cols) -> Float64Array(groups * cols)
Napi::Value GroupMeans(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) throw Napi::TypeError::New(env, "groupMeans expects 4 arguments");
  Napi::Float32Array p = expect_f32(info, 0, "p");
  const int groups = expect_int(info, 1, "groups", 0);
  const int group_rows = expect_int(info, 2, "groupRows", 1);
  const int cols = expect_int(info, 3, "cols", 1);
  require_length(env, p.ElementLength(), static_cast<size_t>(groups) * group_rows * cols, "p", "groups x groupRows x cols");
  Napi::Float64Array out = Napi::Float64Array::New(env, static_cast<size_t>(groups) * cols);
  group_means(p.Data(), groups, group_rows, cols, out.Data());
  return out;
}

}  // namespace

void init_explain(Napi::Env env, Napi::Object exports) {
  exports.Set("deepShap", Napi::Function::New<DeepShap>(env, "deepShap"));
  exports.Set("deepShapAsync", Napi::Function::New<DeepShapAsync>(env, "deepShapAsync"));
  exports.Set("fillCoalitions", Napi::Function::New<FillCoalitions>(env, "fillCoalitions"));
  exports.Set("groupMeans", Napi::Function::New<GroupMeans>(env, "groupMeans"));
}

}  // namespace myelin::binding
