// Data copied into memory JS cannot take away (see Held) for native work that outlives the call: model.fit's
// training set, which the `FitData` JS object owns across the fit's native calls (one per epoch when callbacks
// run in between), and the inputs (and targets) of evaluate and predictAsync, made the same way.
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
  // defer: allocate the copies now, fill them with arrays.copy_some() (see Held::defer_copies); check_finite: a
  // NaN/Infinity in x is a RangeError as it is copied.
  HeldData(Napi::Env env, ParsedData&& d, const engine::Network& net, const std::string& name, bool defer = false,
           bool check_finite = false);
};

// What a FitData object holds; running fits share it, so it outlives release() while they read it.
struct FitData {
  bool sparse = false;       // the loss it was checked against: sparse categorical crossentropy
  bool inputs_only = false;  // x alone (predictAsync): no targets, made for any network of that input width
  bool has_val = false;
  HeldData train, val;
  bool copied = false;    // every copy filled: fits may read it
  bool touching = false;  // prepare() is touching the copies' fresh pages on a job thread
};

// The data of a FitData object (`new FitData(network, { train, val })`), copied, made for `net` (and, unless
// inputs_only, with targets for its loss), or an Error naming `name`.
std::shared_ptr<const FitData> fit_data_of(Napi::Env env, Napi::Value v, const engine::Network& net,
                                           const std::string& name, bool inputs_only = false);

// The network of a Network object, or a TypeError naming `name` (network.cc).
std::shared_ptr<engine::Network> network_of(Napi::Env env, Napi::Value v, const std::string& name);

}  // namespace myelin::binding
