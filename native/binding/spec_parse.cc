#include "binding/spec_parse.h"

#include <cmath>

#include "core/vec.h"

namespace myelin::binding {
namespace {

std::string num_str(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return std::to_string(d);
}

std::string type_of(Napi::Value v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "a Float32Array";
      case napi_int32_array: return "an Int32Array";
      case napi_float64_array: return "a Float64Array";
      default: return "another typed array";
    }
  }
  if (v.IsArray()) return "an array";
  if (v.IsNumber()) return "the number " + num_str(v.As<Napi::Number>().DoubleValue());
  if (v.IsString()) return "a string";
  if (v.IsBoolean()) return "a boolean";
  if (v.IsFunction()) return "a function";
  return "an object";
}

void range_check(Napi::Env env, bool ok, const std::string& path, const std::string& want, double got) {
  if (!ok) throw Napi::RangeError::New(env, path + " must be " + want + ", got " + num_str(got));
}

}  // namespace

Napi::Object expect_object(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsObject() || v.IsArray() || v.IsFunction())
    throw Napi::TypeError::New(env, name + " must be an object, got " + type_of(v));
  return v.As<Napi::Object>();
}

double number_field(Napi::Env env, Napi::Object o, const char* key, const std::string& path, bool optional,
                    double fallback) {
  Napi::Value v = o.Get(key);
  const std::string p = path + "." + key;
  if (v.IsUndefined() && optional) return fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(env, p + " must be a number, got " + type_of(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw Napi::RangeError::New(env, p + " must be finite, got " + std::to_string(d));
  return d;
}

int int_field(Napi::Env env, Napi::Object o, const char* key, const std::string& path, int min_value, bool optional,
              int fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() && optional) return fallback;
  const double d = number_field(env, o, key, path, false, 0);
  range_check(env, d == std::floor(d) && d >= min_value && d <= 2147483647.0, path + "." + key,
              "an integer >= " + std::to_string(min_value), d);
  return static_cast<int>(d);
}

bool bool_field(Napi::Env env, Napi::Object o, const char* key, const std::string& path, bool optional, bool fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() && optional) return fallback;
  if (!v.IsBoolean()) throw Napi::TypeError::New(env, path + "." + key + " must be a boolean, got " + type_of(v));
  return v.As<Napi::Boolean>().Value();
}

std::vector<engine::LayerSpec> parse_layers(Napi::Env env, Napi::Value v) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, "layers must be an array of layer specs, got " + type_of(v));
  Napi::Array arr = v.As<Napi::Array>();
  if (arr.Length() == 0) throw Napi::RangeError::New(env, "layers must not be empty");
  std::vector<engine::LayerSpec> out;
  int prev_units = 0;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    const std::string path = "layers[" + std::to_string(i) + "]";
    Napi::Object o = expect_object(env, arr.Get(i), path);
    Napi::Value kind = o.Get("kind");
    const std::string k = kind.IsString() ? kind.As<Napi::String>().Utf8Value() : "";
    engine::LayerSpec l;
    if (k == "dense") {
      l.dense = true;
      l.in = int_field(env, o, "inputDim", path, 1, false, 0);
      l.units = int_field(env, o, "units", path, 1, false, 0);
      const int act = int_field(env, o, "activation", path, 0, false, 0);
      range_check(env, act < kActCount, path + ".activation", "an activation id below " + std::to_string(kActCount), act);
      l.act = static_cast<Act>(act);
      l.use_bias = bool_field(env, o, "useBias", path, true, true);
      l.l1 = static_cast<float>(number_field(env, o, "l1", path, true, 0));
      l.l2 = static_cast<float>(number_field(env, o, "l2", path, true, 0));
      range_check(env, l.l1 >= 0, path + ".l1", ">= 0", l.l1);
      range_check(env, l.l2 >= 0, path + ".l2", ">= 0", l.l2);
      if (i > 0 && l.in != prev_units)
        throw Napi::RangeError::New(env, path + ".inputDim must equal the previous layer's units (" +
                                             std::to_string(prev_units) + "), got " + std::to_string(l.in));
    } else if (k == "dropout") {
      l.dense = false;
      l.units = int_field(env, o, "units", path, 1, false, 0);
      l.in = l.units;
      const double rate = number_field(env, o, "rate", path, false, 0);
      range_check(env, rate >= 0 && rate < 1, path + ".rate", "in [0, 1)", rate);
      l.rate = static_cast<float>(rate);
      const double seed = number_field(env, o, "seed", path, true, 0);
      l.seed = static_cast<uint64_t>(static_cast<int64_t>(seed));
      if (i > 0 && l.units != prev_units)
        throw Napi::RangeError::New(env, path + ".units must equal the previous layer's units (" +
                                             std::to_string(prev_units) + "), got " + std::to_string(l.units));
    } else {
      throw Napi::TypeError::New(env, path + ".kind must be 'dense' or 'dropout', got " + type_of(kind) +
                                          (kind.IsString() ? " '" + kind.As<Napi::String>().Utf8Value() + "'" : ""));
    }
    prev_units = l.units;
    out.push_back(l);
  }
  return out;
}

