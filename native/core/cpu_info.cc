#include "core/cpu_info.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(_M_X64)
#include <intrin.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

namespace myelin {
namespace {

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
struct Regs {
  unsigned a = 0, b = 0, c = 0, d = 0;
};

Regs cpuid(unsigned leaf, unsigned sub = 0) {
  Regs r;
#if defined(_M_X64)
  int v[4];
  __cpuidex(v, static_cast<int>(leaf), static_cast<int>(sub));
  r = {unsigned(v[0]), unsigned(v[1]), unsigned(v[2]), unsigned(v[3])};
#else
  __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
#endif
  return r;
}

// Deterministic cache parameters (Intel leaf 4, AMD leaf 0x8000001D: the same layout).
void caches_from(unsigned leaf, CpuInfo* info) {
  for (unsigned sub = 0; sub < 16; ++sub) {
    const Regs r = cpuid(leaf, sub);
    const unsigned type = r.a & 0x1f, level = (r.a >> 5) & 7;
    if (type == 0) break;
    if (type == 2) continue;  // instruction cache
    const int ways = int(r.b >> 22) + 1;
    const int64_t bytes = int64_t(ways) * (((r.b >> 12) & 0x3ff) + 1) * ((r.b & 0xfff) + 1) * (int64_t(r.c) + 1);
    const bool full = (r.a >> 9) & 1;  // fully associative: as many ways as lines
    if (level == 1) info->l1d = bytes, info->l1d_ways = full ? 0 : ways;
    if (level == 2) info->l2 = bytes, info->l2_ways = full ? 0 : ways;
    if (level == 3) info->l3 = bytes;
  }
}

CpuInfo detect() {
  CpuInfo info;
  const Regs v = cpuid(0);
  char vendor[13] = {};
  std::memcpy(vendor, &v.b, 4);
  std::memcpy(vendor + 4, &v.d, 4);
  std::memcpy(vendor + 8, &v.c, 4);
  info.vendor = vendor;
  const unsigned sig = cpuid(1).a;
  const int base_family = (sig >> 8) & 0xf, base_model = (sig >> 4) & 0xf;
  info.family = base_family == 0xf ? base_family + int((sig >> 20) & 0xff) : base_family;
  info.model = base_family == 0x6 || base_family == 0xf ? base_model + int(((sig >> 16) & 0xf) << 4) : base_model;
  const unsigned ext_max = cpuid(0x80000000).a;
  if (ext_max >= 0x80000004) {
    char brand[49] = {};
    for (unsigned i = 0; i < 3; ++i) {
      const Regs r = cpuid(0x80000002 + i);
      std::memcpy(brand + 16 * i, &r, 16);
    }
    const std::string name = brand;
    const size_t first = name.find_first_not_of(' '), last = name.find_last_not_of(' ');
    if (first != std::string::npos) info.name = name.substr(first, last - first + 1);
  }
  if (info.vendor == "GenuineIntel" && v.a >= 4) caches_from(4, &info);
  if (info.vendor == "AuthenticAMD" || info.vendor == "HygonGenuine") {
    if (ext_max >= 0x8000001d && ((cpuid(0x80000001).c >> 22) & 1)) caches_from(0x8000001d, &info);
    if (info.l1d == 0 && ext_max >= 0x80000006) {  // older AMD: sizes in KiB / 512 KiB units
      const unsigned l1 = cpuid(0x80000005).c;
      info.l1d = int64_t(l1 >> 24) * 1024;
      info.l1d_ways = ((l1 >> 16) & 0xff) == 0xff ? 0 : int((l1 >> 16) & 0xff);
      const Regs r = cpuid(0x80000006);
      info.l2 = int64_t(r.c >> 16) * 1024;
      info.l3 = int64_t(r.d >> 18) * 512 * 1024;
    }
  }
  return info;
}

#elif defined(__APPLE__)
long sysctl_long(const char* name) {
  long v = 0;
  size_t size = sizeof v;
  return sysctlbyname(name, &v, &size, nullptr, 0) == 0 ? v : 0;
}

CpuInfo detect() {
  CpuInfo info;
  info.vendor = "apple";
  char brand[128] = {};
  size_t size = sizeof brand - 1;
  if (sysctlbyname("machdep.cpu.brand_string", brand, &size, nullptr, 0) == 0) info.name = brand;
  info.l1d = sysctl_long("hw.perflevel0.l1dcachesize");
  if (info.l1d == 0) info.l1d = sysctl_long("hw.l1dcachesize");
  info.l2 = sysctl_long("hw.perflevel0.l2cachesize");
  if (info.l2 == 0) info.l2 = sysctl_long("hw.l2cachesize");
  return info;
}

#else
// Linux (arm64 and others): /proc/cpuinfo for the MIDR fields, sysfs for the caches.
std::string trim(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t"), last = s.find_last_not_of(" \t");
  return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

int64_t sysfs_cache(int index, int* level, std::string* type, int* ways) {
  const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
  std::ifstream fl(dir + "level"), ft(dir + "type"), fs(dir + "size"), fw(dir + "ways_of_associativity");
  std::string size;
  if (!(fl >> *level) || !(ft >> *type) || !(fs >> size)) return -1;
  if (!(fw >> *ways)) *ways = 0;
  int64_t bytes = std::atoll(size.c_str());
  if (size.back() == 'K') bytes *= 1024;
  if (size.back() == 'M') bytes *= 1024 * 1024;
  return bytes;
}

CpuInfo detect() {
  CpuInfo info;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "CPU implementer") info.family = int(std::strtol(value.c_str(), nullptr, 0));
    if (key == "CPU part") info.model = int(std::strtol(value.c_str(), nullptr, 0));
    if (key == "model name" && info.name.empty()) info.name = value;
    if (info.family != 0 && info.model != 0) break;
  }
  if (info.family == 0x41) info.vendor = "arm";
  if (info.name.empty() && info.model != 0) {
    char part[32];
    std::snprintf(part, sizeof part, "part 0x%x", info.model);
    info.name = part;
  }
  for (int i = 0; i < 8; ++i) {
    int level = 0, ways = 0;
    std::string type;
    const int64_t bytes = sysfs_cache(i, &level, &type, &ways);
    if (bytes < 0) break;
    if (type == "Instruction") continue;
    if (level == 1) info.l1d = bytes, info.l1d_ways = ways;
    if (level == 2) info.l2 = bytes, info.l2_ways = ways;
    if (level == 3) info.l3 = bytes;
  }
  return info;
}
#endif

}  // namespace

const CpuInfo& cpu_info() {
  static const CpuInfo info = detect();
  return info;
}

}  // namespace myelin
