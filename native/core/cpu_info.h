// What the CPU says about itself, for choosing GEMM parameters (core/gemm_config.h): vendor,
// family/model (x86 CPUID; on arm64 the MIDR implementer and part), name, and per-core data cache
// sizes. Read once; fields the platform does not report are empty or 0.
#pragma once

#include <cstdint>
#include <string>

namespace myelin {

struct CpuInfo {
  std::string vendor;               // "GenuineIntel", "AuthenticAMD", "arm" (implementer 0x41), ...
  std::string name;                 // brand string, or the arm64 part when there is none
  int family = 0;                   // x86: display family (base + extended); arm64: implementer
  int model = 0;                    // x86: display model (base + extended << 4); arm64: part number
  int64_t l1d = 0, l2 = 0, l3 = 0;  // bytes: L1 data and L2 per core, L3 as reported (shared)
  int l1d_ways = 0, l2_ways = 0;    // associativity (the GEMM block model needs it); 0: not reported
};

const CpuInfo& cpu_info();

}  // namespace myelin