namespace {

std::vector<double> number_list(Napi::Env env, Napi::Object o, const char* key, const std::string& path) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) throw Napi::TypeError::New(env, path + "." + key + " must be an array of numbers, got " + type_of(v));
  Napi::Array a = v.As<Napi::Array>();
  std::vector<double> out;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a.Get(i);
    const std::string p = path + "." + key + "[" + std::to_string(i) + "]";
    if (!e.IsNumber() || !std::isfinite(e.As<Napi::Number>().DoubleValue()))
      throw Napi::TypeError::New(env, p + " must be a finite number, got " + type_of(e));
    out.push_back(e.As<Napi::Number>().DoubleValue());
  }
  return out;
}

// A learning-rate schedule: { kind, initial, decaySteps, decayRate, staircase, end, power, cycle, alpha,
// warmupTarget (null = none), warmupSteps, boundaries, values }; the fields of its kind are required.
engine::ScheduleSpec parse_schedule(Napi::Env env, Napi::Value v, const std::string& p) {
  Napi::Object o = expect_object(env, v, p);
  engine::ScheduleSpec s;
  const int kind = int_field(env, o, "kind", p, 0, false, 0);
  range_check(env, kind < engine::kScheduleCount, p + ".kind", "a schedule id below " + std::to_string(engine::kScheduleCount),
              kind);
  s.kind = static_cast<engine::ScheduleId>(kind);
  if (s.kind == engine::ScheduleId::None) return s;
  if (s.kind == engine::ScheduleId::Piecewise) {
    s.boundaries = number_list(env, o, "boundaries", p);
    s.values = number_list(env, o, "values", p);
    if (s.values.size() != s.boundaries.size() + 1)
      throw Napi::RangeError::New(env, p + ".values must have one more element than boundaries");
    return s;
  }
  s.initial = number_field(env, o, "initial", p, false, 0);
  s.decay_steps = number_field(env, o, "decaySteps", p, false, 0);
  range_check(env, s.decay_steps > 0, p + ".decaySteps", "> 0", s.decay_steps);
  s.decay_rate = number_field(env, o, "decayRate", p, true, 0);
  s.staircase = bool_field(env, o, "staircase", p, true, false);
  s.end = number_field(env, o, "end", p, true, 0);
  s.power = number_field(env, o, "power", p, true, 1);
  s.cycle = bool_field(env, o, "cycle", p, true, false);
  s.alpha = number_field(env, o, "alpha", p, true, 0);
  Napi::Value wt = o.Get("warmupTarget");
  s.warmup = !wt.IsUndefined() && !wt.IsNull();
  if (s.warmup) s.warmup_target = number_field(env, o, "warmupTarget", p, false, 0);
  s.warmup_steps = number_field(env, o, "warmupSteps", p, true, 0);
  range_check(env, s.warmup_steps >= 0, p + ".warmupSteps", ">= 0", s.warmup_steps);
  return s;
}

}  // namespace

