#include "core/gemm_config.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/cpu_info.h"

namespace myelin {
namespace {

bool any_cpu(const CpuInfo&) { return true; }
bool amd_zen5(const CpuInfo& c) { return c.vendor == "AuthenticAMD" && c.family == 0x1a; }
bool amd_zen4(const CpuInfo& c) {  // Genoa, Phoenix, Bergamo/Siena, Raphael
  const int m = c.model;
  return c.vendor == "AuthenticAMD" && c.family == 0x19 &&
         ((m >= 0x10 && m <= 0x1f) || (m >= 0x60 && m <= 0x7f) || (m >= 0xa0 && m <= 0xaf));
}
// Xeon with two 512-bit FMA ports: Skylake-SP/Cascade/Cooper Lake, Ice Lake-SP, Sapphire, Emerald
// and Granite Rapids.
bool intel_xeon_avx512(const CpuInfo& c) {
  static const int kModels[] = {0x55, 0x6a, 0x6c, 0x8f, 0xcf, 0xad, 0xae};
  return c.vendor == "GenuineIntel" && c.family == 6 && std::count(kModels, kModels + 7, c.model) > 0;
}
bool arm_neoverse(const CpuInfo& c) {  // N1, V1, N2, V2, V3, N3
  static const int kParts[] = {0xd0c, 0xd40, 0xd49, 0xd4f, 0xd84, 0xd8e};
  return c.vendor == "arm" && std::count(kParts, kParts + 6, c.model) > 0;
}

struct Entry {
  GemmConfig cfg;  // mc/kc/nc 0: derived from the caches
  bool (*match)(const CpuInfo&);
};

// First match wins, so each ISA's catch-all entry comes last among that ISA's entries.
const Entry kRegistry[] = {
    // Zen 5 (48 KiB L1d, 1 MiB L2, two 512-bit FMA pipes): measured; mc covers a batch of 128 rows.
    {{"zen5", Isa::Avx512, 10, 32, 130, 256, 4096, nullptr}, amd_zen5},
    // Zen 4 (32 KiB L1d, 1 MiB L2, 512-bit ops on 256-bit pipes): blocks from the caches.
    {{"zen4", Isa::Avx512, 10, 32, 0, 0, 4096, nullptr}, amd_zen4},
    // Intel Xeon: BLIS's skx shape (24 accumulators); blocks from the caches (48 KiB / 2 MiB on SPR+).
    {{"xeon-avx512", Isa::Avx512, 12, 32, 0, 0, 4096, nullptr}, intel_xeon_avx512},
    {{"avx512", Isa::Avx512, 10, 32, 0, 0, 4096, nullptr}, any_cpu},
    {{"avx2", Isa::Avx2, 6, 16, 0, 0, 4096, nullptr}, any_cpu},
    // Neoverse: BLIS's armv8a shape, 24 accumulators of the 32 q registers.
    {{"neoverse", Isa::Neon, 8, 12, 0, 0, 4096, nullptr}, arm_neoverse},
    {{"neon", Isa::Neon, 8, 8, 0, 0, 4096, nullptr}, any_cpu},
    {{"scalar", Isa::Scalar, 4, 8, 128, 256, 2048, nullptr}, any_cpu},
};

GemmKernelList kernel_list(Isa isa) {
  switch (isa) {
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::Avx512: return avx512::gemm_kernels();
    case Isa::Avx2: return avx2::gemm_kernels();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case Isa::Neon: return neon::gemm_kernels();
#endif
    default: return scalar::gemm_kernels();
  }
}

// BLIS's analytical rules, simplified: the B panel (kc x nr) takes about 2/3 of L1d, the A block
// (mc x kc) about half of L2. Unknown sizes: 256 and 128 rows, the values measured on Zen 5.
GemmConfig resolve(const GemmConfig& e, const CpuInfo& cpu) {
  GemmConfig c = e;
  if (c.kc == 0) c.kc = cpu.l1d > 0 ? std::clamp<int>(int(cpu.l1d * 2 / 3 / (c.nr * 4)) / 8 * 8, 64, 256) : 256;
  if (c.mc == 0) c.mc = cpu.l2 > 0 ? std::clamp<int>(int(cpu.l2 / 2 / (c.kc * 4)), 2 * c.mr, 1024) : 128;
  c.mc = std::max(c.mr, c.mc / c.mr * c.mr);
  const GemmKernelList list = kernel_list(c.isa);
  for (int i = 0; i < list.count; ++i)
    if (list.shapes[i].mr == c.mr && list.shapes[i].nr == c.nr) c.kernels = &list.shapes[i];
  return c;
}

struct State {
  std::vector<GemmConfig> configs;  // the runnable entries, resolved
  std::vector<bool> matches;        // entry i matches this CPU
  GemmConfig from_env{};            // MYELIN_GEMM_CONFIG, when set
  bool env_set = false;
};

std::string names(const State& s) {
  std::string out;
  for (const GemmConfig& c : s.configs) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

const GemmConfig* find(const State& s, const std::string& name) {
  for (const GemmConfig& c : s.configs)
    if (name == c.name) return &c;
  return nullptr;
}

// `<name>` or `<name>:MC,KC,NC` (MYELIN_GEMM_CONFIG, forceGemmConfig): that entry, maybe with its
// blocks replaced. `what` names the source in the errors.
GemmConfig parse(const State& s, const std::string& value, const std::string& what) {
  const std::string name = value.substr(0, value.find(':'));
  const GemmConfig* c = find(s, name);
  if (c == nullptr) throw std::runtime_error(what + value + ": unknown config; this CPU and build offer: " + names(s));
  GemmConfig out = *c;
  if (name.size() == value.size()) return out;
  int mc = 0, kc = 0, nc = 0;
  char end = 0;
  if (std::sscanf(value.c_str() + name.size() + 1, "%d,%d,%d%c", &mc, &kc, &nc, &end) != 3 || mc < 1 || kc < 1 ||
      nc < 1 || mc > 65536 || kc > 65536 || nc > 1 << 20)
    throw std::runtime_error(what + value + ": blocks must be <name>:MC,KC,NC, positive integers");
  out.mc = std::max(c->mr, mc / c->mr * c->mr), out.kc = kc, out.nc = nc;
  return out;
}

State build() {
  State s;
  const CpuInfo& cpu = cpu_info();
  for (const Entry& e : kRegistry) {
    if (!isa_supported(e.cfg.isa)) continue;
    const GemmConfig c = resolve(e.cfg, cpu);
    if (c.kernels == nullptr) continue;  // a shape this build lacks: not offered
    s.configs.push_back(c);
    s.matches.push_back(e.match(cpu));
  }
  const char* env = std::getenv("MYELIN_GEMM_CONFIG");
  if (env == nullptr || *env == '\0') return s;
  s.from_env = parse(s, env, "MYELIN_GEMM_CONFIG=");
  s.env_set = true;
  return s;
}

const State& state() {
  static const State s = build();  // if this throws, every later call tries again and throws again
  return s;
}

std::atomic<const GemmConfig*> g_forced{nullptr};
std::atomic<const GemmConfig*> g_chosen[4] = {};  // per Isa: the registry's choice, once made

}  // namespace

const GemmConfig& gemm_config() {
  if (const GemmConfig* f = g_forced.load(std::memory_order_acquire)) return *f;
  const Isa isa = active_isa();
  std::atomic<const GemmConfig*>& cached = g_chosen[static_cast<int>(isa)];
  if (const GemmConfig* c = cached.load(std::memory_order_acquire)) return *c;  // every GEMM call asks
  const State& s = state();
  if (s.env_set) return s.from_env;
  for (size_t i = 0; i < s.configs.size(); ++i)
    if (s.configs[i].isa == isa && s.matches[i]) {
      cached.store(&s.configs[i], std::memory_order_release);
      return s.configs[i];
    }
  // Unreachable: every ISA has a catch-all entry.
  throw std::runtime_error(std::string("no GEMM config for ISA ") + isa_name(isa));
}

const GemmConfig* gemm_configs(int* count) {
  const State& s = state();
  *count = static_cast<int>(s.configs.size());
  return s.configs.data();
}

void force_gemm_config(const char* name) {
  const State& s = state();
  if (name == nullptr || *name == '\0') {
    g_forced.store(nullptr, std::memory_order_release);
    return;
  }
  const GemmConfig c = parse(s, name, "GEMM config ");
  // Kept for the life of the process: a GEMM running on another thread may still hold the last one.
  static std::mutex mu;
  static std::deque<GemmConfig> forced;
  std::lock_guard<std::mutex> lock(mu);
  for (const GemmConfig& f : forced)
    if (std::strcmp(f.name, c.name) == 0 && f.mc == c.mc && f.kc == c.kc && f.nc == c.nc)
      return g_forced.store(&f, std::memory_order_release);
  forced.push_back(c);
  g_forced.store(&forced.back(), std::memory_order_release);
}

}  // namespace myelin
