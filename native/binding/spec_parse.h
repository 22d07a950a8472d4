// Parsing of the engine's JS specs (lib/engine/contract.ts) into core/engine/spec.h structs. Every
// failure throws a TypeError or RangeError whose message names the argument path (e.g.
// "layers[1].units"), the expected and the actual value.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "core/engine/network.h"
#include "binding/args.h"
#include "core/engine/spec.h"

namespace myelin::binding {

std::vector<engine::LayerSpec> parse_layers(Napi::Env env, Napi::Value v);
engine::CompileSpec parse_compile(Napi::Env env, Napi::Value v);

// A DataSpec checked against the network; keeps what must stay alive while a worker reads it.
struct ParsedData {
  engine::Data data;
  std::vector<Napi::Value> pins;  // typed arrays the pointers point into
  std::vector<int32_t> labels;    // sparse labels converted from a Float32Array
  Napi::Value classes;            // Targets::RowsOrClasses given class indexes: an Int32Array, to one-hot
};
// What a DataSpec's y may be: rows x outputs (class indexes with sparse categorical crossentropy); also an
// Int32Array of class indexes to one-hot (ParsedData::classes; data.y stays null); or absent (inputs only).
enum class Targets { Rows, RowsOrClasses, None };
void parse_data(Napi::Env env, Napi::Value v, const std::string& name, const engine::Network& net, bool sparse,
                ParsedData* out, Targets targets = Targets::Rows);

}  // namespace myelin::binding
