// Each binding file registers its functions on the exports object; addon.cc calls them all. Test and
// benchmark hooks go on `testing`, the addon's `_testing` export.
#pragma once

#include <napi.h>

namespace myelin::binding {

void init_ops(Napi::Env env, Napi::Object exports, Napi::Object testing);
void init_network(Napi::Env env, Napi::Object exports);
void init_fit_data(Napi::Env env, Napi::Object exports, Napi::Object testing);
void init_kernels(Napi::Env env, Napi::Object testing);
void init_gemm_testing(Napi::Env env, Napi::Object testing);
void init_explain(Napi::Env env, Napi::Object exports);

}  // namespace myelin::binding
