#include "binding/spec_parse.h"

#include <cmath>
#include <type_traits>

#include "core/contract.h"

namespace myelin::binding {

namespace {

// A number or boolean as field f says it must be (type, then range). Only bounds live here: what the
// values mean is native/contract.json's, checked in TS.
double read_value(Napi::Env env, Napi::Value v, const std::string& p, const contract::Field& f) {
  using contract::FieldType;
  if (f.type == FieldType::Bool) {
    if (!v.IsBoolean()) throw Napi::TypeError::New(env, p + " must be a boolean, got " + type_of(v));
    return v.As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  }
  if (!v.IsNumber()) throw Napi::TypeError::New(env, p + " must be a number, got " + type_of(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw Napi::RangeError::New(env, p + " must be finite, got " + std::to_string(d));
  bool ok = true;
  if (f.type == FieldType::Id || f.type == FieldType::IdList) {
    ok = d == std::floor(d) && d >= 0 && d < f.id_count;
  } else if (f.type == FieldType::Int) {
    ok = d == std::floor(d) && d <= 2147483647.0;
  }
  if (f.type != FieldType::Seed) {
    if (!std::isnan(f.min)) ok = ok && (f.min_open ? d > f.min : d >= f.min);
    if (!std::isnan(f.max)) ok = ok && (f.max_open ? d < f.max : d <= f.max);
  }
  range_check(env, ok, p, f.want, d);
  return d;
}

template <class T>
void assign(T& member, double d) {
  if constexpr (std::is_enum_v<T>)
    member = static_cast<T>(static_cast<int>(d));
  else if constexpr (std::is_same_v<T, bool>)
    member = d != 0;
  else if constexpr (std::is_same_v<T, uint64_t>)
    member = static_cast<uint64_t>(static_cast<int64_t>(d));
  else
    member = static_cast<T>(d);
}

const double* defaults_of(Napi::Env env, Napi::Object o, const std::string& path, const contract::Field* table);

// Reads every field a contract visitor passes (core/contract.h) into its member: an absent optional
// field takes `defaults` (per field; NaN = none), else the table's fallback.
struct FieldReader {
  Napi::Env env;
  Napi::Object o;
  std::string path;
  const contract::Field* table;
  const double* defaults;

  template <class T>
  void operator()(const contract::Field& f, T& member) const {
    Napi::Value v = o.Get(f.key);
    if (v.IsUndefined() && f.optional) {
      const double own = defaults ? defaults[&f - table] : contract::kNone;
      assign(member, std::isnan(own) ? f.fallback : own);
      return;
    }
    assign(member, read_value(env, v, path + "." + f.key, f));
  }

  template <class T>
  void operator()(const contract::Field& f, std::vector<T>& member) const {
    Napi::Value v = o.Get(f.key);
    const std::string p = path + "." + f.key;
    if (v.IsUndefined() && f.optional) return;
    if (!v.IsArray()) throw Napi::TypeError::New(env, p + " must be an array, got " + type_of(v));
    Napi::Array a = v.As<Napi::Array>();
    member.clear();
    for (uint32_t i = 0; i < a.Length(); ++i)
      member.push_back(static_cast<T>(read_value(env, a.Get(i), p + "[" + std::to_string(i) + "]", f)));
  }

  template <class T, class Visit>
  void operator()(const contract::Field& f, T& member, const contract::Field* sub, Visit visit) const {
    Napi::Value v = o.Get(f.key);
    if ((v.IsUndefined() || v.IsNull()) && f.optional) return;
    const std::string p = path + "." + f.key;
    Napi::Object so = expect_object(env, v, p);
    FieldReader r{env, so, p, sub, defaults_of(env, so, p, sub)};
    visit(member, r);
  }
};

// An optimizer's absent fields take that optimizer's defaults: its kind is read first.
const double* defaults_of(Napi::Env env, Napi::Object o, const std::string& path, const contract::Field* table) {
  if (table != contract::kOptimizerSpecFields) return nullptr;
  const contract::Field& kind = table[0];
  return contract::kOptimizerDefaults[static_cast<int>(read_value(env, o.Get(kind.key), path + "." + kind.key, kind))];
}

}  // namespace

// Layer chaining (each input width the previous output width) is the engine's check (Network).
std::vector<engine::LayerSpec> parse_layers(Napi::Env env, Napi::Value v) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, "layers must be an array of layer specs, got " + type_of(v));
  Napi::Array arr = v.As<Napi::Array>();
  if (arr.Length() == 0) throw Napi::RangeError::New(env, "layers must not be empty");
  std::vector<engine::LayerSpec> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    const std::string path = "layers[" + std::to_string(i) + "]";
    Napi::Object o = expect_object(env, arr.Get(i), path);
    Napi::Value kind = o.Get("kind");
    const std::string k = kind.IsString() ? kind.As<Napi::String>().Utf8Value() : "";
    engine::LayerSpec l;
    int id = 0;
    while (id < kLayerKindCount && k != kLayerKindNames[id]) ++id;
    l.kind = static_cast<LayerKind>(id);
    FieldReader r{env, o, path, nullptr, nullptr};
    switch (l.kind) {
      case LayerKind::Dense:
        r.table = contract::kDenseSpecFields;
        contract::visit_dense_spec(l, r);
        break;
      case LayerKind::Dropout:
        r.table = contract::kDropoutSpecFields;
        contract::visit_dropout_spec(l, r);
        break;
      case LayerKind::BatchNormalization:
        r.table = contract::kBatchNormalizationSpecFields;
        contract::visit_batch_normalization_spec(l, r);
        break;
      case LayerKind::LayerNormalization:
        r.table = contract::kLayerNormalizationSpecFields;
        contract::visit_layer_normalization_spec(l, r);
        break;
      case LayerKind::Activation:
        r.table = contract::kActivationSpecFields;
        contract::visit_activation_spec(l, r);
        break;
      case LayerKind::Normalization:
        r.table = contract::kNormalizationSpecFields;
        contract::visit_normalization_spec(l, r);
        break;
      default: {
        std::string valid;
        for (int i = 0; i < kLayerKindCount; ++i) valid += std::string(i ? ", '" : "'") + kLayerKindNames[i] + "'";
        throw Napi::TypeError::New(env, path + ".kind must be one of " + valid + ", got " + type_of(kind) +
                                            (kind.IsString() ? " '" + k + "'" : ""));
      }
    }
    if (!l.dense()) l.in = l.units;
    out.push_back(l);
  }
  return out;
}

