// Backend information, thread control and GEMM, synchronous and as Promise-returning async work.
#include <napi.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "binding/args.h"
#include "binding/async.h"
#include "binding/gemm_args.h"
#include "binding/modules.h"
#include "core/columns.h"
#include "core/finite.h"
#include "core/cpu_info.h"
#include "core/gemm.h"
#include "core/gemm_config.h"
#include "core/isa.h"
#include "core/thread_pool.h"

namespace myelin::binding {
namespace {

Napi::Object GemmConfigObject(Napi::Env env, const GemmConfig& g) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("config", g.name);
  o.Set("isa", isa_name(g.isa));
  o.Set("mr", g.mr);
  o.Set("nr", g.nr);
  o.Set("mc", g.mc);
  o.Set("kc", g.kc);
  o.Set("nc", g.nc);
  return o;
}

Napi::Value BackendInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa_name(active_isa()));
  o.Set("threads", num_threads());
  Napi::Array supported = Napi::Array::New(env);
  uint32_t n = 0;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Neon})
    if (isa_supported(isa)) supported.Set(n++, isa_name(isa));
  o.Set("supportedIsas", supported);
  const CpuInfo& cpu = cpu_info();
  Napi::Object c = Napi::Object::New(env);
  c.Set("name", cpu.name);
  c.Set("vendor", cpu.vendor);
  c.Set("family", cpu.family);
  c.Set("model", cpu.model);
  c.Set("l1d", static_cast<double>(cpu.l1d));
  c.Set("l2", static_cast<double>(cpu.l2));
  c.Set("l3", static_cast<double>(cpu.l3));
  c.Set("l1dWays", cpu.l1d_ways);
  c.Set("l2Ways", cpu.l2_ways);
  o.Set("cpu", c);
  o.Set("gemm", GemmConfigObject(env, gemm_config()));
  return o;
}

// Tests and benchmarks: every GEMM config this CPU can run.
Napi::Value GemmConfigs(const Napi::CallbackInfo& info) {
  int count = 0;
  const GemmConfig* configs = gemm_configs(&count);
  Napi::Array out = Napi::Array::New(info.Env(), count);
  for (int i = 0; i < count; ++i) out.Set(i, GemmConfigObject(info.Env(), configs[i]));
  return out;
}

// Tests and benchmarks: force a GEMM config by name; null returns to the automatic choice.
Napi::Value ForceGemmConfig(const Napi::CallbackInfo& info) {
  if (info[0].IsNull() || info[0].IsUndefined()) {
    force_gemm_config(nullptr);
    return info.Env().Undefined();
  }
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "config must be a string or null");
  const std::string name = info[0].As<Napi::String>();
  try {
    force_gemm_config(name.c_str());
  } catch (const std::runtime_error& e) {
    throw Napi::RangeError::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

// Tests: the registry's choice for a described CPU ({vendor, family, model, l1d, l2, l1dWays, l2Ways})
// running an ISA, whatever this machine is (gemm_config_for).
Napi::Value GemmConfigFor(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsObject())
    throw Napi::TypeError::New(info.Env(), "gemmConfigFor(cpu, isa): cpu must be an object");
  const Napi::Object o = info[0].As<Napi::Object>();
  auto num = [&](const char* key) { return o.Get(key).IsNumber() ? o.Get(key).As<Napi::Number>().Int64Value() : 0; };
  CpuInfo cpu;
  cpu.vendor = o.Get("vendor").IsString() ? o.Get("vendor").As<Napi::String>().Utf8Value() : "";
  cpu.family = int(num("family")), cpu.model = int(num("model"));
  cpu.l1d = num("l1d"), cpu.l2 = num("l2"), cpu.l3 = num("l3");
  cpu.l1d_ways = int(num("l1dWays")), cpu.l2_ways = int(num("l2Ways"));
  const std::string name = expect_string(info, 1, "isa");
  Isa isa;
  if (!isa_from_name(name.c_str(), &isa))
    throw Napi::RangeError::New(info.Env(), "isa must be one of scalar, avx2, avx512, neon; got " + name);
  return GemmConfigObject(info.Env(), gemm_config_for(cpu, isa));
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  set_num_threads(expect_int(info, 0, "threads", 1));
  return info.Env().Undefined();
}

Napi::Value ForceIsa(const Napi::CallbackInfo& info) {
  const std::string name = expect_string(info, 0, "isa");
  Isa isa;
  if (!isa_from_name(name.c_str(), &isa))
    throw Napi::RangeError::New(info.Env(), "isa must be one of scalar, avx2, avx512, neon; got " + name);
  if (!isa_supported(isa))
    throw Napi::RangeError::New(info.Env(), "isa " + name + " is not supported on this CPU or build");
  force_isa(isa);
  return info.Env().Undefined();
}

