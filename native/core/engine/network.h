// A Sequential stack of layers (Dense, Dropout, the normalizations, Activation) with its parameters, optimizer state
// and workspaces in native memory. Plain C++ (no N-API); native/binding/network.cc wraps it.
//
// Threads: fit() runs on a worker thread and is the only writer of the live parameters while it
// runs. Everything that reads weights (predict, evaluate, gradients, get_weights) reads the
// snapshot, which fit() refreshes under snap_mu_ at the end of each finite epoch; outside fit the
// snapshot equals the live parameters. Callers must not call set_weights, compile or
// set_optimizer_state while training() (the binding throws).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/engine/buffer.h"
#include "core/engine/metrics.h"
#include "core/engine/spec.h"
#include "core/gemm.h"

namespace myelin::engine {

// Activations whose derivative needs the pre-activation, not just the output (dense_forward keeps it).
inline bool needs_z(Act a) { return a == Act::Gelu || a == Act::Swish; }

// One weight array (a kernel or a bias) inside the flat parameter buffer.
struct WeightArray {
  size_t off = 0, len = 0;
  int layer = 0;
  bool bias = false;
  bool trainable = true;  // false: moving statistics, adapted normalization (no gradient, no optimizer)
};

// A normalization layer's weight arrays (indexes into arrays(), -1 when absent), in Keras's order.
struct NormArrays {
  int gamma = -1, beta = -1, mean = -1, var = -1;
};

// Buffers for passes over batches of up to `rows` rows. Sized once per call; batches allocate nothing.
struct Workspace {
  int rows = 0;
  FloatBuf xb, yb, swb, scratch, g0, g1;
  std::vector<int32_t> ib;
  std::vector<FloatBuf> out, z, mask;          // per layer
  std::vector<const float*> in;                // per layer: its input for the current batch
  std::vector<FloatBuf> stat;                  // per normalization layer: its batch's statistics (see norm.cc)
  std::vector<double, Aligned64<double>> acc;  // column sums of a normalization layer
  std::atomic<bool>* nonfinite = nullptr;      // predict: the input check, fused into layer 0 (DenseLayerView)
  FloatBuf part;                               // fit: the second input half's partial product (halves.cc)
};

class Network {
 public:
  // One optimizer step of one weight array, its coefficients computed once: apply(b, c) updates elements
  // [b, b + c). Elementwise, so any split of the array gives the same bits: the backward pass applies it to
  // each block of the kernel's gradient as the GEMM finishes it (dense.cc).
  struct ArrayStep {
    const OptimizerSpec* o;
    float *w, *s0, *s1, *g;
    float lr, alpha, cm, cg, cv, clip, keep;
    void apply(size_t b, size_t c) const;
    // The same step on the elements from i on (element i becomes element 0).
    ArrayStep from(size_t i) const {
      ArrayStep s = *this;
      s.w += i, s.g += i;
      if (s.s0) s.s0 += i;
      if (s.s1) s.s1 += i;
      return s;
    }
  };

  // Throws std::invalid_argument on inconsistent shapes.
  explicit Network(std::vector<LayerSpec> layers);

  const std::vector<LayerSpec>& layers() const { return layers_; }
  const std::vector<WeightArray>& arrays() const { return arrays_; }
  // Scalars in all weight arrays (Keras's count_params()).
  size_t param_count() const { return param_scalars_; }
  int input_dim() const { return layers_.front().in; }
  int output_dim() const { return layers_.back().units; }
  // Bytes held for parameters, snapshot, gradients, optimizer state and inference's packed kernels (reported
  // to V8).
  size_t native_bytes() const;

  void compile(const CompileSpec& spec);
  bool compiled() const { return compiled_; }
  const CompileSpec& compile_spec() const { return spec_; }
  int slots_per_array() const { return slots_per_array_; }
  void set_learning_rate(float lr) { lr_.store(lr); }
  // Optimizer steps taken (Keras's iterations): the step a schedule is evaluated at.
  int64_t iterations() const {
    std::lock_guard<std::mutex> lk(snap_mu_);
    return snap_iterations_;
  }

