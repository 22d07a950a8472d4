// DeepSHAP for a stack of dense layers: DeepLIFT's rescale rule, one background row at a time as the
// reference, averaged over the background (Lundberg & Lee 2017), with the per-op rules of SHAP's
// TensorFlow DeepExplainer (deep_tf.py); softmax by the rule chosen below. Summation to delta holds
// per reference, so for every row expected + sum(phi) = f(x) up to float rounding.
#pragma once

#include <vector>

#include "core/contract.h"
#include "core/dense_layer.h"

namespace myelin {

// How attributions pass through softmax (SoftmaxRule, core/contract.h); every rule sums to delta
// exactly. ShiftInvariant and Shap decompose it as SHAP does, into exp, a row sum and a division
// (two-input Shapley split).
// - ShiftInvariant: on the raw logits: invariant to a shift of all logits, but a large change of the
//   log-sum-exp between row and reference (exp(Δ) scale mismatch in the division) inflates opposite terms.
// - Shap: as SHAP's deep_tf.py: on max-centered logits, mapped back by d(z - max z)/dz. That ratio
//   explodes where a logit barely moves but the max does (SHAP issue #1203: values of ±20 on
//   probabilities that cancel in the sum).
// - Shapley: the exact Shapley values of the softmax's inputs (its logits as 2^K coalitions of row and
//   reference values): bounded by the output's range, and the rule DeepSHAP prescribes for a
//   multi-input nonlinearity. Softmax layers wider than kMaxShapleyUnits use ShiftInvariant.
constexpr int kMaxShapleyUnits = 12;

struct DeepShapOutput {
  float* phi;        // outputs x rows x features: phi[(k * rows + i) * features + j]
  float* output;     // rows x outputs: the model's output for each explained row
  double* expected;  // outputs: the mean output over the background rows
};

// x: rows x features; background: bg_rows x features (bg_rows >= 1). Layers must chain
// (layers[l].out == layers[l + 1].in, layers[0].in == features). Uses the shared thread pool;
// results do not depend on the thread count.
void deep_shap(const std::vector<DenseLayerView>& layers, const float* x, int rows, const float* background,
               int bg_rows, const DeepShapOutput& out, SoftmaxRule softmax = SoftmaxRule::ShiftInvariant);

}  // namespace myelin
