// The addon's entry point: one init per binding file. Kernels below native/core know nothing of Node.
#include <napi.h>

#include "binding/modules.h"
#include "core/gemm.h"
#include "core/gemm_config.h"
#include "core/isa.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  try {
    myelin::active_isa();  // validates MYELIN_ISA and MYELIN_GEMM_CONFIG once, at load, with a clear message
    myelin::gemm_config();
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  // A worker_threads environment ends with its thread: free the GEMM buffers that thread used.
  env.AddCleanupHook([] { myelin::release_gemm_scratch(); });
  // Test and benchmark hooks live under one underscore-named export, not beside the API.
  Napi::Object testing = Napi::Object::New(env);
  myelin::binding::init_ops(env, exports, testing);
  myelin::binding::init_network(env, exports);
  myelin::binding::init_fit_data(env, exports, testing);
  myelin::binding::init_kernels(env, testing);
  myelin::binding::init_gemm_testing(env, testing);
  myelin::binding::init_explain(env, exports);
  exports.Set("_testing", testing);
  return exports;
}

}  // namespace

NODE_API_MODULE(myelin, Init)
