#include "binding/spec_parse.h"

#include <cmath>

#include "core/vec.h"

namespace myelin::binding {

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
