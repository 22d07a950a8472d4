// Async training: data held for work off the main thread, and fit() on a thread of its own.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "binding/async.h"
#include "binding/spec_parse.h"
#include "core/engine/network.h"

namespace myelin::binding {

// A parsed DataSpec whose arrays the work reads from memory JS cannot free or shrink (see Held).
struct HeldData {
  engine::Data data;
  engine::Data original;  // the same rows in the caller's arrays: readable only while JS cannot run
  Held arrays;
  std::vector<int32_t> labels;

  HeldData() = default;
  // defer: allocate the copies now, fill them with arrays.copy_now() (see Held::defer_copies).
  HeldData(Napi::Env env, ParsedData&& d, const engine::Network& net, const std::string& name, bool defer = false);
};

struct FitJob {
  engine::FitOptions opts;  // train and val are pointed at the held data by start_fit
  HeldData train, val;      // made with defer: start_fit copies them while the fit starts on the originals
};

// Runs net->fit on a new thread and returns a Promise of { logs, epochsRun, stopped, nonFinite }. The
// network must not be training; it is marked training until the Promise settles.
Napi::Promise start_fit(Napi::Env env, std::shared_ptr<engine::Network> net, FitJob job, Napi::Function on_progress);

// Aborts every fit of this environment and waits for their threads (each stops at its next batch).
void abort_fits(Napi::Env env);

}  // namespace myelin::binding
