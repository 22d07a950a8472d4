// Standalone GEMM check, without Node: every GEMM config this CPU can run (core/gemm_config.h:
// each ISA's kernels and shapes) against a float64 reference
// (all transposes, alpha/beta, strided and 4 KiB-aliased operands), bit identity over 1-4 threads,
// a hash of the results (to compare ISAs and builds), and timing. Built and run natively and, for
// the NEON kernels, cross-compiled and run under qemu by scripts/check-gemm.sh.
// Usage: gemm_check check | hash | time ISA THREADS [M N K]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "core/gemm.h"
#include "core/gemm_config.h"
#include "core/isa.h"
#include "core/thread_pool.h"

using namespace myelin;

namespace {

std::mt19937 rng(1);

std::vector<float> random(size_t n) {
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

struct Case {
  int m, n, k;
  bool ta, tb;
  float alpha, beta;
  int pad;  // leading dimensions this much wider than the matrix
};

// Runs one product and counts the elements off the reference (and padding that was written).
int check(const Case& s) {
  const int lda = (s.ta ? s.m : s.k) + s.pad, ldb = (s.tb ? s.k : s.n) + s.pad, ldc = s.n + s.pad;
  auto a = random(size_t(s.ta ? s.k : s.m) * lda + 1), b = random(size_t(s.tb ? s.n : s.k) * ldb + 1);
  auto c = random(size_t(s.m) * ldc + 1);
  const auto c0 = c;
  gemm(s.ta, s.tb, s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta, c.data(), ldc);
  int bad = 0;
  for (int i = 0; i < s.m; ++i)
    for (int j = 0; j < ldc; ++j) {
      const size_t at = size_t(i) * ldc + j;
      if (j >= s.n) {
        bad += std::memcmp(&c[at], &c0[at], 4) != 0;
        continue;
      }
      double sum = 0, mag = 0;
      for (int p = 0; p < s.k; ++p) {
        const double x = s.ta ? a[size_t(p) * lda + i] : a[size_t(i) * lda + p];
        const double y = s.tb ? b[size_t(j) * ldb + p] : b[size_t(p) * ldb + j];
        sum += x * y;
        mag += std::fabs(x * y);
      }
      const double ref = s.alpha * sum + (s.beta != 0 ? s.beta * c0[at] : 0);
      const double tol = 1e-5 * (std::fabs(s.alpha) * mag + std::fabs(s.beta * c0[at]) + 1);
      if (!(std::fabs(c[at] - ref) <= tol)) {
        if (bad < 3)
          std::printf("  %dx%dx%d ta=%d tb=%d alpha=%g beta=%g pad=%d: C(%d,%d) = %g, expected %g\n", s.m, s.n, s.k,
                      s.ta, s.tb, s.alpha, s.beta, s.pad, i, j, c[at], ref);
        ++bad;
      }
    }
  return bad;
}

const int kShapes[][3] = {{1, 1, 1},    {3, 40, 20},   {40, 3, 20},    {37, 41, 1},    {37, 41, 43},  {128, 10, 128},
                          {10, 33, 70}, {67, 97, 300}, {150, 35, 600}, {13, 900, 260}, {8, 900, 260}, {45, 50, 33},
                          {50, 6, 19},  {300, 17, 31}, {2, 16, 2},     {32, 16, 16},   {33, 1, 5}};

// The bias and ReLU the micro-kernels apply in their store (core/gemm_kernel.h TileEpilogue) against the same
// product without them, then c + bias and c < 0 ? 0 : c here: the same bits (NaN rows and edge tiles included).
int check_epilogue() {
  int bad = 0;
  const int shapes[][3] = {{33, 47, 600}, {40, 64, 20}, {3, 5, 2}, {128, 10, 128}};
  for (auto& s : shapes) {
    const int m = s[0], n = s[1], k = s[2];
    auto a = random(size_t(m) * k);
    const auto b = random(size_t(k) * n), bias = random(n);
    if (m > 7) a[size_t(7) * k] = NAN;
    std::vector<float> plain(size_t(m) * n), fused(plain.size());
    gemm(false, false, m, n, k, 1, a.data(), k, b.data(), n, 0, plain.data(), n);
    Epilogue ep;
    ep.bias = bias.data();
    ep.act = Act::Relu;
    gemm(false, false, m, n, k, 1, a.data(), k, b.data(), n, 0, fused.data(), n, ep);
    for (size_t i = 0; i < plain.size(); ++i) {
      float v = plain[i] + bias[i % n];
      v = v < 0.f ? 0.f : v;
      if (std::memcmp(&v, &fused[i], 4) != 0 && !(std::isnan(v) && std::isnan(fused[i]))) {
        if (bad < 3) std::printf("  bias+relu %dx%dx%d: C[%zu] = %g, expected %g\n", m, n, k, i, fused[i], v);
        ++bad;
      }
    }
  }
  return bad;
}

// The backward pass's ReLU derivative (y > 0 ? c : 0) and column sums (rows in order), in the kernels' store or the
// driver's pass, at 1 and 2 threads (a row split sums after the product): the bits of applying them here.
int check_backward_epilogue() {
  int bad = 0;
  const int shapes[][3] = {{33, 47, 60}, {128, 64, 10}, {128, 32, 48}, {3, 5, 2}, {128, 10, 128}};
  for (auto& s : shapes)
    for (int threads = 1; threads <= 2; ++threads) {
      set_num_threads(threads);
      const int m = s[0], n = s[1], k = s[2];
      const auto a = random(size_t(m) * k), b = random(size_t(k) * n);
      auto y = random(size_t(m) * n);
      y[0] = 0.f, y[y.size() / 2] = NAN;
      std::vector<float> plain(size_t(m) * n), fused(plain.size()), sums(n), want(n, 0.f);
      gemm(false, false, m, n, k, 1, a.data(), k, b.data(), n, 0, plain.data(), n);
      Epilogue ep;
      ep.dact = Act::Relu;
      ep.dact_y = y.data();
      ep.col_sums = sums.data();
      gemm(false, false, m, n, k, 1, a.data(), k, b.data(), n, 0, fused.data(), n, ep);
      for (size_t i = 0; i < plain.size(); ++i) {
        const float v = y[i] > 0.f ? plain[i] : 0.f;
        want[i % n] += v;
        if (std::memcmp(&v, &fused[i], 4) != 0) {
          if (bad < 3) std::printf("  relu' %dx%dx%d: C[%zu] = %g, expected %g\n", m, n, k, i, fused[i], v);
          ++bad;
        }
      }
      if (std::memcmp(sums.data(), want.data(), size_t(n) * 4) != 0) {
        std::printf("  column sums %dx%dx%d, %d threads: not the rows' sums in order\n", m, n, k, threads);
        ++bad;
      }
    }
  set_num_threads(1);
  return bad;
}

// The small-product path (core/gemm_small.h) against the blocked one, forced, on the course net's shapes and odd
// ones, all four transposes, with bias, tanh, tanh's derivative and column sums: the same bits.
int check_small() {
  int bad = 0;
  const int shapes[][3] = {{32, 16, 2}, {32, 16, 16}, {16, 16, 32}, {32, 1, 16}, {16, 1, 32}, {7, 37, 5}, {40, 3, 9}};
  for (auto& s : shapes)
    for (int t = 0; t < 4; ++t)
      for (int back = 0; back < 2; ++back) {
        const bool ta = (t & 1) != 0, tb = t > 1;
        const int m = s[0], n = s[1], k = s[2];
        const auto a = random(size_t(m) * k), b = random(size_t(k) * n), bias = random(n), y = random(size_t(m) * n);
        const auto c0 = random(size_t(m) * n);
        std::vector<float> out[2], sums[2];
        for (int path = 1; path <= 2; ++path) {
          force_gemm_path(path);
          std::vector<float>& c = out[path - 1] = c0;
          sums[path - 1].assign(n, 0.f);
          Epilogue ep;
          if (back) {
            ep.dact = Act::Tanh, ep.dact_y = y.data(), ep.col_sums = sums[path - 1].data();
          } else {
            ep.bias = bias.data(), ep.act = Act::Tanh;
          }
          gemm(ta, tb, m, n, k, 1, a.data(), ta ? m : k, b.data(), tb ? k : n, back ? 0.5f : 0.f, c.data(), n, ep);
        }
        if (std::memcmp(out[0].data(), out[1].data(), out[0].size() * 4) != 0 ||
            std::memcmp(sums[0].data(), sums[1].data(), size_t(n) * 4) != 0) {
          std::printf("  small path %dx%dx%d ta %d tb %d %s: not the blocked path's bits\n", m, n, k, ta, tb,
                      back ? "backward" : "forward");
          ++bad;
        }
      }
  force_gemm_path(0);
  return bad;
}

int check_config() {
  int bad = check_epilogue() + check_backward_epilogue() + check_small();
  for (auto& s : kShapes)
    for (int t = 0; t < 4; ++t)
      for (int pad : {0, 3})
        for (float beta : {0.f, 1.f, -0.5f})
          bad += check({s[0], s[1], s[2], (t & 1) != 0, t > 1, beta == 1.f ? 2.5f : 1.f, beta, pad});
  for (int t = 0; t < 4; ++t)  // lda a multiple of 4 KiB: A is packed
    bad += check({45, 50, 33, (t & 1) != 0, t > 1, 1.f, 0.f, 1024 - ((t & 1) ? 45 : 33)});
  const int threaded[][3] = {{200, 300, 150}, {500, 10, 200}, {13, 900, 260}, {300, 128, 128}};
  for (auto& s : threaded) {
    const int m = s[0], n = s[1], k = s[2];
    const auto a = random(size_t(m) * k), b = random(size_t(k) * n);
    std::vector<float> one;
    for (int threads = 1; threads <= 4; ++threads) {
      set_num_threads(threads);
      std::vector<float> c(size_t(m) * n);
      gemm(false, false, m, n, k, 1, a.data(), k, b.data(), n, 0, c.data(), n);
      if (threads == 1) one = c;
      if (std::memcmp(c.data(), one.data(), c.size() * 4) != 0) {
        std::printf("  %dx%dx%d: %d threads differ from 1\n", m, n, k, threads);
        ++bad;
      }
    }
    set_num_threads(1);
  }
  return bad;
}

// FNV-1a over the bits of a fixed set of products.
unsigned long hash_config() {
  rng.seed(7);
  unsigned long h = 1469598103934665603UL;
  for (int s = 0; s < 11; ++s)
    for (int t = 0; t < 4; ++t)
      for (float beta : {0.f, 0.5f}) {
        const int m = kShapes[s][0], n = kShapes[s][1], k = kShapes[s][2];
        const bool ta = t & 1, tb = t > 1;
        const auto a = random(size_t(m) * k), b = random(size_t(k) * n);
        auto c = random(size_t(m) * n);
        gemm(ta, tb, m, n, k, 1.5f, a.data(), ta ? m : k, b.data(), tb ? k : n, beta, c.data(), n);
        for (float x : c) {
          unsigned u;
          std::memcpy(&u, &x, 4);
          h = (h ^ u) * 1099511628211UL;
        }
      }
  return h;
}

void time_shapes(int argc, char** argv) {
  if (argc >= 3) {  // one shape from the command line: M N K
    const int m = std::atoi(argv[0]), n = std::atoi(argv[1]), k = std::atoi(argv[2]);
    const auto a = random(size_t(m) * k), b = random(size_t(k) * n);
    std::vector<float> c(size_t(m) * n);
    const long reps = std::max(1L, long(4e8 / (2.0 * m * n * k)));
    double best = 1e9;
    for (int r = 0; r < 9; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      for (long i = 0; i < reps; ++i) gemm(false, false, m, n, k, 1, a.data(), k, b.data(), n, 0, c.data(), n);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps);
    }
    std::printf("%dx%dx%d %.1f GFLOP/s\n", m, n, k, 2.0 * m * n * k / best * 1e-9);
    return;
  }
  const int shapes[][5] = {{512, 512, 512, 0, 0}, {1024, 1024, 1024, 0, 0}, {128, 256, 784, 0, 0},
                           {128, 128, 256, 0, 0}, {128, 10, 128, 0, 0},     {128, 784, 256, 0, 1},
                           {784, 256, 128, 1, 0}, {32, 16, 2, 0, 0},        {32, 16, 16, 0, 0}};
  for (auto& s : shapes) {
    const int m = s[0], n = s[1], k = s[2];
    const bool ta = s[3], tb = s[4];
    const auto a = random(size_t(m) * k), b = random(size_t(k) * n);
    std::vector<float> c(size_t(m) * n);
    const double flops = 2.0 * m * n * k;
    const long reps = std::max(1L, long(2e8 / flops));
    double best = 1e9;
    for (int r = 0; r < 7; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      for (long i = 0; i < reps; ++i)
        gemm(ta, tb, m, n, k, 1, a.data(), ta ? m : k, b.data(), tb ? k : n, 0, c.data(), n);
      const auto t1 = std::chrono::steady_clock::now();
      best = std::min(best, std::chrono::duration<double>(t1 - t0).count() / reps);
    }
    std::printf("%5dx%4dx%4d ta=%d tb=%d %7.1f GFLOP/s\n", m, n, k, ta, tb, flops / best * 1e-9);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "check";
  if (std::strcmp(mode, "time") == 0) {
    Isa isa;
    if (argc < 3 || !isa_from_name(argv[2], &isa) || !isa_supported(isa)) {
      std::fprintf(stderr, "usage: gemm_check time ISA THREADS (a supported ISA)\n");
      return 2;
    }
    force_isa(isa);
    set_num_threads(argc > 3 ? std::atoi(argv[3]) : 1);
    const GemmConfig& c = gemm_config();
    std::printf("%s %dx%d mc %d kc %d nc %d\n", c.name, c.mr, c.nr, c.mc, c.kc, c.nc);
    time_shapes(argc - 4, argv + 4);
    return 0;
  }
  int failed = 0, count = 0;
  const GemmConfig* configs = gemm_configs(&count);
  for (int i = 0; i < count; ++i) {
    const GemmConfig& c = configs[i];
    force_gemm_config(c.name);
    std::printf("%-12s %-7s %2dx%-2d mc %4d kc %3d nc %4d: ", c.name, isa_name(c.isa), c.mr, c.nr, c.mc, c.kc, c.nc);
    if (std::strcmp(mode, "hash") == 0) {
      std::printf("%016lx\n", hash_config());
    } else {
      const int bad = check_config();
      std::printf("%s\n", bad ? "FAIL" : "ok");
      failed += bad != 0;
    }
  }
  return failed != 0;
}