  // Copies of the snapshot (the live weights outside fit). dst[i] holds arrays()[i].len floats.
  void get_weights(const std::vector<float*>& dst) const;
  void set_weights(const std::vector<const float*>& src);
  int64_t get_optimizer_state(const std::vector<float*>& slots) const;  // arrays x slots, array-major
  void set_optimizer_state(int64_t iterations, const std::vector<const float*>& slots);

  // Inference on the snapshot; calls are serialised (snap_mu_) and reuse the network's workspaces. A set
  // `cancel` (the caller's environment is going away) ends the work at its next chunk of rows.
  // check_finite: each chunk of x is checked for NaN/Infinity as it is read; the work stops at one and
  // the index of x's first is returned (out is then unfinished). Else, or when all are finite: -1.
  long long predict(const float* x, int rows, float* out, const std::atomic<bool>* cancel = nullptr,
                    bool check_finite = false) const;
  // [loss, metrics...] over all rows, in inference mode, batches of batch_size rows; `cancel` as above
  // (checked between batches; the result is then meaningless).
  std::vector<double> evaluate(const Data& d, int batch_size, const std::atomic<bool>* cancel = nullptr) const;
  // Mean loss (with penalties) over all rows, and its gradient per weight array (non-trainable arrays: 0).
  // training: dropout on and batch statistics, as in a fit step (moving statistics are not updated).
  double gradients(const Data& d, const std::vector<float*>& grads, bool training = false) const;
  FitOutcome fit(const FitOptions& o);

  bool training() const { return training_.load(); }
  // Starting a fit also clears any earlier stop request, so one made right after queuing counts.
  void set_training(bool t) {
    if (t) stop_.store(false);
    training_.store(t);
  }
  void request_stop() { stop_.store(true); }
  // The owner is going away (environment teardown): a running fit returns at the next batch.
  void abort() {
    abort_.store(true);
    stop_.store(true);
  }

 private:
  enum class Mode { Train, GradsOnly };

  void reserve(Workspace& ws, int rows, bool with_targets) const;
  // Runs every layer on rows of x with weights W; returns the output (rows x output_dim()).
  // A layer other than Dense and Dropout (core/engine/norm.cc): y = layer(x) on `rows` rows.
  void forward_other(size_t i, const float* W, const float* x, int rows, Workspace& ws, bool training, float* y) const;
  // Its backward: g holds dL/dy and becomes dL/dx when need_dx; gradients into grads; in Train mode
  // the moving statistics and (unless deferred) the optimizer step.
  void backward_other(size_t i, const float* W, float* params, float* grads, float* g, int rows, Workspace& ws,
                      bool training, Mode mode, bool need_dx, bool deferred);
  // Adds layer i's arrays if it is a normalization layer.
  void add_norm_arrays(size_t i);
  // Sizes layer i's normalization workspace (ws.stat, ws.z, ws.acc) for batches of up to `rows` rows.
  void reserve_norm(size_t i, Workspace& ws, size_t rows) const;
  // Layer i is a batch normalization that also applies the Activation layer i + 1 (forward: it writes that
  // layer's output; backward: it applies its derivative; norm.cc).
  bool bn_takes_next_act(size_t i) const;
  // Layer i is a batch normalization whose backward pass also applies the activation derivative of the Dense
  // layer i - 1 and sums its bias gradient (i may be past the last layer: false).
  bool bn_takes_act_backward(size_t i) const;
  // packed: W is the snapshot and packed_ holds its kernels (predict).
  const float* forward(const float* W, const float* x, int rows, Workspace& ws, bool dropout_on, uint64_t epoch,
                       uint64_t batch, float* final_out, bool packed = false) const;
  // Packs the snapshot's kernels for inference unless packed_ already holds them (under snap_mu_).
  void pack_snapshot() const;
  // From ws.g0 = dL/d(output or logits): gradients, and in Train mode the optimizer update.
  // Returns the L1/L2 penalty of the weights before their update.
  double backward(const float* W, float* params, float* grads, int rows, Workspace& ws, bool dropout_on, Mode mode);
  // One optimizer step of weight array a with its gradient (clipped: global clipping already applied).
  void update_array(int a, float* grad, bool clipped = false);
  // That step's coefficients (see ArrayStep); clipnorm (the whole array's norm) must be applied to grad before.
  ArrayStep array_step(int a, float* grad, bool clipped);
  // global_clipnorm: every gradient is in grads; clip them together, then update every array.
  void update_all_global_clip(float* grads);
  float current_lr() const;
  double nadam_u_product(int64_t t);
  double loss_and_metrics(const float* p, int rows, const float* y, const int32_t* yi, const float* sw, float* grad,
                          Workspace& ws, MetricSet* metrics) const;
  // Rows [r0, r1) and columns [c0, c1) of layer i's kernel gradient X^T dZ over `rows` rows (x: the layer's input,
  // dz: its dZ), with the optimizer step fused into the GEMM: plain SGD onto the weights (lr), SGD with momentum onto v
  // and w += v on each finished block, else `step` (array_step's, of the whole array) on each finished block of
  // `grad` (the array's gradient). Any split gives the same bits. Not for regularizers, clipnorm or global_clipnorm.
  void kernel_step(int i, int r0, int r1, int c0, int c1, int rows, const float* x, const float* dz, float lr,
                   const ArrayStep* step, float* grad);
  // Input halves (halves.cc): where layer i's kernel rows split into the two halves of a training step, 0: not split.
  int halves_at(int i) const { return i == halves_layer_ ? halves_at_ : 0; }
  // Chooses the layer in halves, if any (compile: it depends on the optimizer).
  void plan_halves();
  // Layer i's training forward in halves: pre = x kernel + bias (the halves' partial products added), y = act(pre).
  void forward_halves(int i, const float* kernel, const float* bias, const float* x, int rows, float* pre, float* y,
                      Workspace& ws) const;
  // kernel_step over the whole kernel, each half on its own threads.
  void kernel_step_halves(int i, int rows, const float* x, const float* dz, float lr, const ArrayStep* step,
                          float* grad);
  // kernel_step's SGD ways, which need no ArrayStep.
  bool sgd_in_gemm() const;
  double penalty(const float* W) const;
  std::vector<double> evaluate_on(const float* W, const Data& d, int batch_size, Workspace& ws,
                                  const std::atomic<bool>* cancel) const;
  void take_snapshot();
  void restore_snapshot();