engine::CompileSpec parse_compile(Napi::Env env, Napi::Value v) {
  Napi::Object o = expect_object(env, v, "spec");
  engine::CompileSpec c;
  c.loss = int_field(env, o, "loss", "spec", 0, false, 0);
  range_check(env, c.loss < kLossCount, "spec.loss", "a loss id below " + std::to_string(kLossCount), c.loss);
  Napi::Value mv = o.Get("metrics");
  if (!mv.IsUndefined()) {
    if (!mv.IsArray()) throw Napi::TypeError::New(env, "spec.metrics must be an array of metric ids, got " + type_of(mv));
    Napi::Array ma = mv.As<Napi::Array>();
    for (uint32_t i = 0; i < ma.Length(); ++i) {
      Napi::Value e = ma.Get(i);
      const std::string p = "spec.metrics[" + std::to_string(i) + "]";
      if (!e.IsNumber()) throw Napi::TypeError::New(env, p + " must be a number, got " + type_of(e));
      const double d = e.As<Napi::Number>().DoubleValue();
      range_check(env, d == std::floor(d) && d >= 0 && d < engine::kMetricCount, p,
                  "a metric id below " + std::to_string(engine::kMetricCount), d);
      c.metrics.push_back(static_cast<int>(d));
    }
  }
  Napi::Object op = expect_object(env, o.Get("optimizer"), "spec.optimizer");
  const std::string p = "spec.optimizer";
  engine::OptimizerSpec& s = c.opt;
  const int kind = int_field(env, op, "kind", p, 0, false, 0);
  range_check(env, kind < engine::kOptCount, p + ".kind", "an optimizer id below " + std::to_string(engine::kOptCount), kind);
  s.kind = static_cast<engine::OptId>(kind);
  const double lr = number_field(env, op, "learningRate", p, false, 0);
  range_check(env, lr > 0, p + ".learningRate", "> 0", lr);
  s.lr = static_cast<float>(lr);
  const double mu = number_field(env, op, "momentum", p, true, 0);
  range_check(env, mu >= 0 && mu <= 1, p + ".momentum", "in [0, 1]", mu);
  s.momentum = static_cast<float>(mu);
  s.nesterov = bool_field(env, op, "nesterov", p, true, false);
  const double b1 = number_field(env, op, "beta1", p, true, 0.9), b2 = number_field(env, op, "beta2", p, true, 0.999);
  range_check(env, b1 >= 0 && b1 < 1, p + ".beta1", "in [0, 1)", b1);
  range_check(env, b2 >= 0 && b2 < 1, p + ".beta2", "in [0, 1)", b2);
  s.beta1 = static_cast<float>(b1), s.beta2 = static_cast<float>(b2);
  const double rho = number_field(env, op, "rho", p, true, 0.9);
  range_check(env, rho >= 0 && rho < 1, p + ".rho", "in [0, 1)", rho);
  s.rho = static_cast<float>(rho);
  const double acc = number_field(env, op, "initialAccumulator", p, true, 0.1);
  range_check(env, acc >= 0, p + ".initialAccumulator", ">= 0", acc);
  s.initial_accumulator = static_cast<float>(acc);
  const double eps = number_field(env, op, "epsilon", p, true, 1e-7);
  range_check(env, eps >= 0, p + ".epsilon", ">= 0", eps);
  s.epsilon = static_cast<float>(eps);
  const double cn = number_field(env, op, "clipNorm", p, true, 0), cv = number_field(env, op, "clipValue", p, true, 0);
  range_check(env, cn >= 0, p + ".clipNorm", ">= 0 (0 = off)", cn);
  range_check(env, cv >= 0, p + ".clipValue", ">= 0 (0 = off)", cv);
  s.clip_norm = static_cast<float>(cn), s.clip_value = static_cast<float>(cv);
  const double gcn = number_field(env, op, "globalClipNorm", p, true, 0);
  range_check(env, gcn >= 0, p + ".globalClipNorm", ">= 0 (0 = off)", gcn);
  s.global_clip_norm = static_cast<float>(gcn);
  if ((cn > 0) + (cv > 0) + (gcn > 0) > 1)
    throw Napi::RangeError::New(env, p + ": only one of clipNorm, clipValue and globalClipNorm can be set");
  const double wd = number_field(env, op, "weightDecay", p, true, 0);
  range_check(env, wd >= 0, p + ".weightDecay", ">= 0 (0 = off)", wd);
  s.weight_decay = static_cast<float>(wd);
  Napi::Value sv = op.Get("schedule");
  if (!sv.IsUndefined() && !sv.IsNull()) s.schedule = parse_schedule(env, sv, p + ".schedule");
  c.from_logits = bool_field(env, o, "fromLogits", "spec", true, false);
  const double ls = number_field(env, o, "labelSmoothing", "spec", true, 0);
  range_check(env, ls >= 0 && ls <= 1, "spec.labelSmoothing", "in [0, 1]", ls);
  c.label_smoothing = static_cast<float>(ls);
  const LossId loss = static_cast<LossId>(c.loss);
  if (c.from_logits && loss != LossId::Bce && loss != LossId::Cce && loss != LossId::SparseCce)
    throw Napi::RangeError::New(env, "spec.fromLogits applies to the crossentropies only");
  if (c.label_smoothing > 0 && loss != LossId::Bce && loss != LossId::Cce)
    throw Napi::RangeError::New(env, "spec.labelSmoothing applies to binary and categorical crossentropy only");
  return c;
}