engine::CompileSpec parse_compile(Napi::Env env, Napi::Value v) {
  Napi::Object o = expect_object(env, v, "spec");
  engine::CompileSpec c;
  contract::visit_compile_spec(c, FieldReader{env, o, "spec", contract::kCompileSpecFields, nullptr});
  // The engine indexes a piecewise schedule's values by its boundaries.
  const engine::ScheduleSpec& s = c.opt.schedule;
  if (s.kind == ScheduleId::PiecewiseConstantDecay && s.values.size() != s.boundaries.size() + 1)
    throw Napi::RangeError::New(env, "spec.optimizer.schedule.values must have one more element than boundaries");
  return c;
}

void parse_data(Napi::Env env, Napi::Value v, const std::string& name, const engine::Network& net, bool sparse,
                ParsedData* out, Targets targets) {
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
  if (targets == Targets::None) return;

  Napi::Value yv = o.Get("y");
  if (!yv.IsTypedArray())
    throw Napi::TypeError::New(env, name + ".y must be a Float32Array or Int32Array, got " + type_of(yv));
  const napi_typedarray_type yt = yv.As<Napi::TypedArray>().TypedArrayType();
  const size_t ylen = yv.As<Napi::TypedArray>().ElementLength();
  if (sparse) {
    if (ylen != static_cast<size_t>(rows))
      throw Napi::RangeError::New(env, name + ".y has " + std::to_string(ylen) +
                                           " elements but sparse categorical "
                                           "crossentropy needs one class index per row (" +
                                           std::to_string(rows) + ")");
    out->labels.resize(rows);
    if (yt == napi_int32_array) {
      const int32_t* y = yv.As<Napi::Int32Array>().Data();
      for (int r = 0; r < rows; ++r) out->labels[r] = y[r];
    } else if (yt == napi_float32_array) {
      const float* y = yv.As<Napi::Float32Array>().Data();
      for (int r = 0; r < rows; ++r) {
        if (y[r] != std::floor(y[r]))
          throw Napi::RangeError::New(
              env, name + ".y[" + std::to_string(r) + "] must be a class index, got " + num_str(y[r]));
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
  } else if (targets == Targets::RowsOrClasses && yt == napi_int32_array) {
    if (ylen != static_cast<size_t>(rows))
      throw Napi::RangeError::New(env, name + ".y has " + std::to_string(ylen) +
                                           " class indexes but needs one per row (" + std::to_string(rows) + ")");
    out->classes = yv;
    out->pins.push_back(yv);
  } else {
    if (yt != napi_float32_array)
      throw Napi::TypeError::New(env, name + ".y must be a Float32Array (rows x outputs), got " + type_of(yv));
    const size_t need = static_cast<size_t>(rows) * od;
    if (ylen != need)
      throw Napi::RangeError::New(env, name + ".y has " + std::to_string(ylen) + " elements but " +
                                           std::to_string(rows) + " rows x " + std::to_string(od) + " outputs need " +
                                           std::to_string(need));
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
