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

bool no_cpu(const CpuInfo&) { return false; }  // offered to MYELIN_GEMM_CONFIG and the bench only

// First match wins, so each ISA's catch-all entry comes last among that ISA's entries. Shapes: every
// AVX-512 one keeps 2-3 B vectors, a broadcast and 20-24 accumulators in the 32 zmm registers; k
// loops checked spill-free and costed per CPU model by scripts/kernel-loops.py (docs/contributing.md).
// Blocks left 0 come from the caches (model_blocks below).
const Entry kRegistry[] = {
    // Zen 5 (48 KiB 12-way L1d, 1 MiB 16-way L2; two full 512-bit FMA pipes, 2 vector loads per
    // cycle): 10x32 is FMA-bound (10 cycles of FMAs and 6 of loads per k step) and splits a batch of
    // 128 rows into 13 tiles with 2 rows of waste. Blocks measured: kc 256 (the model: 200), mc 130 =
    // one 128-row batch (the model: 1020), faster on the MLP shapes.
    {{"zen5", Isa::Avx512, 10, 32, 130, 256, 4096, nullptr}, amd_zen5},
    // Zen 4 (32 KiB 8-way L1d, 1 MiB 8-way L2; 512-bit ops split over two 256-bit FMA pipes, so one
    // zmm FMA per cycle): a k step of 10x32 is 20 cycles of FMAs against 12 loads, FMA-bound with
    // room; 10x32 for the same batch-128 tiling as Zen 5. Blocks from the model: kc 96, mc 1020.
    {{"zen4", Isa::Avx512, 10, 32, 0, 0, 4096, nullptr}, amd_zen4},
    // Intel Xeon, Skylake-SP to Granite Rapids (two 512-bit FMA ports p0/p5, two loads per cycle; a
    // broadcast from memory is one load uop): 12x32 (BLIS's skx shape transposed) needs 14 load uops
    // and ~40 uops per 24 FMAs, under the 4-6 wide front end and the load ports; 12 rows split a
    // 128-row batch into 11 tiles. Blocks from the caches: EMR/SPR (48 KiB 12-way, 2 MiB 16-way) kc
    // 256, mc 1020; Skylake-SP (32 KiB 8-way, 1 MiB 16-way) kc 80.
    {{"xeon-avx512", Isa::Avx512, 12, 32, 0, 0, 4096, nullptr}, intel_xeon_avx512},
    // 8x48 (OpenBLAS's skylakex sgemm shape): 11 loads per 24 FMAs instead of 14, the better k loop
    // for llvm-mca's Intel models (100 % of the FMA bound against 92 % for 12x32), but n = 128 or 256
    // wastes 1/9 of each row of tiles: offered to compare on a Xeon (bench --only gemm), chosen for none.
    {{"avx512-8x48", Isa::Avx512, 8, 48, 0, 0, 4096, nullptr}, no_cpu},
    {{"avx512", Isa::Avx512, 10, 32, 0, 0, 4096, nullptr}, any_cpu},
    // AVX2 (Haswell to Zen 3): 6x16 = 12 ymm accumulators, 2 B vectors and a broadcast of 16 registers.
    {{"avx2", Isa::Avx2, 6, 16, 0, 0, 4096, nullptr}, any_cpu},
    // Neoverse N1/V1/N2/V2 (64 KiB 4-way L1d; 1-2 MiB 8-way L2; two or four 128-bit FMA pipes): 8x12,
    // BLIS's armv8a shape: 24 accumulators + 3 B vectors + 2 vectors of A read by lane (fmla by
    // element) in the 32 q registers. Blocks from the model: kc 512, mc 384 (1 MiB L2) or 768 (2 MiB).
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

// BLIS's analytical model (Low, Igual, Smith and Quintana-Orti, "Analytical modeling is enough for
// high-performance BLIS", TOMS 2016; LLVM Polly's matmul optimizer applies the same rules). The driver
// keeps a kc x nr micro-panel of B in L1 while mr x kc micro-panels of A stream through it.
// - L1, W1 ways of S1 = size / W1 bytes: one way stays free for C; A's and B's micro-panels share the
//   rest in proportion to their sizes, so A gets C_A = floor((W1 - 1) mr / (mr + nr)) ways (at least
//   1) and kc = C_A S1 / (4 mr).
// - L2, W2 ways of S2 bytes: the packed A block (mc x kc) takes every way but one for B's micro-panel
//   and one for C: mc = (W2 - 2) S2 / (4 kc).
// A cache reported without its ways is taken as 8-way; unreported caches give kc 256 and mc 128
// rounded up to mr (Zen 5's measured values). kc is rounded down to a multiple of 8, in [64, 512]; mc to a multiple of
// mr, in [2 mr, 1024]: past ~1000 rows B's micro-panel is reused 80+ times already, and an SMT sibling keeps half the
// L2.
void model_blocks(const CpuInfo& cpu, int mr, int nr, int* mc, int* kc) {
  if (*kc == 0 && cpu.l1d > 0) {
    const int w1 = cpu.l1d_ways > 0 ? cpu.l1d_ways : 8;
    const int ways_a = std::max(1, (w1 - 1) * mr / (mr + nr));
    *kc = std::clamp<int>(int(ways_a * (cpu.l1d / w1) / (4 * mr)) / 8 * 8, 64, 512);
  }
  if (*kc == 0) *kc = 256;
  if (*mc == 0 && cpu.l2 > 0) {
    const int w2 = cpu.l2_ways > 2 ? cpu.l2_ways : 8;
    *mc = int(std::min<int64_t>((w2 - 2) * (cpu.l2 / w2) / (4 * *kc), 1024));
  }
  if (*mc == 0) *mc = (128 + mr - 1) / mr * mr;  // a batch of 128 rows
  *mc = std::max(2 * mr, *mc / mr * mr);
}

GemmConfig resolve(const GemmConfig& e, const CpuInfo& cpu) {
  GemmConfig c = e;
  model_blocks(cpu, c.mr, c.nr, &c.mc, &c.kc);
  return c;
}

const GemmKernels* find_kernels(const GemmConfig& c) {
  const GemmKernelList list = kernel_list(c.isa);
  for (int i = 0; i < list.count; ++i)
    if (list.shapes[i].mr == c.mr && list.shapes[i].nr == c.nr) return &list.shapes[i];
  return nullptr;
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
    GemmConfig c = resolve(e.cfg, cpu);
    c.kernels = find_kernels(c);
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

GemmConfig gemm_config_for(const CpuInfo& cpu, Isa isa) {
  for (const Entry& e : kRegistry)
    if (e.cfg.isa == isa && e.match(cpu)) return resolve(e.cfg, cpu);
  throw std::runtime_error(std::string("no GEMM config for ISA ") + isa_name(isa));  // each ISA has a catch-all
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
