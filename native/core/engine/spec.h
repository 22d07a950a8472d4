// Plain descriptions of a network, its training setup and a data set: what the binding parses from
// JS (lib/engine/contract.ts) and hands to Network. Ids are those of lib/engine/ids.ts.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/activations.h"
#include "core/contract.h"  // OptId, MetricId; the fields' types, defaults and ranges

namespace myelin::engine {

// The binding fills every field from core/contract.h's tables (defaults in native/contract.json).
struct LayerSpec {
  bool dense = true;
  int in = 0, units = 0;  // dropout: in == units
  Act act = Act::Linear;
  bool use_bias = true;
  float l1 = 0.f, l2 = 0.f;
  float rate = 0.f;    // dropout
  uint64_t seed = 0;   // dropout
};

struct OptimizerSpec {
  OptId kind = OptId::Sgd;
  float lr = 0.f;
  float momentum = 0.f;
  bool nesterov = false;
  float beta1 = 0.f, beta2 = 0.f;
  float rho = 0.f;
  float initial_accumulator = 0.f;
  float epsilon = 0.f;
  float clip_norm = 0.f, clip_value = 0.f;
};

struct CompileSpec {
  int loss = 0;
  std::vector<int> metrics;
  OptimizerSpec opt;
};

// Rows of a data set; y is dense (rows x outputs) or, for sparse crossentropy, class indexes.
struct Data {
  const float* x = nullptr;
  int rows = 0;
  const float* y = nullptr;
  const int32_t* yi = nullptr;
  const float* sw = nullptr;
};

// (epoch, batch, batches, running mean loss of the epoch so far)
using ProgressFn = std::function<void(int, int, int, double)>;

struct FitOptions {
  Data train;
  bool has_val = false;
  Data val;
  int epochs = 1, initial_epoch = 0, batch_size = 32;
  bool shuffle = true;
  uint64_t seed = 0;
  ProgressFn on_progress;  // called on the training thread; may be empty
  int progress_ms = 100;
};

struct FitOutcome {
  std::vector<double> logs;  // per epoch: loss, metrics..., [val_loss, val metrics...]
  int epochs_run = 0;
  bool stopped = false;
  int nonfinite_epoch = -1, nonfinite_batch = -1;
};

}  // namespace myelin::engine
