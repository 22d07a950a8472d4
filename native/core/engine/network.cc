// Network structure, parameters, optimizer state and snapshots.
#include "core/engine/network.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/vec.h"

namespace myelin::engine {
namespace {

// Arrays start on 64-byte boundaries.
size_t padded(size_t n) { return (n + 15) & ~static_cast<size_t>(15); }

std::string at(size_t i) { return "layers[" + std::to_string(i) + "]"; }

}  // namespace

Network::Network(std::vector<LayerSpec> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) throw std::invalid_argument("layers must not be empty");
  kernel_of_.assign(layers_.size(), -1);
  bias_of_.assign(layers_.size(), -1);
  norm_of_.assign(layers_.size(), NormArrays{});
  first_dense_ = first_backward_ = -1;
  for (size_t i = 0; i < layers_.size(); ++i) {
    LayerSpec& l = layers_[i];
    if (l.units < 1) throw std::invalid_argument(at(i) + ".units must be >= 1");
    if (!l.dense()) {
      if (i > 0) l.in = layers_[i - 1].units;
      l.in = l.in > 0 ? l.in : l.units;
      if (l.in != l.units)
        throw std::invalid_argument(at(i) + ".units must equal the previous layer's units (" + std::to_string(l.in) +
                                    "), got " + std::to_string(l.units));
      add_norm_arrays(i);
      // Batch normalization always takes part: its moving statistics follow every batch.
      const NormArrays& na = norm_of_[i];
      if (first_backward_ < 0 && (na.gamma >= 0 || na.beta >= 0 || l.kind == LayerKind::BatchNormalization))
        first_backward_ = static_cast<int>(i);
    } else {
      if (l.in < 1) throw std::invalid_argument(at(i) + ".inputDim must be >= 1");
      if (i > 0 && l.in != layers_[i - 1].units)
        throw std::invalid_argument(at(i) + ".inputDim must equal the previous layer's units (" +
                                    std::to_string(layers_[i - 1].units) + "), got " + std::to_string(l.in));
      if (first_dense_ < 0) first_dense_ = static_cast<int>(i);
      if (first_backward_ < 0) first_backward_ = static_cast<int>(i);
      last_dense_ = static_cast<int>(i);
      kernel_of_[i] = static_cast<int>(arrays_.size());
      arrays_.push_back({total_, static_cast<size_t>(l.in) * l.units, static_cast<int>(i), false});
      total_ += padded(arrays_.back().len);
      if (l.use_bias) {
        bias_of_[i] = static_cast<int>(arrays_.size());
        arrays_.push_back({total_, static_cast<size_t>(l.units), static_cast<int>(i), true});
        total_ += padded(arrays_.back().len);
      }
    }
    max_width_ = std::max({max_width_, l.in, l.units});
  }
  if (first_dense_ < 0) throw std::invalid_argument("layers must contain at least one dense layer");
  params_.resize(total_);
  snap_.resize(total_);
  grads_.resize(total_);
  size_t n = 0;
  for (const WeightArray& a : arrays_) n += a.len;
  param_scalars_ = n;
}

size_t Network::native_bytes() const {
  return (params_.size() + snap_.size() + grads_.size() + slots_.size() + snap_slots_.size() + packed_floats_.load()) *
         sizeof(float);
}

