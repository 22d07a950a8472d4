#include "core/isa.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

#if defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
#include <intrin.h>
#endif

namespace myelin {
namespace {

#if defined(__x86_64__) || defined(_M_X64)
constexpr bool kX86 = true;
#else
constexpr bool kX86 = false;
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
constexpr bool kArm64 = true;
#else
constexpr bool kArm64 = false;
#endif

bool cpu_has_avx2_fma() {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  // libgcc also checks XCR0, so the OS saves the ymm state.
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#elif defined(_MSC_VER) && defined(_M_X64)
  int r[4];
  __cpuid(r, 1);
  const bool fma = (r[2] >> 12) & 1, osxsave = (r[2] >> 27) & 1;
  if (!fma || !osxsave || (_xgetbv(0) & 0x6) != 0x6) return false;
  __cpuidex(r, 7, 0);
  return (r[1] >> 5) & 1;
#else
  return false;
#endif
}

bool cpu_has_avx512f() {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  return cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f");
#elif defined(_MSC_VER) && defined(_M_X64)
  if (!cpu_has_avx2_fma() || (_xgetbv(0) & 0xe6) != 0xe6) return false;
  int r[4];
  __cpuidex(r, 7, 0);
  return (r[1] >> 16) & 1;
#else
  return false;
#endif
}

Isa best_isa() {
  if (isa_supported(Isa::Avx512)) return Isa::Avx512;
  if (isa_supported(Isa::Avx2)) return Isa::Avx2;
  if (isa_supported(Isa::Neon)) return Isa::Neon;
  return Isa::Scalar;
}

std::atomic<int> g_active{-1};
std::once_flag g_once;

void choose_once() {
  const char* env = std::getenv("MYELIN_ISA");
  if (env == nullptr || *env == '\0') {
    g_active.store(static_cast<int>(best_isa()));
    return;
  }
  Isa forced;
  if (!isa_from_name(env, &forced))
    throw std::runtime_error(std::string("MYELIN_ISA=") + env + " is not one of: scalar, avx2, avx512, neon");
  if (!isa_supported(forced))
    throw std::runtime_error(std::string("MYELIN_ISA=") + env +
                             ": this CPU or build does not support it (best here: " + isa_name(best_isa()) + ")");
  g_active.store(static_cast<int>(forced));
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Scalar: return "scalar";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
    case Isa::Neon: return "neon";
  }
  return "unknown";
}

bool isa_from_name(const char* name, Isa* out) {
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Neon}) {
    if (std::strcmp(name, isa_name(isa)) == 0) {
      *out = isa;
      return true;
    }
  }
  return false;
}

bool isa_supported(Isa isa) {
  switch (isa) {
    case Isa::Scalar: return true;
    case Isa::Avx2: return kX86 && cpu_has_avx2_fma();
    case Isa::Avx512: return kX86 && cpu_has_avx512f();
    case Isa::Neon: return kArm64;
  }
  return false;
}

Isa active_isa() {
  int v = g_active.load(std::memory_order_relaxed);
  if (v >= 0) return static_cast<Isa>(v);
  std::call_once(g_once, choose_once);
  return static_cast<Isa>(g_active.load());
}

void force_isa(Isa isa) {
  if (!isa_supported(isa))
    throw std::runtime_error(std::string("ISA ") + isa_name(isa) + " is not supported on this CPU or build");
  active_isa();  // run the one-time choice first so it cannot overwrite this later
  g_active.store(static_cast<int>(isa));
}

}  // namespace myelin
