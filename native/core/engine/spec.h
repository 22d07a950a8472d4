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
  LayerKind kind = LayerKind::Dense;
  int in = 0, units = 0;  // all but dense: in == units
  Act act = Act::Linear;  // dense, activation
  bool use_bias = true;
  float l1 = 0.f, l2 = 0.f;
  float rate = 0.f;                         // dropout
  uint64_t seed = 0;                        // dropout
  float momentum = 0.99f, epsilon = 1e-3f;  // batch / layer normalization (momentum: batch only)
  bool center = true, scale = true;         // batch / layer normalization: beta, gamma
  bool invert = false;                      // normalization: mean + x * sd (Keras's invert=True)

  bool dense() const { return kind == LayerKind::Dense; }
};

struct ScheduleSpec {
  ScheduleId kind = ScheduleId::None;
  double initial = 0, decay_steps = 1, decay_rate = 0;
  bool staircase = false;
  double end = 0, power = 1;  // polynomial
  bool cycle = false;
  double alpha = 0;     // cosine
  bool warmup = false;  // cosine: rise linearly from initial to warmup_target over warmup_steps, then decay
  double warmup_target = 0, warmup_steps = 0;
  std::vector<double> boundaries, values;  // piecewise constant
};

// The learning rate of a schedule at step `step` (Keras's optimizer.iterations, from 0).
double schedule_lr(const ScheduleSpec& s, int64_t step);

struct OptimizerSpec {
  OptId kind = OptId::Sgd;
  float lr = 0.f;
  float momentum = 0.f;
  bool nesterov = false;
  float beta1 = 0.f, beta2 = 0.f;
  float rho = 0.f;
  float initial_accumulator = 0.f;
  float epsilon = 0.f;
  float clip_norm = 0.f, clip_value = 0.f, global_clip_norm = 0.f;
  float weight_decay = 0.f;  // decoupled: w -= w * weight_decay * lr before each update (Keras)
  ScheduleSpec schedule;     // kind None: the rate is lr (set_learning_rate may change it)
};

struct CompileSpec {
  int loss = 0;
  std::vector<int> metrics;
  std::vector<float> metric_args;  // two per metric, or empty (defaults): see contract.json
  OptimizerSpec opt;
  bool from_logits = false;     // BCE / CCE
  float label_smoothing = 0.f;  // BCE / dense CCE
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