  std::vector<LayerSpec> layers_;
  std::vector<WeightArray> arrays_;
  std::vector<int> kernel_of_, bias_of_;  // per layer: weight array index or -1
  std::vector<NormArrays> norm_of_;       // per layer
  int first_dense_ = 0, last_dense_ = 0;
  int first_backward_ = 0;  // the first layer the backward pass reaches (trainable or with moving statistics)
  size_t total_ = 0;        // floats in the padded parameter buffer
  size_t param_scalars_ = 0;
  int max_width_ = 0;

  FloatBuf params_, snap_, grads_;
  FloatBuf slots_, snap_slots_;  // arrays x slots, array-major: array a's slot s at slot_off(a) + s * len
  std::vector<size_t> slot_off_;
  int slots_per_array_ = 0;
  int64_t iterations_ = 0, snap_iterations_ = 0;
  int64_t nadam_step_ = -1;  // nadam_product_ = prod of u_i for i in 1..nadam_step_
  double nadam_product_ = 1.0;

  CompileSpec spec_;
  bool compiled_ = false;
  bool fused_output_ = false;              // sigmoid+BCE or softmax+crossentropy: gradient w.r.t. the logits
  int halves_layer_ = -1, halves_at_ = 0;  // plan_halves()
  std::atomic<float> lr_{0.01f};
  std::atomic<bool> training_{false}, stop_{false}, abort_{false};
  mutable std::mutex snap_mu_;
  mutable std::vector<Workspace> predict_ws_;  // per predict thread, under snap_mu_
  Workspace fit_ws_;                           // fit's (one fit at a time)
  // Inference's packed kernels (per layer; under snap_mu_), valid while packed_version_ == snap_version_,
  // which every write of the snapshot (set_weights, fit's epochs, restore) advances.
  mutable std::vector<PackedB> packed_;
  mutable std::atomic<size_t> packed_floats_{0};  // their size, for native_bytes() on any thread
  uint64_t snap_version_ = 0;
  mutable uint64_t packed_version_ = ~uint64_t{0};
};

}  // namespace myelin::engine
