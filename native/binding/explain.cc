// Explanations: DeepSHAP over dense layers (sync and Promise-returning) and Kernel SHAP's batch
// helpers. Typed arrays are read in place; shapes are checked here so kernels see valid views.
#include <napi.h>

#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/async.h"
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
  Held inputs;                               // async: x, background and the layers' arrays (async.h)
  Napi::Reference<Napi::Object> result_ref;  // the result arrays, which the work writes

  void run(const std::atomic<bool>* = nullptr) { deep_shap(layers, x, rows, bg, bg_rows, out, softmax); }
  Napi::Value result(Napi::Env) const { return result_ref.Value(); }
};

// Reads and checks the arguments; `held` (async) makes the job read copies of what JS could free meanwhile.
DeepShapJob parse_deep_shap(const Napi::CallbackInfo& info, bool held) {
  Napi::Env env = info.Env();
  if (info.Length() < 6) throw Napi::TypeError::New(env, "deepShap expects 6 arguments");
  Napi::Array arr = as_array(env, info[0], "layers");
  if (arr.Length() == 0) throw Napi::RangeError::New(env, "layers must hold at least one dense layer");
  DeepShapJob job;
  auto keep = [&](Napi::Float32Array a, const std::string& name) {
    return held ? job.inputs.hold<float>(env, a, name) : a.Data();
  };
  for (uint32_t l = 0; l < arr.Length(); ++l) {
    const std::string where = "layers[" + std::to_string(l) + "]";
    Napi::Object o = as_object(env, arr.Get(l), where);
    DenseLayerView d{};
    d.in = int_field(env, o, "inDim", where, 1, false, 0);
    d.out = int_field(env, o, "units", where, 1, false, 0);
    const int act = int_field(env, o, "act", where, 0, false, 0);
    range_check(env, act < kActCount, where + ".act", "an activation id below " + std::to_string(kActCount), act);
    d.act = static_cast<Act>(act);
    Napi::Float32Array kernel = typed_field<float>(env, o, "kernel", where);
    if (kernel.ElementLength() != static_cast<size_t>(d.in) * d.out)
      throw Napi::RangeError::New(env, where + ".kernel has " + str(kernel.ElementLength()) + " values; " +
                                           std::to_string(d.in) + "x" + std::to_string(d.out) + " needs " +
                                           str(static_cast<size_t>(d.in) * d.out));
    d.kernel = keep(kernel, where + ".kernel");
    if (!absent(o.Get("bias"))) {
      Napi::Float32Array b = typed_field<float>(env, o, "bias", where);
      if (b.ElementLength() != static_cast<size_t>(d.out))
        throw Napi::RangeError::New(
            env, where + ".bias has " + str(b.ElementLength()) + " values; needs " + std::to_string(d.out));
      d.bias = keep(b, where + ".bias");
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
  if (rule >= kSoftmaxRuleCount)
    throw Napi::RangeError::New(env, "softmaxRule must be 0 (shift-invariant), 1 (SHAP's) or 2 (Shapley)");
  job.softmax = static_cast<SoftmaxRule>(rule);
  if (x.ElementLength() != job.rows * features)
    throw Napi::RangeError::New(env, "x has " + str(x.ElementLength()) + " values; " + std::to_string(job.rows) +
                                         " rows of " + str(features) + " features need " + str(job.rows * features));
  if (bg.ElementLength() != job.bg_rows * features)
    throw Napi::RangeError::New(env, "background has " + str(bg.ElementLength()) + " values; " +
                                         std::to_string(job.bg_rows) + " rows of " + str(features) + " features need " +
                                         str(job.bg_rows * features));
  job.x = keep(x, "x");
  job.bg = keep(bg, "background");
  const size_t phi_len = checked_mul(env, checked_mul(env, outputs, job.rows, "phi"), features, "phi");
  Napi::Float32Array phi = new_f32(env, phi_len, "phi (outputs x rows x features)");
  Napi::Float32Array output = new_f32(env, static_cast<size_t>(job.rows) * outputs, "output (rows x outputs)");
  Napi::Float64Array expected = Napi::Float64Array::New(env, outputs);
  job.out = {phi.Data(), output.Data(), expected.Data()};
  Napi::Object result = Napi::Object::New(env);
  result.Set("phi", phi);
  result.Set("output", output);
  result.Set("expected", expected);
  job.result_ref = Napi::Persistent(result);
  return job;
}

Napi::Value DeepShap(const Napi::CallbackInfo& info) {
  DeepShapJob job = parse_deep_shap(info, false);
  job.run();
  return job.result(info.Env());
}

Napi::Value DeepShapAsync(const Napi::CallbackInfo& info) {
  return PromiseWorker<DeepShapJob>::start(info.Env(), "myelin:deepShap", parse_deep_shap(info, true));
}

// JS: fillCoalitions(x, background, bgRows, features, masks: Uint8Array, nMasks, out)
Napi::Value FillCoalitions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) throw Napi::TypeError::New(env, "fillCoalitions expects 7 arguments");
  Napi::Float32Array x = expect_f32(info, 0, "x");
  Napi::Float32Array bg = expect_f32(info, 1, "background");
  const int nb = expect_int(info, 2, "bgRows", 1);
  const int features = expect_int(info, 3, "features", 1);
  Napi::Uint8Array masks = expect_typed<uint8_t>(info, 4, "masks");
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
  require_length(env, p.ElementLength(), static_cast<size_t>(groups) * group_rows * cols, "p",
                 "groups x groupRows x cols");
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
