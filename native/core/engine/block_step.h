// The optimizer step fused into a kernel's gradient GEMM (gemm.h Epilogue::done), for dense.cc and groups.cc.
#pragma once

#include <cstddef>

#include "core/engine/network.h"
#include "core/gemm.h"
#include "core/vec.h"

namespace myelin::engine {

// The kernel's update fused into its gradient GEMM (gemm.h Epilogue::done): on each finished block of the
// gradient, an optimizer step, or (step null) w += v for momentum SGD, whose GEMM wrote v. Row by row, or the
// whole block at once when it spans whole rows.
struct BlockStep {
  const Network::ArrayStep* step;
  float* w;
  const float* v;
  int ld;

  void apply(size_t b, size_t c) const {
    if (step)
      step->apply(b, c);
    else
      vec().add_to(w + b, v + b, c);
  }
  static void done(void* ctx, int r0, int rows, int c0, int cols) {
    const BlockStep& s = *static_cast<const BlockStep*>(ctx);
    if (cols == s.ld) return s.apply(static_cast<size_t>(r0) * s.ld, static_cast<size_t>(rows) * s.ld);
    for (int r = r0; r < r0 + rows; ++r) s.apply(static_cast<size_t>(r) * s.ld + c0, static_cast<size_t>(cols));
  }
  Epilogue epilogue() {
    Epilogue e;
    e.done = &BlockStep::done;
    e.ctx = this;
    return e;
  }
};

}  // namespace myelin::engine
