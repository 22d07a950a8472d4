// `_testing.kernels`: the active ISA's elementwise kernels (core/vec.h), one JS function each, for tests
// that compare them with a TypeScript reference on every ISA (switch with _testing.forceIsa). Lengths are
// checked here; the kernels themselves trust their callers.
#include <napi.h>

#include <string>

#include "binding/args.h"
#include "binding/modules.h"
#include "core/activations.h"
#include "core/gemm.h"
#include "core/vec.h"

namespace myelin::binding {
namespace {

const float* opt_f32(const Napi::CallbackInfo& info, size_t i, const char* name, size_t need) {
  Napi::Float32Array a;
  if (!optional_f32(info, i, name, &a)) return nullptr;
  require_length(info.Env(), a.ElementLength(), need, name, "as the other arguments imply");
  return a.Data();
}

float* f32(const Napi::CallbackInfo& info, size_t i, const char* name, size_t need) {
  Napi::Float32Array a = expect_f32(info, i, name);
  require_length(info.Env(), a.ElementLength(), need, name, "as the other arguments imply");
  return a.Data();
}

int act_id(const Napi::CallbackInfo& info, size_t i) {
  const int act = expect_int(info, i, "act", 0);
  if (act >= kActCount)
    throw Napi::RangeError::New(info.Env(), "act must be an activation id below " + std::to_string(kActCount));
  return act;
}

// actForward(act, z, y): y = act(z) elementwise over z.length values (not softmax).
Napi::Value ActForward(const Napi::CallbackInfo& info) {
  const int act = act_id(info, 0);
  Napi::Float32Array z = expect_f32(info, 1, "z");
  float* y = f32(info, 2, "y", z.ElementLength());
  if (act == static_cast<int>(Act::Softmax))
    throw Napi::RangeError::New(info.Env(), "act: softmax is not elementwise; use softmaxRows");
  vec().act_forward(act, z.Data(), y, z.ElementLength());
  return info.Env().Undefined();
}

// softmaxRows(c, rows, cols): in place.
Napi::Value SoftmaxRows(const Napi::CallbackInfo& info) {
  Napi::Float32Array c = expect_f32(info, 0, "c");
  const int rows = expect_int(info, 1, "rows", 0), cols = expect_int(info, 2, "cols", 1);
  require_length(info.Env(), c.ElementLength(), static_cast<size_t>(rows) * cols, "c", "rows x cols");
  vec().softmax_rows(c.Data(), cols, rows, cols);
  return info.Env().Undefined();
}

// actBackward(act, y, z | null, g, rows, cols, db | null)
Napi::Value ActBackward(const Napi::CallbackInfo& info) {
  const int act = act_id(info, 0);
  const int rows = expect_int(info, 4, "rows", 0), cols = expect_int(info, 5, "cols", 1);
  const size_t n = static_cast<size_t>(rows) * cols;
  const float* y = f32(info, 1, "y", n);
  const float* z = opt_f32(info, 2, "z", n);
  if (!z && (act == static_cast<int>(Act::Gelu) || act == static_cast<int>(Act::Swish)))
    throw Napi::TypeError::New(info.Env(), "z must be a Float32Array for gelu and swish");
  float* g = f32(info, 3, "g", n);
  float* db = const_cast<float*>(opt_f32(info, 6, "db", cols));
  vec().act_backward(act, y, z, g, rows, cols, db);
  return info.Env().Undefined();
}

// colSums(g, rows, cols, db)
Napi::Value ColSums(const Napi::CallbackInfo& info) {
  const int rows = expect_int(info, 1, "rows", 0), cols = expect_int(info, 2, "cols", 1);
  const float* g = f32(info, 0, "g", static_cast<size_t>(rows) * cols);
  float* db = f32(info, 3, "db", cols);
  vec().col_sums(g, rows, cols, db);
  return info.Env().Undefined();
}

// loss(lossId, fused, p, rows, cols, t | null, idx | null, sw | null, scale, grad | null) -> sum_r sw_r loss_r
Napi::Value Loss(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LossBatch b;
  b.loss = expect_int(info, 0, "loss", 0);
  if (b.loss >= kLossCount)
    throw Napi::RangeError::New(env, "loss must be a loss id below " + std::to_string(kLossCount));
  b.fused = expect_bool(info, 1, "fused");
  b.rows = expect_int(info, 3, "rows", 1);
  b.cols = expect_int(info, 4, "cols", 1);
  const size_t n = static_cast<size_t>(b.rows) * b.cols;
  b.p = f32(info, 2, "p", n);
  b.t = opt_f32(info, 5, "t", n);
  if (!info[6].IsNull() && !info[6].IsUndefined()) {
    Napi::Int32Array idx = expect_i32(info, 6, "idx");
    require_length(env, idx.ElementLength(), b.rows, "idx", "one class per row");
    for (int r = 0; r < b.rows; ++r)
      if (idx[r] < 0 || idx[r] >= b.cols)
        throw Napi::RangeError::New(env, "idx[" + std::to_string(r) + "] is not a class index below cols");
    b.idx = idx.Data();
  }
  if (b.loss == static_cast<int>(LossId::SparseCce) ? !b.idx : !b.t)
    throw Napi::TypeError::New(
        env, b.loss == static_cast<int>(LossId::SparseCce) ? "idx must be an Int32Array" : "t must be a Float32Array");
  if (b.loss == static_cast<int>(LossId::Cce) && b.idx) b.t = nullptr;
  b.sw = opt_f32(info, 7, "sw", b.rows);
  b.scale = static_cast<float>(expect_number(info, 8, "scale"));
  b.grad = const_cast<float*>(opt_f32(info, 9, "grad", n));
  std::vector<float> scratch(n);
  b.scratch = scratch.data();
  return Napi::Number::New(env, vec().loss(b));
}

// sgd(w, v | null, g, lr, mu, nesterov)
Napi::Value Sgd(const Napi::CallbackInfo& info) {
  Napi::Float32Array w = expect_f32(info, 0, "w");
  const size_t n = w.ElementLength();
  const float mu = static_cast<float>(expect_number(info, 4, "mu"));
  float* v = const_cast<float*>(opt_f32(info, 1, "v", n));
  if (mu != 0.f && !v) throw Napi::TypeError::New(info.Env(), "v must be a Float32Array when mu != 0");
  vec().sgd(w.Data(), v, f32(info, 2, "g", n), n, static_cast<float>(expect_number(info, 3, "lr")), mu,
            expect_bool(info, 5, "nesterov"));
  return info.Env().Undefined();
}

// adam(w, m, v, g, alpha, beta1, beta2, eps)
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Float32Array w = expect_f32(info, 0, "w");
  const size_t n = w.ElementLength();
  vec().adam(w.Data(), f32(info, 1, "m", n), f32(info, 2, "v", n), f32(info, 3, "g", n), n,
             static_cast<float>(expect_number(info, 4, "alpha")), static_cast<float>(expect_number(info, 5, "beta1")),
             static_cast<float>(expect_number(info, 6, "beta2")), static_cast<float>(expect_number(info, 7, "eps")));
  return info.Env().Undefined();
}

// rmsprop(w, v, g, lr, rho, eps)
Napi::Value Rmsprop(const Napi::CallbackInfo& info) {
  Napi::Float32Array w = expect_f32(info, 0, "w");
  const size_t n = w.ElementLength();
  vec().rmsprop(w.Data(), f32(info, 1, "v", n), f32(info, 2, "g", n), n,
                static_cast<float>(expect_number(info, 3, "lr")), static_cast<float>(expect_number(info, 4, "rho")),
                static_cast<float>(expect_number(info, 5, "eps")));
  return info.Env().Undefined();
}

// adagrad(w, a, g, lr, eps)
Napi::Value Adagrad(const Napi::CallbackInfo& info) {
  Napi::Float32Array w = expect_f32(info, 0, "w");
  const size_t n = w.ElementLength();
  vec().adagrad(w.Data(), f32(info, 1, "a", n), f32(info, 2, "g", n), n,
                static_cast<float>(expect_number(info, 3, "lr")), static_cast<float>(expect_number(info, 4, "eps")));
  return info.Env().Undefined();
}

// sumSquares(g) -> number
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Napi::Float32Array g = expect_f32(info, 0, "g");
  return Napi::Number::New(info.Env(), vec().sum_squares(g.Data(), g.ElementLength()));
}

