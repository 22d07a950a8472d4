// The one way binding code reads JS values: arguments by index and object fields by key. Every failure
// throws a JS TypeError (wrong type) or RangeError (wrong value) whose message names the argument or the
// field path ("args.train.x", "layers[1].units") and what was found, so bad input never reaches a kernel.
// The binding checks here only what memory safety needs (types, lengths, bounds); meaning is checked in TS.
#pragma once

#include <napi.h>

#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace myelin::binding {

// Integers print without a fraction; other numbers as %g would.
inline std::string num_str(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return std::to_string(d);
}

// What a value is, for messages: "undefined", "a string", "the number 3", "a Float64Array"...
inline std::string type_of(Napi::Value v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "a Float32Array";
      case napi_int32_array: return "an Int32Array";
      case napi_float64_array: return "a Float64Array";
      case napi_uint8_array: return "a Uint8Array";
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

inline bool absent(Napi::Value v) { return v.IsUndefined() || v.IsNull(); }

[[noreturn]] inline void type_error(Napi::Env env, const std::string& name, const std::string& want, Napi::Value got) {
  throw Napi::TypeError::New(env, name + " must be " + want + ", got " + type_of(got));
}

inline void range_check(Napi::Env env, bool ok, const std::string& name, const std::string& want, double got) {
  if (!ok) throw Napi::RangeError::New(env, name + " must be " + want + ", got " + num_str(got));
}

// The typed array type and its name, per element type.
template <typename T>
struct TypedArrayKind;
template <>
struct TypedArrayKind<float> {
  static constexpr napi_typedarray_type type = napi_float32_array;
  static constexpr const char* name = "a Float32Array";
};
template <>
struct TypedArrayKind<double> {
  static constexpr napi_typedarray_type type = napi_float64_array;
  static constexpr const char* name = "a Float64Array";
};
template <>
struct TypedArrayKind<int32_t> {
  static constexpr napi_typedarray_type type = napi_int32_array;
  static constexpr const char* name = "an Int32Array";
};
template <>
struct TypedArrayKind<uint8_t> {
  static constexpr napi_typedarray_type type = napi_uint8_array;
  static constexpr const char* name = "a Uint8Array";
};

// ---- Reading a value that is called `name` in messages.

template <typename T>
Napi::TypedArrayOf<T> as_typed(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != TypedArrayKind<T>::type)
    type_error(env, name, TypedArrayKind<T>::name, v);
  return v.As<Napi::TypedArrayOf<T>>();
}

inline Napi::Object as_object(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsObject() || v.IsArray() || v.IsFunction()) type_error(env, name, "an object", v);
  return v.As<Napi::Object>();
}

inline Napi::Array as_array(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsArray()) type_error(env, name, "an array", v);
  return v.As<Napi::Array>();
}

inline double as_number(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsNumber()) type_error(env, name, "a number", v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw Napi::RangeError::New(env, name + " must be finite, got " + std::to_string(d));
  return d;
}

inline int as_int(Napi::Env env, Napi::Value v, const std::string& name, int min_value, int max_value = INT_MAX) {
  const double d = as_number(env, v, name);
  range_check(env, d == std::floor(d) && d >= min_value && d <= max_value, name,
              max_value == INT_MAX
                  ? "an integer >= " + std::to_string(min_value)
                  : "an integer in [" + std::to_string(min_value) + ", " + std::to_string(max_value) + "]",
              d);
  return static_cast<int>(d);
}

inline bool as_bool(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsBoolean()) type_error(env, name, "a boolean", v);
  return v.As<Napi::Boolean>().Value();
}

inline std::string as_string(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsString()) type_error(env, name, "a string", v);
  return v.As<Napi::String>().Utf8Value();
}

// ---- Arguments: info[i], called `name`.