void Network::compile(const CompileSpec& spec) {
  if (spec.loss < 0 || spec.loss >= kLossCount) throw std::invalid_argument("loss id out of range");
  for (int m : spec.metrics)
    if (m < 0 || m >= kMetricCount) throw std::invalid_argument("metric id out of range");
  MetricSet(spec.metrics, spec.metric_args, output_dim());  // checks the metrics' options
  const OptimizerSpec& o = spec.opt;
  switch (o.kind) {
    case OptId::Sgd: slots_per_array_ = o.momentum != 0.f ? 1 : 0; break;
    case OptId::Adam:
    case OptId::AdamW:
    case OptId::Nadam:
    case OptId::Adamax: slots_per_array_ = 2; break;
    case OptId::Rmsprop:
    case OptId::Adagrad: slots_per_array_ = 1; break;
    default: throw std::invalid_argument("optimizer id out of range");
  }
  slot_off_.assign(arrays_.size(), 0);
  size_t off = 0;
  for (size_t a = 0; a < arrays_.size(); ++a) {
    slot_off_[a] = off;
    off += padded(arrays_[a].len) * slots_per_array_;
  }
  std::lock_guard<std::mutex> lk(snap_mu_);
  slots_.resize(off);
  snap_slots_.resize(off);
  slots_.zero();
  if (o.kind == OptId::Adagrad)
    for (size_t a = 0; a < arrays_.size(); ++a)
      std::fill_n(slots_.data() + slot_off_[a], arrays_[a].len, o.initial_accumulator);
  if (off) std::memcpy(snap_slots_.data(), slots_.data(), off * sizeof(float));
  iterations_ = snap_iterations_ = 0;
  nadam_step_ = -1;
  spec_ = spec;
  lr_.store(o.lr);
  const LayerSpec& last = layers_.back();
  const LossId loss = static_cast<LossId>(spec.loss);
  fused_output_ = (last.dense() || last.kind == LayerKind::Activation) && !spec.from_logits &&
                  ((loss == LossId::Bce && last.act == Act::Sigmoid) ||
                   ((loss == LossId::Cce || loss == LossId::SparseCce) && last.act == Act::Softmax));
  plan_halves();
  compiled_ = true;
}

void Network::get_weights(const std::vector<float*>& dst) const {
  std::lock_guard<std::mutex> lk(snap_mu_);
  for (size_t a = 0; a < arrays_.size(); ++a)
    std::memcpy(dst[a], snap_.data() + arrays_[a].off, arrays_[a].len * sizeof(float));
}

void Network::set_weights(const std::vector<const float*>& src) {
  std::lock_guard<std::mutex> lk(snap_mu_);
  for (size_t a = 0; a < arrays_.size(); ++a) {
    std::memcpy(params_.data() + arrays_[a].off, src[a], arrays_[a].len * sizeof(float));
    std::memcpy(snap_.data() + arrays_[a].off, src[a], arrays_[a].len * sizeof(float));
  }
  ++snap_version_;
}

int64_t Network::get_optimizer_state(const std::vector<float*>& slots) const {
  std::lock_guard<std::mutex> lk(snap_mu_);
  for (size_t a = 0; a < arrays_.size(); ++a)
    for (int s = 0; s < slots_per_array_; ++s)
      std::memcpy(slots[a * slots_per_array_ + s], snap_slots_.data() + slot_off_[a] + s * arrays_[a].len,
                  arrays_[a].len * sizeof(float));
  return snap_iterations_;
}

void Network::set_optimizer_state(int64_t iterations, const std::vector<const float*>& slots) {
  std::lock_guard<std::mutex> lk(snap_mu_);
  for (size_t a = 0; a < arrays_.size(); ++a)
    for (int s = 0; s < slots_per_array_; ++s) {
      const size_t o = slot_off_[a] + s * arrays_[a].len;
      std::memcpy(slots_.data() + o, slots[a * slots_per_array_ + s], arrays_[a].len * sizeof(float));
      std::memcpy(snap_slots_.data() + o, slots[a * slots_per_array_ + s], arrays_[a].len * sizeof(float));
    }
  iterations_ = snap_iterations_ = iterations;
}

void Network::take_snapshot() {
  std::lock_guard<std::mutex> lk(snap_mu_);
  std::memcpy(snap_.data(), params_.data(), total_ * sizeof(float));
  ++snap_version_;
  if (slots_.size()) std::memcpy(snap_slots_.data(), slots_.data(), slots_.size() * sizeof(float));
  snap_iterations_ = iterations_;
}

void Network::restore_snapshot() {
  std::lock_guard<std::mutex> lk(snap_mu_);
  std::memcpy(params_.data(), snap_.data(), total_ * sizeof(float));
  if (slots_.size()) std::memcpy(slots_.data(), snap_slots_.data(), slots_.size() * sizeof(float));
  iterations_ = snap_iterations_;
}

double Network::penalty(const float* W) const {
  double p = 0.0;
  const VecKernels& k = vec();
  for (size_t i = 0; i < layers_.size(); ++i) {
    const LayerSpec& l = layers_[i];
    if (l.dense() && (l.l1 != 0.f || l.l2 != 0.f)) {
      const WeightArray& a = arrays_[kernel_of_[i]];
      p += k.reg_grad(W + a.off, nullptr, a.len, l.l1, l.l2);
    }
  }
  return p;
}

}  // namespace myelin::engine
