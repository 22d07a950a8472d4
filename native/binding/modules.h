// Each binding file registers its functions on the exports object; addon.cc calls them all.
#pragma once

#include <napi.h>

namespace myelin::binding {

void init_ops(Napi::Env env, Napi::Object exports);
void init_network(Napi::Env env, Napi::Object exports);
void init_kernels(Napi::Env env, Napi::Object exports);
void init_explain(Napi::Env env, Napi::Object exports);

}  // namespace myelin::binding