void parse_data(Napi::Env env, Napi::Value v, const std::string& name, const engine::Network& net, bool sparse,
                ParsedData* out) {
  Napi::Object o = expect_object(env, v, name);
  const int rows = int_field(env, o, "rows", name, 1, false, 0);
  const int in = net.input_dim(), od = net.output_dim();
  Napi::Value xv = o.Get("x");
  if (!xv.IsTypedArray() || xv.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(env, name + ".x must be a Float32Array, got " + type_of(xv));
  Napi::Float32Array x = xv.As<Napi::Float32Array>();
  const size_t need_x = static_cast<size_t>(rows) * in;
  if (x.ElementLength() != need_x)
    throw Napi::RangeError::New(env, name + ".x has " + std::to_string(x.ElementLength()) + " elements but " +
                                         std::to_string(rows) + " rows x " + std::to_string(in) + " inputs need " +
                                         std::to_string(need_x));
  out->data.rows = rows;
  out->data.x = x.Data();
  out->pins.push_back(xv);

  Napi::Value yv = o.Get("y");
  if (!yv.IsTypedArray()) throw Napi::TypeError::New(env, name + ".y must be a Float32Array or Int32Array, got " + type_of(yv));
  const napi_typedarray_type yt = yv.As<Napi::TypedArray>().TypedArrayType();
  const size_t ylen = yv.As<Napi::TypedArray>().ElementLength();
  if (sparse) {
    if (ylen != static_cast<size_t>(rows))
      throw Napi::RangeError::New(env, name + ".y has " + std::to_string(ylen) + " elements but sparse categorical "
                                  "crossentropy needs one class index per row (" + std::to_string(rows) + ")");
    out->labels.resize(rows);
    if (yt == napi_int32_array) {
      const int32_t* y = yv.As<Napi::Int32Array>().Data();
      for (int r = 0; r < rows; ++r) out->labels[r] = y[r];
    } else if (yt == napi_float32_array) {
      const float* y = yv.As<Napi::Float32Array>().Data();
      for (int r = 0; r < rows; ++r) {
        if (y[r] != std::floor(y[r]))
          throw Napi::RangeError::New(env, name + ".y[" + std::to_string(r) + "] must be a class index, got " + num_str(y[r]));
        out->labels[r] = static_cast<int32_t>(y[r]);
      }
    } else {
      throw Napi::TypeError::New(env, name + ".y must be an Int32Array of class indexes, got " + type_of(yv));
    }
    for (int r = 0; r < rows; ++r)
      if (out->labels[r] < 0 || out->labels[r] >= od)
        throw Napi::RangeError::New(env, name + ".y[" + std::to_string(r) + "] must be a class index in [0, " +
                                             std::to_string(od) + "), got " + std::to_string(out->labels[r]));
    out->data.yi = out->labels.data();
  } else {
    if (yt != napi_float32_array)
      throw Napi::TypeError::New(env, name + ".y must be a Float32Array (rows x outputs), got " + type_of(yv));
    const size_t need = static_cast<size_t>(rows) * od;
    if (ylen != need)
      throw Napi::RangeError::New(env, name + ".y has " + std::to_string(ylen) + " elements but " + std::to_string(rows) +
                                           " rows x " + std::to_string(od) + " outputs need " + std::to_string(need));
    out->data.y = yv.As<Napi::Float32Array>().Data();
    out->pins.push_back(yv);
  }

  Napi::Value wv = o.Get("sampleWeight");
  if (!wv.IsNull() && !wv.IsUndefined()) {
    if (!wv.IsTypedArray() || wv.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw Napi::TypeError::New(env, name + ".sampleWeight must be a Float32Array or null, got " + type_of(wv));
    Napi::Float32Array w = wv.As<Napi::Float32Array>();
    if (w.ElementLength() != static_cast<size_t>(rows))
      throw Napi::RangeError::New(env, name + ".sampleWeight has " + std::to_string(w.ElementLength()) +
                                           " elements but needs one per row (" + std::to_string(rows) + ")");
    out->data.sw = w.Data();
    out->pins.push_back(wv);
  }
}

}  // namespace myelin::binding
