// 64-byte-aligned buffers: a float buffer (GEMM and the vector kernels like aligned rows; contents are not
// kept across resize()), and an allocator for vectors whose parts different threads write.
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

// For std::vector: threads that write neighbouring ranges of it (columns of a normalization layer's sums, split
// on 16 columns) then share no cache line, which a vector's 16-byte-aligned storage makes them do at every row.
template <typename T>
struct Aligned64 {
  using value_type = T;
  Aligned64() = default;
  template <typename U>
  Aligned64(const Aligned64<U>&) {}
  T* allocate(size_t n) {
    void* p = aligned_alloc64((n * sizeof(T) + 63) & ~static_cast<size_t>(63));
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { aligned_free64(p); }
  template <typename U>
  bool operator==(const Aligned64<U>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const Aligned64<U>&) const {
    return false;
  }
};

}  // namespace myelin::engine