// scaleClip(g, scale, clip)
Napi::Value ScaleClip(const Napi::CallbackInfo& info) {
  Napi::Float32Array g = expect_f32(info, 0, "g");
  vec().scale_clip(g.Data(), g.ElementLength(), static_cast<float>(expect_number(info, 1, "scale")),
                   static_cast<float>(expect_number(info, 2, "clip")));
  return info.Env().Undefined();
}

// regGrad(w, g | null, l1, l2) -> penalty
Napi::Value RegGrad(const Napi::CallbackInfo& info) {
  Napi::Float32Array w = expect_f32(info, 0, "w");
  const size_t n = w.ElementLength();
  float* g = const_cast<float*>(opt_f32(info, 1, "g", n));
  return Napi::Number::New(info.Env(), vec().reg_grad(w.Data(), g, n, static_cast<float>(expect_number(info, 2, "l1")),
                                                      static_cast<float>(expect_number(info, 3, "l2"))));
}

// dropout(x, y, mask, key, rate): key is an integer below 2^53.
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  Napi::Float32Array x = expect_f32(info, 0, "x");
  const size_t n = x.ElementLength();
  const double key = expect_number(info, 3, "key"), rate = expect_number(info, 4, "rate");
  if (!(rate >= 0 && rate < 1)) throw Napi::RangeError::New(info.Env(), "rate must be in [0, 1)");
  vec().dropout(x.Data(), f32(info, 1, "y", n), f32(info, 2, "mask", n), n, static_cast<uint64_t>(key),
                static_cast<float>(rate));
  return info.Env().Undefined();
}

