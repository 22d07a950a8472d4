// DeepSHAP for a stack of dense layers: DeepLIFT's rescale rule, one background row at a time as the
// reference, averaged over the background (Lundberg & Lee 2017), with the per-op rules of SHAP's
// TensorFlow DeepExplainer (deep_tf.py). Summation to delta holds per reference, so for every row
// expected + sum(phi) = f(x) up to float rounding.
#pragma once

#include <vector>

#include "core/activations.h"

namespace myelin {

struct DenseLayerView {
  const float* kernel;  // in x out, row-major (Keras orientation)
  const float* bias;    // out values, or null
  int in;
  int out;
  Act act;
};

struct DeepShapOutput {
  float* phi;        // outputs x rows x features: phi[(k * rows + i) * features + j]
  float* output;     // rows x outputs: the model's output for each explained row
  double* expected;  // outputs: the mean output over the background rows
};

// x: rows x features; background: bg_rows x features (bg_rows >= 1). Layers must chain
// (layers[l].out == layers[l + 1].in, layers[0].in == features). Uses the shared thread pool;
// results do not depend on the thread count.
void deep_shap(const std::vector<DenseLayerView>& layers, const float* x, int rows, const float* background,
               int bg_rows, const DeepShapOutput& out);

}  // namespace myelin
