// Elementwise, row and update kernels behind one table per ISA. One shared source
// (kernels/common/vec_kernels.inc) is compiled once per ISA inside that ISA's namespace, so the
// compiler vectorizes it with that ISA's flags; vec() picks the table for active_isa().
// Everything here works on contiguous float32 buffers; reductions run in a fixed order, so results
// depend on the ISA but never on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/contract.h"  // LossId, Act

namespace myelin {

// Keras's backend epsilon, used to clip probabilities in the crossentropies.
constexpr float kProbEpsilon = 1e-7f;

struct LossBatch {
  int loss = 0;              // LossId
  bool fused = false;        // sigmoid+BCE or softmax+(sparse)CCE: grad is w.r.t. the logits, p - t
  bool logits = false;       // BCE/CCE from_logits: p are logits, the loss applies sigmoid/softmax itself
  float smoothing = 0.f;     // label smoothing of BCE (t (1 - s) + s / 2) and dense CCE (t (1 - s) + s / cols)
  const float* p = nullptr;  // rows x cols predictions
  int rows = 0, cols = 0;
  const float* t = nullptr;      // rows x cols targets (dense losses), or null
  const int32_t* idx = nullptr;  // one class per row (SparseCce), or null
  const float* sw = nullptr;     // one weight per row, or null (= 1)
  float scale = 1.f;             // usually 1 / batch rows
  float* grad = nullptr;         // rows x cols, or null when only the loss is wanted
  float* scratch = nullptr;      // rows x cols floats of workspace
};

// Columns [j0, j1) of row-major rows x ld blocks, for batch normalization's passes (x_hat = (x - mean) * inv).
struct BnCols {
  const float* x;  // the layer's input
  int rows, ld, j0, j1;
  const float* mean;  // per column (bn_moments: a shift)
  const float* inv;
};

struct VecKernels {
  // y = act(z) for every activation but Softmax; y may alias z.
  void (*act_forward)(int act, const float* z, float* y, size_t n);
  // Numerically stable softmax over each row of a rows x cols block with leading dimension ld.
  void (*softmax_rows)(float* c, size_t ld, int rows, int cols);
  // g (rows x cols, contiguous) := dL/dz from g = dL/dy, using the output y (and the
  // pre-activation z for gelu/swish; may be null otherwise). If db is not null, db[j] += sum_r g[r][j]
  // (rows in order) in the same pass.
  void (*act_backward)(int act, const float* y, const float* z, float* g, int rows, int cols, float* db);
  // db[j] = sum over rows of g[r][j], rows in order.
  void (*col_sums)(const float* g, int rows, int cols, float* db);
  // Returns sum_r sw_r * loss_r (per-sample loss: sum over outputs for CCE and KL divergence, else the
  // mean) and, if grad is set, writes scale * sw_r * dloss_r / d(p or logits). Keras 3's formulas.
  double (*loss)(const LossBatch& b);
  // Keras SGD: mu == 0: w -= lr g (v unused); else v = mu v - lr g; w += v (nesterov: w += mu v - lr g).
  void (*sgd)(float* w, float* v, const float* g, size_t n, float lr, float mu, bool nesterov);
  // Keras Adam with alpha = lr sqrt(1 - b2^t) / (1 - b1^t): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
  // w -= alpha m / (sqrt(v) + eps).
  void (*adam)(float* w, float* m, float* v, const float* g, size_t n, float alpha, float b1, float b2, float eps);
  // Keras Nadam with the step's coefficients: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
  // w -= lr (cm m + cg g) / (sqrt(v cv) + eps).
  void (*nadam)(float* w, float* m, float* v, const float* g, size_t n, float lr, float b1, float b2, float eps,
                float cm, float cg, float cv);
  // Keras Adamax with alpha = lr / (1 - b1^t): m += (g - m)(1 - b1); u = max(b2 u, |g|); w -= alpha m / (u + eps).
  void (*adamax)(float* w, float* m, float* u, const float* g, size_t n, float alpha, float b1, float b2, float eps);
  // Keras RMSprop: v = rho v + (1 - rho) g^2; w -= lr g / sqrt(v + eps).
  void (*rmsprop)(float* w, float* v, const float* g, size_t n, float lr, float rho, float eps);
  // Keras Adagrad: a += g^2; w -= lr g / sqrt(a + eps).
  void (*adagrad)(float* w, float* a, const float* g, size_t n, float lr, float eps);
  // w += v.
  void (*add_to)(float* w, const float* v, size_t n);
  // sum of g^2, in a fixed order.
  double (*sum_squares)(const float* g, size_t n);
  // g = clip(g * scale, -clip, clip); clip <= 0 means no value clipping.
  void (*scale_clip)(float* g, size_t n, float scale, float clip);
  // Adds the L1/L2 penalty gradient l1 sign(w) + 2 l2 w to g (if not null); returns sum l1|w| + l2 w^2.
  double (*reg_grad)(const float* w, float* g, size_t n, float l1, float l2);
  // Inverted dropout: mask[i] = keep ? 1 / (1 - rate) : 0, from a 32-bit counter-based hash of
  // (key, i) that is the same on every ISA; keep iff the hash's top 24 bits / 2^24 >= rate. y = x * mask.
  void (*dropout)(const float* x, float* y, float* mask, size_t n, uint64_t key, float rate);
  // g *= m.
  void (*mul)(float* g, const float* m, size_t n);
  // Batch normalization's passes (kernels/common/norm_kernels.inc): each column's sums in double, rows in order.
  // s, s2 = sums of d and d^2, d = x - mean.
  void (*bn_moments)(const BnCols& c, double* s, double* s2);
  // y = act(x_hat * gamma + beta), act elementwise (that of an Activation layer after; Linear: none).
  void (*bn_forward)(const BnCols& c, const float* gamma, const float* beta, int act, float* y);
  // g := g act'(y) (an Activation layer after, y its output; Linear: none), then sg, sgx = sums of g and g x_hat.
  void (*bn_grad_sums)(const BnCols& c, int act, const float* y, float* g, double* sg, double* sgx);
  // g := ga g + gb + gk x_hat; then, for a Dense layer before (act elementwise or Linear, z its pre-activation
  // or null), g := g act'(x) and db (if set) = the column sums of g.
  void (*bn_backward)(const BnCols& c, const float* ga, const float* gb, const float* gk, float* g, int act,
                      const float* z, float* db);
};

// The table for the active ISA (cheap: an atomic load and a switch).
const VecKernels& vec();

namespace scalar {
const VecKernels& vec_kernels();
}
#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 {
const VecKernels& vec_kernels();
}
namespace avx512 {
const VecKernels& vec_kernels();
}
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
namespace neon {
const VecKernels& vec_kernels();
}
#endif

}  // namespace myelin
