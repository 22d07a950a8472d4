// Argument checks for binding functions. Every failure throws a JS TypeError or RangeError that
// names the argument, so bad input from JS never reaches a kernel.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <string>

namespace myelin::binding {

inline Napi::Value arg(const Napi::CallbackInfo& info, size_t i) { return info[i]; }

inline Napi::Float32Array expect_f32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float32Array");
  return v.As<Napi::Float32Array>();
}

inline Napi::Int32Array expect_i32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an Int32Array");
  return v.As<Napi::Int32Array>();
}

inline Napi::Float64Array expect_f64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float64Array");
  return v.As<Napi::Float64Array>();
}

// null/undefined -> false; otherwise must be a Float32Array.
inline bool optional_f32(const Napi::CallbackInfo& info, size_t i, const char* name, Napi::Float32Array* out) {
  Napi::Value v = info[i];
  if (v.IsNull() || v.IsUndefined()) return false;
  *out = expect_f32(info, i, name);
  return true;
}

inline double expect_number(const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw Napi::RangeError::New(info.Env(), std::string(name) + " must be finite, got " + std::to_string(d));
  return d;
}

inline int expect_int(const Napi::CallbackInfo& info, size_t i, const char* name, int min_value) {
  const double d = expect_number(info, i, name);
  if (d != std::floor(d) || d < min_value || d > 2147483647.0)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer >= " +
                                                std::to_string(min_value) + ", got " + std::to_string(d));
  return static_cast<int>(d);
}

inline bool expect_bool(const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsBoolean()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

inline void require_length(Napi::Env env, size_t have, size_t need, const char* name, const std::string& why) {
  if (have < need)
    throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(have) +
                                         " elements but needs at least " + std::to_string(need) + " (" + why + ")");
}

}  // namespace myelin::binding
