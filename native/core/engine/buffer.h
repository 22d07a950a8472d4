// A 64-byte-aligned float buffer (GEMM and the vector kernels like aligned rows); contents are not
// kept across resize().
#pragma once

#include <cstddef>
#include <cstring>
#include <new>

#include "core/portable.h"

namespace myelin::engine {

class FloatBuf {
 public:
  FloatBuf() = default;
  explicit FloatBuf(size_t n) { resize(n); }
  FloatBuf(const FloatBuf&) = delete;
  FloatBuf& operator=(const FloatBuf&) = delete;
  FloatBuf(FloatBuf&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  FloatBuf& operator=(FloatBuf&& o) noexcept {
    if (this != &o) {
      aligned_free64(p_);
      p_ = o.p_, n_ = o.n_;
      o.p_ = nullptr, o.n_ = 0;
    }
    return *this;
  }
  ~FloatBuf() { aligned_free64(p_); }

  // Reallocates (zeroed) when n differs from the current size.
  void resize(size_t n) {
    if (n == n_) return;
    aligned_free64(p_);
    p_ = nullptr, n_ = 0;
    if (n == 0) return;
    const size_t bytes = (n * sizeof(float) + 63) & ~static_cast<size_t>(63);
    p_ = static_cast<float*>(aligned_alloc64(bytes));
    if (!p_) throw std::bad_alloc();
    std::memset(p_, 0, bytes);
    n_ = n;
  }
  // Grows only.
  void reserve(size_t n) {
    if (n > n_) resize(n);
  }
  void zero() {
    if (p_) std::memset(p_, 0, n_ * sizeof(float));
  }
  float* data() { return p_; }
  const float* data() const { return p_; }
  size_t size() const { return n_; }

 private:
  float* p_ = nullptr;
  size_t n_ = 0;
};

}  // namespace myelin::engine
