// Portable reference forms. The engine's vectorized versions replace these bodies; the contract in
// activations.h stays.
#include "core/activations.h"

#include <cmath>

namespace myelin {

void act_forward(Act act, const float* z, float* y, size_t n) {
  switch (act) {
    case Act::Linear:
      if (y != z) for (size_t i = 0; i < n; ++i) y[i] = z[i];
      return;
    case Act::Relu:
      for (size_t i = 0; i < n; ++i) y[i] = z[i] > 0.f ? z[i] : 0.f;
      return;
    case Act::Sigmoid:
      for (size_t i = 0; i < n; ++i) y[i] = 1.f / (1.f + std::exp(-z[i]));
      return;
    case Act::Tanh:
      for (size_t i = 0; i < n; ++i) y[i] = std::tanh(z[i]);
      return;
    case Act::LeakyRelu:
      for (size_t i = 0; i < n; ++i) y[i] = z[i] > 0.f ? z[i] : 0.2f * z[i];
      return;
    case Act::Elu:
      for (size_t i = 0; i < n; ++i) y[i] = z[i] > 0.f ? z[i] : std::expm1(z[i]);
      return;
    case Act::Gelu:
      for (size_t i = 0; i < n; ++i) y[i] = 0.5f * z[i] * (1.f + std::erf(z[i] * 0.70710678f));
      return;
    case Act::Swish:
      for (size_t i = 0; i < n; ++i) y[i] = z[i] / (1.f + std::exp(-z[i]));
      return;
    case Act::Softmax:
      break;
  }
}

void act_rows(Act act, float* c, int ld, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    float* row = c + static_cast<size_t>(r) * ld;
    if (act != Act::Softmax) {
      act_forward(act, row, row, cols);
      continue;
    }
    float mx = row[0];
    for (int j = 1; j < cols; ++j) mx = row[j] > mx ? row[j] : mx;
    float sum = 0.f;
    for (int j = 0; j < cols; ++j) sum += (row[j] = std::exp(row[j] - mx));
    const float inv = 1.f / sum;
    for (int j = 0; j < cols; ++j) row[j] *= inv;
  }
}

}  // namespace myelin
