// `_testing.gemmEpilogue`, `forceGemmPath` and `smallPath`: every field of gemm()'s Epilogue (core/gemm.h) from JS, and
// the choice between the small-product and blocked paths, so tests compare the two on any shape.
#include <napi.h>

#include <atomic>
#include <string>

#include "binding/args.h"
#include "binding/gemm_args.h"
#include "binding/modules.h"
#include "core/gemm.h"
#include "core/gemm_config.h"
#include "core/gemm_small.h"

namespace myelin::binding {
namespace {

template <typename T>
T* array_field(Napi::Env env, Napi::Object o, const char* key, size_t need) {
  const Napi::Value v = o.Get(key);
  if (absent(v)) return nullptr;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != TypedArrayKind<T>::type)
    type_error(env, std::string("opts.") + key, TypedArrayKind<T>::name, v);
  Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  require_length(env, a.ElementLength(), need, std::string("opts.") + key, "as the shape implies");
  return a.Data();
}

Act act_field(Napi::Env env, Napi::Object o, const char* key) {
  const int id = int_field(env, o, key, "opts", 0, true, 0);
  range_check(env, id < kActCount, std::string("opts.") + key, "an activation id", id);
  return static_cast<Act>(id);
}

// What the `done` hook records: each element of C it is called on, counted in an m x n Int32Array.
struct DoneLog {
  int32_t* counts;
  int n;
  static void done(void* ctx, int r0, int rows, int c0, int cols) {
    const DoneLog& d = *static_cast<DoneLog*>(ctx);
    for (int r = r0; r < r0 + rows; ++r)
      for (int j = c0; j < c0 + cols; ++j) ++d.counts[static_cast<size_t>(r) * d.n + j];
  }
};

// gemmEpilogue(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, opts) -> whether a row was flagged non-finite.
// opts: {bias, act, dact, dactY, dactZ (laid out as C), colSums (n), check (boolean), done (m x n Int32Array)}.
Napi::Value GemmEpilogue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const GemmArgs g = parse_gemm_product(info);
  const size_t c_len = extent(g.m, g.n, g.ldc);
  const Napi::Object o = expect_object(env, info[13], "opts");
  Epilogue ep;
  ep.bias = array_field<float>(env, o, "bias", g.n);
  ep.act = act_field(env, o, "act");
  ep.dact = act_field(env, o, "dact");
  ep.dact_y = array_field<float>(env, o, "dactY", c_len);
  ep.dact_z = array_field<float>(env, o, "dactZ", c_len);
  if (ep.dact != Act::Linear && !ep.dact_y) throw Napi::TypeError::New(env, "opts.dactY is needed with opts.dact");
  ep.col_sums = array_field<float>(env, o, "colSums", g.n);
  std::atomic<bool> flagged{false};
  if (bool_field(env, o, "check", "opts", true, false)) ep.nonfinite = &flagged;
  DoneLog log{array_field<int32_t>(env, o, "done", static_cast<size_t>(g.m) * g.n), g.n};
  if (log.counts) {
    ep.done = &DoneLog::done;
    ep.ctx = &log;
  }
  gemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc, ep);
  return Napi::Boolean::New(env, flagged.load());
}

// forceGemmPath(0 | 1 | 2): by shape, the small path wherever it can run, the blocked path always.
Napi::Value ForceGemmPath(const Napi::CallbackInfo& info) {
  force_gemm_path(expect_int(info, 0, "path", 0, 2));
  return info.Env().Undefined();
}

// smallPath(m, n, k) -> whether gemm() takes the small path for that shape now (the GEMM config's kc, the forcing).
Napi::Value SmallPath(const Napi::CallbackInfo& info) {
  const int m = expect_int(info, 0, "m", 1), n = expect_int(info, 1, "n", 1), k = expect_int(info, 2, "k", 1);
  return Napi::Boolean::New(info.Env(), small_product(m, n, k, gemm_config().kc));
}

}  // namespace

void init_gemm_testing(Napi::Env env, Napi::Object testing) {
  testing.Set("gemmEpilogue", Napi::Function::New<GemmEpilogue>(env, "gemmEpilogue"));
  testing.Set("smallPath", Napi::Function::New<SmallPath>(env, "smallPath"));
  testing.Set("forceGemmPath", Napi::Function::New<ForceGemmPath>(env, "forceGemmPath"));
}

}  // namespace myelin::binding