// JS: gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias | null, act)
GemmArgs parse_gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 15) throw Napi::TypeError::New(env, "gemm expects 15 arguments");
  GemmArgs g = parse_gemm_product(info);
  Napi::Float32Array bias;
  if (optional_f32(info, 13, "bias", &bias)) {
    require_length(env, bias.ElementLength(), static_cast<size_t>(g.n), "bias", "one value per column of C");
    g.bias = bias.Data();
  }
  const int act = expect_int(info, 14, "act", 0);
  if (act >= kActCount)
    throw Napi::RangeError::New(env, "act must be an activation id below " + std::to_string(kActCount));
  g.act = static_cast<Act>(act);
  return g;
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  parse_gemm(info).run();
  return info.Env().Undefined();
}

// gemmAsync: a, b and bias are held (async.h); C is computed into native memory seeded from c and
// copied into c when the work is done, so JS never sees a half-written c and a c detached or shrunk
// meanwhile rejects instead of being written through a stale pointer.
struct GemmJob {
  GemmArgs g;
  Held inputs;
  std::unique_ptr<float[]> c;
  size_t c_len = 0;
  Napi::Reference<Napi::Float32Array> c_ref;

  void run(const std::atomic<bool>*) { g.run(); }  // one product: not worth a cancellation point
  Napi::Value result(Napi::Env env) {
    Napi::Float32Array out = c_ref.Value();
    if (out.ElementLength() < c_len)
      throw Napi::TypeError::New(env, "c was detached or shrunk while gemmAsync ran; its result is lost");
    if (c_len) std::memcpy(out.Data(), c.get(), c_len * sizeof(float));
    return env.Undefined();
  }
};

Napi::Value GemmAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GemmJob job;
  job.g = parse_gemm(info);
  GemmArgs& g = job.g;
  g.a = job.inputs.hold<float>(env, info[6].As<Napi::Float32Array>(), "a");
  g.b = job.inputs.hold<float>(env, info[8].As<Napi::Float32Array>(), "b");
  if (g.bias) g.bias = job.inputs.hold<float>(env, info[13].As<Napi::Float32Array>(), "bias");
  Napi::Float32Array c = info[11].As<Napi::Float32Array>();
  job.c_len = extent(g.m, g.n, g.ldc);
  job.c.reset(new (std::nothrow) float[job.c_len ? job.c_len : 1]);
  if (!job.c)
    throw Napi::RangeError::New(env, "could not allocate a copy of c (" + std::to_string(job.c_len) + " floats)");
  if (job.c_len) std::memcpy(job.c.get(), c.Data(), job.c_len * sizeof(float));
  g.c = job.c.get();
  job.c_ref = Napi::Persistent(c);
  return PromiseWorker<GemmJob>::start(env, "myelin:gemm", std::move(job));
}

// Benchmarks: gemmBench(...gemm arguments, reps) runs the same GEMM reps times in native code and
// returns the seconds taken, the cost as the training engine sees it (no JS call per product).
Napi::Value GemmBench(const Napi::CallbackInfo& info) {
  const GemmArgs g = parse_gemm(info);
  const int reps = expect_int(info, 15, "reps", 1);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) g.run();
  return Napi::Number::New(info.Env(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

// Benchmarks: gemmFmaPeak(isa, threads) -> GFLOP/s of that ISA's FMA units.
Napi::Value GemmFmaPeak(const Napi::CallbackInfo& info) {
  const std::string name = expect_string(info, 0, "isa");
  Isa isa;
  if (!isa_from_name(name.c_str(), &isa) || !isa_supported(isa))
    throw Napi::RangeError::New(info.Env(), "isa " + name + " is not supported on this CPU or build");
  const int threads = expect_int(info, 1, "threads", 1);
  return Napi::Number::New(info.Env(), gemm_fma_peak(isa, threads));
}

// JS: firstNonFinite(data) -> index of the first NaN/Infinity, or -1.
Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  Napi::Float32Array x = expect_f32(info, 0, "data");
  return Napi::Number::New(info.Env(), static_cast<double>(first_non_finite(x.Data(), x.ElementLength())));
}

// JS: affineColumns(x, cols, offset, scale, inverse, out): feature scaling, see core/columns.h.
Napi::Value AffineColumns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = expect_f32(info, 0, "x");
  const int cols = expect_int(info, 1, "cols", 1);
  Napi::Float64Array offset = expect_f64(info, 2, "offset");
  Napi::Float64Array scale = expect_f64(info, 3, "scale");
  const bool inverse = expect_bool(info, 4, "inverse");
  Napi::Float32Array out = expect_f32(info, 5, "out");
  const size_t n = x.ElementLength();
  if (n % cols != 0)
    throw Napi::RangeError::New(
        env, "x has " + std::to_string(n) + " elements, not a multiple of cols (" + std::to_string(cols) + ")");
  require_length(env, offset.ElementLength(), cols, "offset", "one value per column");
  require_length(env, scale.ElementLength(), cols, "scale", "one value per column");
  require_length(env, out.ElementLength(), n, "out", "as many values as x");
  affine_columns(x.Data(), n / cols, cols, offset.Data(), scale.Data(), inverse, out.Data());
  return env.Undefined();
}

}  // namespace