// denseRows(x, rows, k, w, n, bias | null, y, parts?): y = x . w + bias, row-major, by the inference row
// kernel (w packed, then gemv_packed; parts: its columns split into that many parts on the pool, 0: its choice).
Napi::Value DenseRows(const Napi::CallbackInfo& info) {
  const int rows = expect_int(info, 1, "rows", 0), k = expect_int(info, 2, "k", 1), n = expect_int(info, 4, "n", 1);
  const float* x = f32(info, 0, "x", static_cast<size_t>(rows) * k);
  const float* w = f32(info, 3, "w", static_cast<size_t>(k) * n);
  const float* bias = opt_f32(info, 5, "bias", n);
  float* y = f32(info, 6, "y", static_cast<size_t>(rows) * n);
  const int parts = info.Length() > 7 ? expect_int(info, 7, "parts", 0) : 0;
  PackedB packed;
  packed.pack(w, n, k, n);
  gemv_packed(rows, x, k, packed, bias, y, n, parts);
  return info.Env().Undefined();
}

}  // namespace

void init_kernels(Napi::Env env, Napi::Object testing) {
  Napi::Object k = Napi::Object::New(env);
  k.Set("actForward", Napi::Function::New<ActForward>(env, "actForward"));
  k.Set("softmaxRows", Napi::Function::New<SoftmaxRows>(env, "softmaxRows"));
  k.Set("actBackward", Napi::Function::New<ActBackward>(env, "actBackward"));
  k.Set("colSums", Napi::Function::New<ColSums>(env, "colSums"));
  k.Set("loss", Napi::Function::New<Loss>(env, "loss"));
  k.Set("sgd", Napi::Function::New<Sgd>(env, "sgd"));
  k.Set("adam", Napi::Function::New<Adam>(env, "adam"));
  k.Set("rmsprop", Napi::Function::New<Rmsprop>(env, "rmsprop"));
  k.Set("adagrad", Napi::Function::New<Adagrad>(env, "adagrad"));
  k.Set("sumSquares", Napi::Function::New<SumSquares>(env, "sumSquares"));
  k.Set("scaleClip", Napi::Function::New<ScaleClip>(env, "scaleClip"));
  k.Set("regGrad", Napi::Function::New<RegGrad>(env, "regGrad"));
  k.Set("dropout", Napi::Function::New<Dropout>(env, "dropout"));
  k.Set("denseRows", Napi::Function::New<DenseRows>(env, "denseRows"));
  testing.Set("kernels", k);
}

}  // namespace myelin::binding
