// Async training: fit() on a thread of its own, reading a FitData (fit_data.h).
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "binding/fit_data.h"
#include "core/engine/network.h"

namespace myelin::binding {

struct FitJob {
  engine::FitOptions opts;              // train and val point into data
  std::shared_ptr<const FitData> data;  // kept while the fit reads it
};

// Runs net->fit on a new thread and returns a Promise of { logs, epochsRun, stopped, nonFinite }. The
// network must not be training; it is marked training until the Promise settles.
Napi::Promise start_fit(Napi::Env env, std::shared_ptr<engine::Network> net, FitJob job, Napi::Function on_progress);

// Aborts every fit of this environment and waits for their threads (each stops at its next batch).
void abort_fits(Napi::Env env);

}  // namespace myelin::binding
