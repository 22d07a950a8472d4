// DeepSHAP's rules through a softmax layer (deeplift.h's SoftmaxRule), for one (row, reference) pair.
#pragma once

#include <cstddef>
#include <vector>

namespace myelin::softmax_rules {

// SHAP's thresholds (deep_tf.py): below these a difference counts as zero.
constexpr double kTinyIn = 1e-6;   // a nonlinearity's input: fall back to the gradient
constexpr double kTinyDiv = 1e-7;  // softmax's division inputs: no attribution through them

// Softmax as SHAP decomposes it (deep_tf.py `softmax`): e = exp(z), s = Σ e, p = e / s. exp takes
// the rescale rule; the division, whose inputs both vary, the two-input Shapley split; the sum
// passes its multiplier to every e. g (upstream multipliers w.r.t. p) becomes the multipliers
// w.r.t. z, in place.
struct SoftmaxSide {
  const float* z;
  const float* e;   // exp(z - max)
  double sum, max;  // of e, of z
};

// On the raw logits: the four ratios per unit of one (row, reference) pair, q (4 x units).
void softmax_ratios(const SoftmaxSide& x, const SoftmaxSide& r, int units, double* q);
// g (multipliers w.r.t. p) becomes the multipliers w.r.t. z, in place; q from softmax_ratios.
void softmax_rule_invariant(const SoftmaxSide& x, const SoftmaxSide& r, const double* q, int units, float* g);
// As SHAP's deep_tf.py: on z - max z, with SHAP's thresholds, then mapped back to z.
void softmax_rule_shap(const SoftmaxSide& x, const SoftmaxSide& r, int units, float* g);
// The Shapley rule's coefficients for K logits: C (K x 2^K), see softmax_rules.cc.
std::vector<float> shapley_coefficients(int K);
// Softmax of every coalition for one pair, into column block `col` (K wide) of P (ld columns).
void coalition_softmax(const SoftmaxSide& x, const SoftmaxSide& r, int K, std::vector<double>& sums, float* P,
                       size_t ld, size_t col);

}  // namespace myelin::softmax_rules
