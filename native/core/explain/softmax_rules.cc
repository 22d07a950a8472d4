// DeepSHAP's softmax rules (softmax_rules.h): SHAP's decomposition on raw or max-centered logits, and
// the exact Shapley values of the logits.
#include "core/explain/softmax_rules.h"

#include <algorithm>
#include <bitset>
#include <cmath>

#include "core/explain/deeplift.h"  // kMaxShapleyUnits

namespace myelin::softmax_rules {

// On the raw logits. The uncentered exps can overflow, so the ratios are taken in log space: with
// rho = s_ref / s_x, q = [e/s_x, e_ref/s_x, e/s_ref, e_ref/s_ref] = [p, p_ref·rho, p/rho, p_ref]
// per unit. They depend on the (row, reference) pair only, so they are computed once per pair.
void softmax_ratios(const SoftmaxSide& x, const SoftmaxSide& r, int units, double* q) {
  const double lsx = std::log(x.sum) + x.max, lsr = std::log(r.sum) + r.max;
  const double log_rho = lsr - lsx;
  for (int j = 0; j < units; ++j) {
    const double lp = x.z[j] - lsx, lpr = r.z[j] - lsr;
    q[4 * j] = std::exp(lp), q[4 * j + 1] = std::exp(lpr + log_rho), q[4 * j + 2] = std::exp(lp - log_rho);
    q[4 * j + 3] = std::exp(lpr);
  }
}

void softmax_rule_invariant(const SoftmaxSide& x, const SoftmaxSide& r, const double* q, int units, float* g) {
  double gsum = 0;  // Σ g_k (e_k + e_ref_k) / s_x: the row sum's multiplier, times -2 s_ref
  for (int j = 0; j < units; ++j) gsum += g[j] * (q[4 * j] + q[4 * j + 1]);
  for (int j = 0; j < units; ++j) {
    const double a = q[4 * j], b = q[4 * j + 1], c = q[4 * j + 2], d = q[4 * j + 3];
    const double dz = static_cast<double>(x.z[j]) - r.z[j];
    const double m = std::fabs(dz) < kTinyIn ? 0.5 * g[j] * (b + d) - 0.5 * gsum * d  // exp's gradient at the reference
                                             : (0.5 * g[j] * (a - b + c - d) - 0.5 * gsum * (c - d)) / dz;
    g[j] = static_cast<float>(m);
  }
}

// As SHAP: on z - max z, with SHAP's thresholds, then mapped back to z.
void softmax_rule_shap(const SoftmaxSide& x, const SoftmaxSide& r, int units, float* g) {
  const double sx = x.sum, sr = r.sum;
  double m_sum = 0;  // multiplier of the row sum, gathered over the broadcast
  if (std::fabs(sx - sr) >= kTinyDiv) {
    for (int j = 0; j < units; ++j) m_sum += g[j] * (-0.5 * (static_cast<double>(x.e[j]) + r.e[j]) / (sx * sr));
  }
  const double num = 0.5 * (1 / sx + 1 / sr);  // the numerator's multiplier in the Shapley split
  for (int j = 0; j < units; ++j) {
    const double de = static_cast<double>(x.e[j]) - r.e[j];
    const double m_e = (std::fabs(de) >= kTinyDiv ? g[j] * num : 0) + m_sum;
    const double dzc = (x.z[j] - x.max) - (r.z[j] - r.max);
    const double m_zc = std::fabs(dzc) >= kTinyIn ? m_e * de / dzc : m_e * r.e[j];
    const double dz = static_cast<double>(x.z[j]) - r.z[j];
    g[j] = static_cast<float>(std::fabs(dz) >= kTinyIn ? m_zc * dzc / dz : m_zc);
  }
}

// Exact Shapley values of the K logits of a softmax, row against reference: coalition S takes
// the row's logits in S and the reference's elsewhere, and
//   phi[j][k] = Σ_S c_j(S) p_k(S),  c_j(S) = |S|−1 choose-weight if j ∈ S, −|S| choose-weight if not,
// with weight(s) = s!(K−s−1)!/K!. The coefficients do not depend on the pair, so for a block of
// references phi is one GEMM: C (K x 2^K) · P (2^K x refs·K).
std::vector<float> shapley_coefficients(int K) {
  const int n = 1 << K;
  std::vector<double> weight(K);
  for (int s = 0; s < K; ++s) {
    double binom = 1;  // C(K - 1, s)
    for (int t = 1; t <= s; ++t) binom = binom * (K - s - 1 + t) / t;
    weight[s] = 1 / (K * binom);
  }
  std::vector<float> c(static_cast<size_t>(K) * n);
  for (int S = 0; S < n; ++S) {
    const int size = static_cast<int>(std::bitset<32>(static_cast<unsigned>(S)).count());
    for (int j = 0; j < K; ++j)
      c[static_cast<size_t>(j) * n + S] = static_cast<float>((S >> j) & 1 ? weight[size - 1] : -weight[size]);
  }
  return c;
}

// Softmax of every coalition for one pair, into column block `col` (K wide) of P (ld columns).
// Row and reference sums are built by additions only (X over S, R over its complement), so no
// cancellation; exps are shifted by the larger max, which leaves each coalition's softmax as is.
void coalition_softmax(const SoftmaxSide& x, const SoftmaxSide& r, int K, std::vector<double>& sums, float* P,
                       size_t ld, size_t col) {
  const int n = 1 << K;
  const int full = n - 1;
  const double c = std::max(x.max, r.max);
  double ex[kMaxShapleyUnits], er[kMaxShapleyUnits];
  for (int j = 0; j < K; ++j) ex[j] = std::exp(x.z[j] - c), er[j] = std::exp(r.z[j] - c);
  sums.resize(2 * static_cast<size_t>(n));
  double* X = sums.data();
  double* R = X + n;
  X[0] = R[0] = 0;
  for (int S = 1; S < n; ++S) {
    const int low = S & -S;
    const int j = std::bitset<32>(static_cast<unsigned>(low - 1)).count();
    X[S] = X[S ^ low] + ex[j];
    R[S] = R[S ^ low] + er[j];
  }
  for (int S = 0; S < n; ++S) {
    float* row = P + static_cast<size_t>(S) * ld + col;
    const double total = X[S] + R[full ^ S];
    if (total < 1e-300) {  // every exp taken underflowed: this coalition's own max instead
      double v[kMaxShapleyUnits], mx = -HUGE_VAL, sum = 0;
      for (int j = 0; j < K; ++j) mx = std::max(mx, v[j] = (S >> j) & 1 ? x.z[j] : r.z[j]);
      for (int j = 0; j < K; ++j) sum += (v[j] = std::exp(v[j] - mx));
      for (int j = 0; j < K; ++j) row[j] = static_cast<float>(v[j] / sum);
      continue;
    }
    const double inv = 1 / total;
    for (int j = 0; j < K; ++j) row[j] = static_cast<float>(((S >> j) & 1 ? ex[j] : er[j]) * inv);
  }
}

}  // namespace myelin::softmax_rules