GemmArgs parse_gemm_product(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 13) throw Napi::TypeError::New(env, "a GEMM call expects at least 13 arguments");
  GemmArgs g;
  g.ta = expect_bool(info, 0, "transA");
  g.tb = expect_bool(info, 1, "transB");
  g.m = expect_int(info, 2, "m", 0);
  g.n = expect_int(info, 3, "n", 0);
  g.k = expect_int(info, 4, "k", 0);
  g.alpha = static_cast<float>(expect_number(info, 5, "alpha"));
  Napi::Float32Array a = expect_f32(info, 6, "a");
  g.lda = expect_int(info, 7, "lda", 1);
  Napi::Float32Array b = expect_f32(info, 8, "b");
  g.ldb = expect_int(info, 9, "ldb", 1);
  g.beta = static_cast<float>(expect_number(info, 10, "beta"));
  Napi::Float32Array c = expect_f32(info, 11, "c");
  g.ldc = expect_int(info, 12, "ldc", 1);
  const int a_rows = g.ta ? g.k : g.m, a_cols = g.ta ? g.m : g.k;
  const int b_rows = g.tb ? g.n : g.k, b_cols = g.tb ? g.k : g.n;
  if (g.lda < a_cols)
    throw Napi::RangeError::New(env, "lda (" + std::to_string(g.lda) + ") must be >= " + std::to_string(a_cols));
  if (g.ldb < b_cols)
    throw Napi::RangeError::New(env, "ldb (" + std::to_string(g.ldb) + ") must be >= " + std::to_string(b_cols));
  if (g.ldc < g.n)
    throw Napi::RangeError::New(env, "ldc (" + std::to_string(g.ldc) + ") must be >= n (" + std::to_string(g.n) + ")");
  require_length(env, a.ElementLength(), extent(a_rows, a_cols, g.lda), "a",
                 std::to_string(a_rows) + "x" + std::to_string(a_cols) + " with lda " + std::to_string(g.lda));
  require_length(env, b.ElementLength(), extent(b_rows, b_cols, g.ldb), "b",
                 std::to_string(b_rows) + "x" + std::to_string(b_cols) + " with ldb " + std::to_string(g.ldb));
  require_length(env, c.ElementLength(), extent(g.m, g.n, g.ldc), "c",
                 std::to_string(g.m) + "x" + std::to_string(g.n) + " with ldc " + std::to_string(g.ldc));
  g.a = a.Data();
  g.b = b.Data();
  g.c = c.Data();
  return g;
}

void init_ops(Napi::Env env, Napi::Object exports, Napi::Object testing) {
  exports.Set("backendInfo", Napi::Function::New<BackendInfo>(env, "backendInfo"));
  exports.Set("setNumThreads", Napi::Function::New<SetNumThreads>(env, "setNumThreads"));
  exports.Set("affineColumns", Napi::Function::New<AffineColumns>(env, "affineColumns"));
  exports.Set("firstNonFinite", Napi::Function::New<FirstNonFinite>(env, "firstNonFinite"));
  exports.Set("gemm", Napi::Function::New<Gemm>(env, "gemm"));
  exports.Set("gemmAsync", Napi::Function::New<GemmAsync>(env, "gemmAsync"));
  testing.Set("forceIsa", Napi::Function::New<ForceIsa>(env, "forceIsa"));
  testing.Set("gemmConfigs", Napi::Function::New<GemmConfigs>(env, "gemmConfigs"));
  testing.Set("forceGemmConfig", Napi::Function::New<ForceGemmConfig>(env, "forceGemmConfig"));
  testing.Set("gemmConfigFor", Napi::Function::New<GemmConfigFor>(env, "gemmConfigFor"));
  testing.Set("gemmBench", Napi::Function::New<GemmBench>(env, "gemmBench"));
  testing.Set("gemmFmaPeak", Napi::Function::New<GemmFmaPeak>(env, "gemmFmaPeak"));
}

}  // namespace myelin::binding
