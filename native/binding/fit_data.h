// Training data copied once per model.fit into memory JS cannot take away (see Held), and the `FitData`
// JS object that owns it across the fit's native calls (one per epoch when callbacks run in between).
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
  Held arrays;
  std::vector<int32_t> labels;

  HeldData() = default;
  // defer: allocate the copies now, fill them with arrays.copy_some() (see Held::defer_copies).
  HeldData(Napi::Env env, ParsedData&& d, const engine::Network& net, const std::string& name, bool defer = false);
};

// What a FitData object holds; running fits share it, so it outlives release() while they read it.
struct FitData {
  bool sparse = false;  // the loss it was checked against: sparse categorical crossentropy
  bool has_val = false;
  HeldData train, val;
  bool copied = false;    // every copy filled: fits may read it
  bool touching = false;  // prepare() is touching the copies' fresh pages on a job thread
};

// The data of a FitData object (`new FitData(network, { train, val })`), ready for a fit of `net`, or an
// Error naming `name`.
std::shared_ptr<const FitData> fit_data_of(Napi::Env env, Napi::Value v, const engine::Network& net,
                                           const std::string& name);

// The network of a Network object, or a TypeError naming `name` (network.cc).
std::shared_ptr<engine::Network> network_of(Napi::Env env, Napi::Value v, const std::string& name);

}  // namespace myelin::binding