template <typename T>
Napi::TypedArrayOf<T> expect_typed(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return as_typed<T>(info.Env(), info[i], name);
}
inline Napi::Float32Array expect_f32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return expect_typed<float>(info, i, name);
}
inline Napi::Int32Array expect_i32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return expect_typed<int32_t>(info, i, name);
}
inline Napi::Float64Array expect_f64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return expect_typed<double>(info, i, name);
}
// null/undefined -> false; otherwise must be a Float32Array.
inline bool optional_f32(const Napi::CallbackInfo& info, size_t i, const char* name, Napi::Float32Array* out) {
  if (absent(info[i])) return false;
  *out = expect_f32(info, i, name);
  return true;
}
inline double expect_number(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return as_number(info.Env(), info[i], name);
}
inline int expect_int(const Napi::CallbackInfo& info, size_t i, const char* name, int min_value,
                      int max_value = INT_MAX) {
  return as_int(info.Env(), info[i], name, min_value, max_value);
}
inline bool expect_bool(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return as_bool(info.Env(), info[i], name);
}
inline std::string expect_string(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return as_string(info.Env(), info[i], name);
}

// ---- Fields: o[key], called `path.key`. Optional fields that are undefined give `fallback`.

inline std::string field_name(const std::string& path, const char* key) { return path + "." + key; }

inline Napi::Object expect_object(Napi::Env env, Napi::Value v, const std::string& name) {
  return as_object(env, v, name);
}

inline double number_field(Napi::Env env, Napi::Object o, const char* key, const std::string& path, bool optional,
                           double fallback) {
  Napi::Value v = o.Get(key);
  if (optional && v.IsUndefined()) return fallback;
  return as_number(env, v, field_name(path, key));
}

inline int int_field(Napi::Env env, Napi::Object o, const char* key, const std::string& path, int min_value,
                     bool optional, int fallback) {
  Napi::Value v = o.Get(key);
  if (optional && v.IsUndefined()) return fallback;
  return as_int(env, v, field_name(path, key), min_value);
}

inline bool bool_field(Napi::Env env, Napi::Object o, const char* key, const std::string& path, bool optional,
                       bool fallback) {
  Napi::Value v = o.Get(key);
  if (optional && v.IsUndefined()) return fallback;
  return as_bool(env, v, field_name(path, key));
}

template <typename T>
Napi::TypedArrayOf<T> typed_field(Napi::Env env, Napi::Object o, const char* key, const std::string& path) {
  return as_typed<T>(env, o.Get(key), field_name(path, key));
}

// ---- Sizes.

inline void require_length(Napi::Env env, size_t have, size_t need, const std::string& name, const std::string& why) {
  if (have < need)
    throw Napi::RangeError::New(env, name + " has " + std::to_string(have) + " elements but needs at least " +
                                         std::to_string(need) + " (" + why + ")");
}

// a * b (* c) as size_t, or a RangeError naming `what` when it overflows.
inline size_t checked_mul(Napi::Env env, size_t a, size_t b, const std::string& what) {
  if (b != 0 && a > SIZE_MAX / b)
    throw Napi::RangeError::New(env, what + " is too large (" + std::to_string(a) + " x " + std::to_string(b) + ")");
  return a * b;
}

// A new Float32Array of n elements made by the JS constructor, so a failed allocation is a RangeError
// naming `what` (V8's C++ ArrayBuffer::New would abort the process instead).
inline Napi::Float32Array new_f32(Napi::Env env, size_t n, const std::string& what) {
  constexpr double kMaxElements = 4294967295.0;  // V8's typed array length limit on 64-bit hosts
  if (static_cast<double>(n) > kMaxElements)
    throw Napi::RangeError::New(env, what + " would need " + std::to_string(n) +
                                         " floats, more than a Float32Array holds (" + num_str(kMaxElements) + ")");
  Napi::Function ctor = env.Global().Get("Float32Array").As<Napi::Function>();
  try {
    Napi::Value a = ctor.New({Napi::Number::New(env, static_cast<double>(n))});
    if (a.IsTypedArray() && a.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array)
      return a.As<Napi::Float32Array>();
  } catch (const Napi::Error&) {
    throw Napi::RangeError::New(env, "could not allocate " + what + ": " + std::to_string(n) + " floats (" +
                                         std::to_string(n / (1 << 20) * 4) + " MiB); use fewer rows per call");
  }
  throw Napi::TypeError::New(env, "globalThis.Float32Array was replaced; cannot allocate " + what);
}

}  // namespace myelin::binding
