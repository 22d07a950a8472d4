// Generated from native/contract.json by scripts/gen-contract.mjs (npm run gen:contract): do not edit.
// The ids lib/ and the engine share; the spec fields native/binding/spec_parse.cc reads.
// clang-format off
#pragma once

#include <limits>

namespace myelin {

enum class Act : int { Linear = 0, Relu = 1, Sigmoid = 2, Tanh = 3, Softmax = 4, LeakyRelu = 5, Elu = 6, Gelu = 7, Swish = 8 };
constexpr int kActCount = 9;
constexpr const char* kActNames[kActCount] = {"linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "gelu", "swish"};

enum class LossId : int { Mse = 0, Mae = 1, Bce = 2, Cce = 3, SparseCce = 4, Huber = 5, LogCosh = 6, Hinge = 7, SquaredHinge = 8, KlDivergence = 9, Poisson = 10, Mape = 11, Msle = 12 };
constexpr int kLossCount = 13;
constexpr const char* kLossNames[kLossCount] = {"mean_squared_error", "mean_absolute_error", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "huber", "log_cosh", "hinge", "squared_hinge", "kl_divergence", "poisson", "mean_absolute_percentage_error", "mean_squared_logarithmic_error"};

enum class OptId : int { Sgd = 0, Adam = 1, Rmsprop = 2, Adagrad = 3, AdamW = 4, Nadam = 5, Adamax = 6 };
constexpr int kOptCount = 7;
constexpr const char* kOptNames[kOptCount] = {"sgd", "adam", "rmsprop", "adagrad", "adamw", "nadam", "adamax"};

enum class ScheduleId : int { None = 0, ExponentialDecay = 1, PiecewiseConstantDecay = 2, InverseTimeDecay = 3, PolynomialDecay = 4, CosineDecay = 5 };
constexpr int kScheduleCount = 6;
constexpr const char* kScheduleNames[kScheduleCount] = {"none", "exponential_decay", "piecewise_constant_decay", "inverse_time_decay", "polynomial_decay", "cosine_decay"};

enum class MetricId : int { BinaryAccuracy = 0, CategoricalAccuracy = 1, SparseCategoricalAccuracy = 2, Mse = 3, Mae = 4, Precision = 5, Recall = 6, Auc = 7, F1Score = 8, TopKCategoricalAccuracy = 9, R2Score = 10 };
constexpr int kMetricCount = 11;
constexpr const char* kMetricNames[kMetricCount] = {"binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mean_squared_error", "mean_absolute_error", "precision", "recall", "auc", "f1_score", "top_k_categorical_accuracy", "r2_score"};

enum class SoftmaxRule : int { ShiftInvariant = 0, Shap = 1, Shapley = 2 };
constexpr int kSoftmaxRuleCount = 3;
constexpr const char* kSoftmaxRuleNames[kSoftmaxRuleCount] = {"shift-invariant", "shap", "shapley"};

enum class LayerKind : int { Dense = 0, Dropout = 1, BatchNormalization = 2, LayerNormalization = 3, Activation = 4, Normalization = 5 };
constexpr int kLayerKindCount = 6;
constexpr const char* kLayerKindNames[kLayerKindCount] = {"dense", "dropout", "batch_normalization", "layer_normalization", "activation", "normalization"};

namespace contract {

enum class FieldType : int { Int, Float, Bool, Seed, Id, IdList, FloatList, Spec };

// One spec field: its JS key, type, default (when optional), range (NaN: open-ended) and how to say it.
struct Field {
  const char* key;
  FieldType type;
  bool optional;
  double fallback;
  double min, max;
  bool min_open, max_open;
  int id_count;  // Id, IdList: ids are below this
  const char* want;  // "in [0, 1)", "> 0", "an integer >= 1", "a loss id below 5"
};

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// Each calls v(field, member) for every field of its spec, in table order; for a nested spec
// v(field, member, nested table, nested visitor).
template <class S, class V> void visit_dense_spec(S& s, V&& v);
template <class S, class V> void visit_dropout_spec(S& s, V&& v);
template <class S, class V> void visit_batch_normalization_spec(S& s, V&& v);
template <class S, class V> void visit_layer_normalization_spec(S& s, V&& v);
template <class S, class V> void visit_activation_spec(S& s, V&& v);
template <class S, class V> void visit_normalization_spec(S& s, V&& v);
template <class S, class V> void visit_schedule_spec(S& s, V&& v);
template <class S, class V> void visit_optimizer_spec(S& s, V&& v);
template <class S, class V> void visit_compile_spec(S& s, V&& v);

constexpr int kDenseSpecFieldCount = 6;
constexpr Field kDenseSpecFields[kDenseSpecFieldCount] = {
  {"inputDim", FieldType::Int, false, 0.0, 1.0, kNone, false, false, 0, "an integer >= 1"},
  {"units", FieldType::Int, false, 0.0, 1.0, kNone, false, false, 0, "an integer >= 1"},
  {"activation", FieldType::Id, false, 0.0, kNone, kNone, false, false, 9, "an activation id below 9"},
  {"useBias", FieldType::Bool, true, 1.0, kNone, kNone, false, false, 0, ""},
  {"l1", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"l2", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
};

constexpr int kDropoutSpecFieldCount = 3;
constexpr Field kDropoutSpecFields[kDropoutSpecFieldCount] = {
  {"units", FieldType::Int, false, 0.0, 1.0, kNone, false, false, 0, "an integer >= 1"},
  {"rate", FieldType::Float, false, 0.0, 0.0, 1.0, false, true, 0, "in [0, 1)"},
  {"seed", FieldType::Seed, true, 0.0, kNone, kNone, false, false, 0, ""},
};

constexpr int kBatchNormalizationSpecFieldCount = 5;
constexpr Field kBatchNormalizationSpecFields[kBatchNormalizationSpecFieldCount] = {
  {"units", FieldType::Int, false, 0.0, 1.0, kNone, false, false, 0, "an integer >= 1"},
  {"momentum", FieldType::Float, true, 0.99, 0.0, 1.0, false, false, 0, "in [0, 1]"},
  {"epsilon", FieldType::Float, true, 0.001, 0.0, kNone, true, false, 0, "> 0"},
  {"center", FieldType::Bool, true, 1.0, kNone, kNone, false, false, 0, ""},
  {"scale", FieldType::Bool, true, 1.0, kNone, kNone, false, false, 0, ""},
};

constexpr int kLayerNormalizationSpecFieldCount = 4;
constexpr Field kLayerNormalizationSpecFields[kLayerNormalizationSpecFieldCount] = {
  {"units", FieldType::Int, false, 0.0, 1.0, kNone, false, false, 0, "an integer >= 1"},
  {"epsilon", FieldType::Float, true, 0.001, 0.0, kNone, true, false, 0, "> 0"},
  {"center", FieldType::Bool, true, 1.0, kNone, kNone, false, false, 0, ""},
  {"scale", FieldType::Bool, true, 1.0, kNone, kNone, false, false, 0, ""},
};

constexpr int kActivationSpecFieldCount = 2;
constexpr Field kActivationSpecFields[kActivationSpecFieldCount] = {
  {"units", FieldType::Int, false, 0.0, 1.0, kNone, false, false, 0, "an integer >= 1"},
  {"activation", FieldType::Id, false, 0.0, kNone, kNone, false, false, 9, "an activation id below 9"},
};

constexpr int kNormalizationSpecFieldCount = 2;
constexpr Field kNormalizationSpecFields[kNormalizationSpecFieldCount] = {
  {"units", FieldType::Int, false, 0.0, 1.0, kNone, false, false, 0, "an integer >= 1"},
  {"invert", FieldType::Bool, true, 0.0, kNone, kNone, false, false, 0, ""},
};

constexpr int kScheduleSpecFieldCount = 14;
constexpr Field kScheduleSpecFields[kScheduleSpecFieldCount] = {
  {"kind", FieldType::Id, true, 0.0, kNone, kNone, false, false, 6, "a schedule id below 6"},
  {"initial", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"decaySteps", FieldType::Float, true, 1.0, 0.0, kNone, true, false, 0, "> 0"},
  {"decayRate", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"staircase", FieldType::Bool, true, 0.0, kNone, kNone, false, false, 0, ""},
  {"end", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"power", FieldType::Float, true, 1.0, 0.0, kNone, true, false, 0, "> 0"},
  {"cycle", FieldType::Bool, true, 0.0, kNone, kNone, false, false, 0, ""},
  {"alpha", FieldType::Float, true, 0.0, 0.0, 1.0, false, false, 0, "in [0, 1]"},
  {"warmup", FieldType::Bool, true, 0.0, kNone, kNone, false, false, 0, ""},
  {"warmupTarget", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"warmupSteps", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"boundaries", FieldType::FloatList, true, 0.0, kNone, kNone, false, false, 0, ""},
  {"values", FieldType::FloatList, true, 0.0, kNone, kNone, false, false, 0, ""},
};

constexpr int kOptimizerSpecFieldCount = 14;
constexpr Field kOptimizerSpecFields[kOptimizerSpecFieldCount] = {
  {"kind", FieldType::Id, false, 0.0, kNone, kNone, false, false, 7, "an optimizer id below 7"},
  {"learningRate", FieldType::Float, false, 0.0, 0.0, kNone, true, false, 0, "> 0"},
  {"momentum", FieldType::Float, true, 0.0, 0.0, 1.0, false, false, 0, "in [0, 1]"},
  {"nesterov", FieldType::Bool, true, 0.0, kNone, kNone, false, false, 0, ""},
  {"beta1", FieldType::Float, true, 0.0, 0.0, 1.0, false, true, 0, "in [0, 1)"},
  {"beta2", FieldType::Float, true, 0.0, 0.0, 1.0, false, true, 0, "in [0, 1)"},
  {"rho", FieldType::Float, true, 0.0, 0.0, 1.0, false, true, 0, "in [0, 1)"},
  {"initialAccumulator", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"epsilon", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"clipNorm", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"clipValue", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"globalClipNorm", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"weightDecay", FieldType::Float, true, 0.0, 0.0, kNone, false, false, 0, ">= 0"},
  {"schedule", FieldType::Spec, true, 0.0, kNone, kNone, false, false, 0, ""},
};

constexpr int kCompileSpecFieldCount = 6;
constexpr Field kCompileSpecFields[kCompileSpecFieldCount] = {
  {"loss", FieldType::Id, false, 0.0, kNone, kNone, false, false, 13, "a loss id below 13"},
  {"metrics", FieldType::IdList, true, 0.0, kNone, kNone, false, false, 11, "a metric id below 11"},
  {"metricArgs", FieldType::FloatList, true, 0.0, kNone, kNone, false, false, 0, ""},
  {"optimizer", FieldType::Spec, false, 0.0, kNone, kNone, false, false, 0, ""},
  {"fromLogits", FieldType::Bool, true, 0.0, kNone, kNone, false, false, 0, ""},
  {"labelSmoothing", FieldType::Float, true, 0.0, 0.0, 1.0, false, false, 0, "in [0, 1]"},
};

template <class S, class V> void visit_dense_spec(S& s, V&& v) {
  v(kDenseSpecFields[0], s.in);
  v(kDenseSpecFields[1], s.units);
  v(kDenseSpecFields[2], s.act);
  v(kDenseSpecFields[3], s.use_bias);
  v(kDenseSpecFields[4], s.l1);
  v(kDenseSpecFields[5], s.l2);
}

template <class S, class V> void visit_dropout_spec(S& s, V&& v) {
  v(kDropoutSpecFields[0], s.units);
  v(kDropoutSpecFields[1], s.rate);
  v(kDropoutSpecFields[2], s.seed);
}

template <class S, class V> void visit_batch_normalization_spec(S& s, V&& v) {
  v(kBatchNormalizationSpecFields[0], s.units);
  v(kBatchNormalizationSpecFields[1], s.momentum);
  v(kBatchNormalizationSpecFields[2], s.epsilon);
  v(kBatchNormalizationSpecFields[3], s.center);
  v(kBatchNormalizationSpecFields[4], s.scale);
}

template <class S, class V> void visit_layer_normalization_spec(S& s, V&& v) {
  v(kLayerNormalizationSpecFields[0], s.units);
  v(kLayerNormalizationSpecFields[1], s.epsilon);
  v(kLayerNormalizationSpecFields[2], s.center);
  v(kLayerNormalizationSpecFields[3], s.scale);
}

template <class S, class V> void visit_activation_spec(S& s, V&& v) {
  v(kActivationSpecFields[0], s.units);
  v(kActivationSpecFields[1], s.act);
}

template <class S, class V> void visit_normalization_spec(S& s, V&& v) {
  v(kNormalizationSpecFields[0], s.units);
  v(kNormalizationSpecFields[1], s.invert);
}

template <class S, class V> void visit_schedule_spec(S& s, V&& v) {
  v(kScheduleSpecFields[0], s.kind);
  v(kScheduleSpecFields[1], s.initial);
  v(kScheduleSpecFields[2], s.decay_steps);
  v(kScheduleSpecFields[3], s.decay_rate);
  v(kScheduleSpecFields[4], s.staircase);
  v(kScheduleSpecFields[5], s.end);
  v(kScheduleSpecFields[6], s.power);
  v(kScheduleSpecFields[7], s.cycle);
  v(kScheduleSpecFields[8], s.alpha);
  v(kScheduleSpecFields[9], s.warmup);
  v(kScheduleSpecFields[10], s.warmup_target);
  v(kScheduleSpecFields[11], s.warmup_steps);
  v(kScheduleSpecFields[12], s.boundaries);
  v(kScheduleSpecFields[13], s.values);
}

template <class S, class V> void visit_optimizer_spec(S& s, V&& v) {
  v(kOptimizerSpecFields[0], s.kind);
  v(kOptimizerSpecFields[1], s.lr);
  v(kOptimizerSpecFields[2], s.momentum);
  v(kOptimizerSpecFields[3], s.nesterov);
  v(kOptimizerSpecFields[4], s.beta1);
  v(kOptimizerSpecFields[5], s.beta2);
  v(kOptimizerSpecFields[6], s.rho);
  v(kOptimizerSpecFields[7], s.initial_accumulator);
  v(kOptimizerSpecFields[8], s.epsilon);
  v(kOptimizerSpecFields[9], s.clip_norm);
  v(kOptimizerSpecFields[10], s.clip_value);
  v(kOptimizerSpecFields[11], s.global_clip_norm);
  v(kOptimizerSpecFields[12], s.weight_decay);
  v(kOptimizerSpecFields[13], s.schedule, kScheduleSpecFields, [](auto& m, auto& r) { visit_schedule_spec(m, r); });
}

template <class S, class V> void visit_compile_spec(S& s, V&& v) {
  v(kCompileSpecFields[0], s.loss);
  v(kCompileSpecFields[1], s.metrics);
  v(kCompileSpecFields[2], s.metric_args);
  v(kCompileSpecFields[3], s.opt, kOptimizerSpecFields, [](auto& m, auto& r) { visit_optimizer_spec(m, r); });
  v(kCompileSpecFields[4], s.from_logits);
  v(kCompileSpecFields[5], s.label_smoothing);
}

// Keras's default of each OptimizerSpec field per optimizer (OptId order); kNone: the field's default.
constexpr double kOptimizerDefaults[kOptCount][kOptimizerSpecFieldCount] = {
  {kNone, 0.01, 0.0, 0.0, kNone, kNone, kNone, kNone, kNone, kNone, kNone, kNone, kNone, kNone},  // sgd
  {kNone, 0.001, kNone, kNone, 0.9, 0.999, kNone, kNone, 1e-7, kNone, kNone, kNone, kNone, kNone},  // adam
  {kNone, 0.001, kNone, kNone, kNone, kNone, 0.9, kNone, 1e-7, kNone, kNone, kNone, kNone, kNone},  // rmsprop
  {kNone, 0.001, kNone, kNone, kNone, kNone, kNone, 0.1, 1e-7, kNone, kNone, kNone, kNone, kNone},  // adagrad
  {kNone, 0.001, kNone, kNone, 0.9, 0.999, kNone, kNone, 1e-7, kNone, kNone, kNone, 0.004, kNone},  // adamw
  {kNone, 0.001, kNone, kNone, 0.9, 0.999, kNone, kNone, 1e-7, kNone, kNone, kNone, kNone, kNone},  // nadam
  {kNone, 0.001, kNone, kNone, 0.9, 0.999, kNone, kNone, 1e-7, kNone, kNone, kNone, kNone, kNone},  // adamax
};

}  // namespace contract
}  // namespace myelin
