// The optimizer step with Keras 3's order of operations (keras/src/optimizers/base_optimizer.py):
// the learning rate of this step (a schedule at `iterations`), gradient clipping (clipnorm per
// array, global_clipnorm over all arrays, or clipvalue), decoupled weight decay
// w -= w * weight_decay * lr, then the optimizer's update_step.
#include <algorithm>
#include <cmath>

#include "core/engine/chunked.h"
#include "core/engine/network.h"
#include "core/vec.h"

namespace myelin::engine {

double schedule_lr(const ScheduleSpec& s, int64_t step_i) {
  const double step = static_cast<double>(step_i);
  switch (s.kind) {
    case ScheduleId::ExponentialDecay:
    case ScheduleId::InverseTimeDecay: {
      double p = step / s.decay_steps;
      if (s.staircase) p = std::floor(p);
      return s.kind == ScheduleId::ExponentialDecay ? s.initial * std::pow(s.decay_rate, p)
                                                    : s.initial / (1.0 + s.decay_rate * p);
    }
    case ScheduleId::PiecewiseConstantDecay: {
      // values[i] for boundaries[i - 1] < step <= boundaries[i].
      size_t i = 0;
      while (i < s.boundaries.size() && step > s.boundaries[i]) ++i;
      return s.values[i];
    }
    case ScheduleId::PolynomialDecay: {
      double ds = s.decay_steps, t = step;
      if (s.cycle)
        ds *= step == 0 ? 1.0 : std::ceil(step / s.decay_steps);
      else
        t = std::min(t, ds);
      return (s.initial - s.end) * std::pow(1.0 - t / ds, s.power) + s.end;
    }
    case ScheduleId::CosineDecay: {
      const double pi = 3.14159265358979323846;
      auto decay = [&](double t, double from) {
        const double cosine = 0.5 * (1.0 + std::cos(pi * t / s.decay_steps));
        return from * ((1.0 - s.alpha) * cosine + s.alpha);
      };
      if (!s.warmup) return decay(std::min(step, s.decay_steps), s.initial);
      const double t = std::min(step, s.decay_steps + s.warmup_steps);
      if (t < s.warmup_steps) return (s.warmup_target - s.initial) * (t / s.warmup_steps) + s.initial;
      return decay(t - s.warmup_steps, s.warmup_target);
    }
    case ScheduleId::None: break;
  }
  return 0.0;
}

float Network::current_lr() const {
  const ScheduleSpec& s = spec_.opt.schedule;
  if (s.kind == ScheduleId::None) return lr_.load(std::memory_order_relaxed);
  return static_cast<float>(schedule_lr(s, iterations_));
}

// Nadam's running product of u_i = beta1 (1 - 0.5 * 0.96^i) over steps 1..t, cached by t.
double Network::nadam_u_product(int64_t t) {
  const double b1 = spec_.opt.beta1;
  auto u = [b1](int64_t i) { return b1 * (1.0 - 0.5 * std::pow(0.96, static_cast<double>(i))); };
  if (nadam_step_ == t) return nadam_product_;
  if (nadam_step_ != t - 1) {
    nadam_product_ = 1.0;
    for (int64_t i = 1; i < t; ++i) nadam_product_ *= u(i);
  }
  nadam_product_ *= u(t);
  nadam_step_ = t;
  return nadam_product_;
}

Network::ArrayStep Network::array_step(int a, float* g, bool clipped) {
  const OptimizerSpec& o = spec_.opt;
  ArrayStep s{};
  s.o = &o;
  s.w = params_.data() + arrays_[a].off;
  s.s0 = slots_per_array_ ? slots_.data() + slot_off_[a] : nullptr;
  s.s1 = slots_per_array_ > 1 ? s.s0 + arrays_[a].len : nullptr;
  s.g = g;
  s.lr = current_lr();
  s.clip = clipped ? 0.f : o.clip_value;
  s.keep = o.weight_decay > 0.f ? 1.f - o.weight_decay * s.lr : 1.f;
  const double t = static_cast<double>(iterations_ + 1);
  const double b1 = o.beta1, b2 = o.beta2;
  switch (o.kind) {
    case OptId::Adam:
    case OptId::AdamW:
      s.alpha = static_cast<float>(s.lr * std::sqrt(1.0 - std::pow(b2, t)) / (1.0 - std::pow(b1, t)));
      break;
    case OptId::Nadam: {
      // m_hat = u_{t+1} m / (1 - prod_{t+1}) + (1 - u_t) g / (1 - prod_t); v_hat = v / (1 - b2^t).
      const double u_t = b1 * (1.0 - 0.5 * std::pow(0.96, t)), u_next = b1 * (1.0 - 0.5 * std::pow(0.96, t + 1));
      const double prod = nadam_u_product(iterations_ + 1), prod_next = prod * u_next;
      s.cm = static_cast<float>(u_next / (1.0 - prod_next));
      s.cg = static_cast<float>((1.0 - u_t) / (1.0 - prod));
      s.cv = static_cast<float>(1.0 / (1.0 - std::pow(b2, t)));
      break;
    }
    case OptId::Adamax: s.alpha = static_cast<float>(s.lr / (1.0 - std::pow(b1, t))); break;
    default: break;
  }
  return s;
}

void Network::ArrayStep::apply(size_t b, size_t c) const {
  const VecKernels& k = vec();
  // Keras's order: clipvalue clamps the gradient, decoupled weight decay, then the update.
  if (clip > 0.f) k.scale_clip(g + b, c, 1.f, clip);
  if (keep != 1.f) k.scale_clip(w + b, c, keep, 0.f);
  float *w_ = w + b, *g_ = g + b, *m = s0 ? s0 + b : nullptr, *v = s1 ? s1 + b : nullptr;
  switch (o->kind) {
    case OptId::Sgd: k.sgd(w_, m, g_, c, lr, o->momentum, o->nesterov); break;
    case OptId::Adam:
    case OptId::AdamW: k.adam(w_, m, v, g_, c, alpha, o->beta1, o->beta2, o->epsilon); break;
    case OptId::Nadam: k.nadam(w_, m, v, g_, c, lr, o->beta1, o->beta2, o->epsilon, cm, cg, cv); break;
    case OptId::Adamax: k.adamax(w_, m, v, g_, c, alpha, o->beta1, o->beta2, o->epsilon); break;
    case OptId::Rmsprop: k.rmsprop(w_, m, g_, c, lr, o->rho, o->epsilon); break;
    case OptId::Adagrad: k.adagrad(w_, m, g_, c, lr, o->epsilon); break;
  }
}

void Network::update_array(int a, float* g, bool clipped) {
  const VecKernels& k = vec();
  const OptimizerSpec& o = spec_.opt;
  const size_t n = arrays_[a].len;
  // Keras clips each gradient array: clipnorm scales it to norm <= clipnorm (clipvalue is elementwise, in
  // apply; at most one of clipnorm, clipvalue and global_clipnorm is set).
  if (!clipped && o.clip_norm > 0.f) {
    const double norm = std::sqrt(k.sum_squares(g, n));
    if (norm > o.clip_norm) k.scale_clip(g, n, static_cast<float>(o.clip_norm / norm), 0.f);
  }
  const ArrayStep s = array_step(a, g, clipped);
  chunked(n, [&s](size_t b, size_t c) { s.apply(b, c); });
}

void Network::update_all_global_clip(float* grads) {
  const VecKernels& k = vec();
  const float clip = spec_.opt.global_clip_norm;
  double sq = 0.0;
  for (const WeightArray& a : arrays_)
    if (a.trainable) sq += k.sum_squares(grads + a.off, a.len);
  // Keras: scale = clip * min(1 / norm, 1 / clip); a non-finite norm makes every gradient NaN.
  const double norm = std::sqrt(sq);
  const float scale = std::isfinite(norm) ? static_cast<float>(clip * std::min(1.0 / norm, 1.0 / clip)) : NAN;
  for (size_t a = 0; a < arrays_.size(); ++a) {
    if (!arrays_[a].trainable) continue;
    float* g = grads + arrays_[a].off;
    if (scale != 1.f) k.scale_clip(g, arrays_[a].len, scale, 0.f);
    update_array(static_cast<int>(a), g, true);
  }
}

}  // namespace myelin::engine
